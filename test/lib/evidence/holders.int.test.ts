import { describe, expect, it } from 'vitest';
import { holdersCommand } from '../../../cli/holders.js';
import { ManualClock } from '../../../lib/clock.js';
import { holdersAtTime } from '../../../lib/evidence/holdersAtTime.js';
import { entryRowKey } from '../../../lib/hashChain.js';
import { openTestStore } from '../../support/store.js';
import { captureIo } from '../../../testkit/captureIo.js';
import { seedHistory, T } from './support.js';

const clock = new ManualClock('2026-03-01T14:00:00Z');

describe('who held Mailbox Import Export at time T (Azurite)', () => {
  it('answers from holder.* events across adds, changes and removes', async () => {
    const store = openTestStore(clock);
    const { alex, lynne, adele } = await seedHistory(store);
    const principals = async (at: string) => (await holdersAtTime(store, at)).holders.map((h) => h.holder.principal);

    const before = await holdersAtTime(store, T('07:59'));
    expect(before).toMatchObject({ recorded: false, historyStartsAt: T('08:00'), holders: [] });
    expect(await principals(T('08:00'))).toEqual([alex.principal, lynne.principal]);
    expect(await principals(T('09:30'))).toEqual([adele.principal, alex.principal, lynne.principal]);
    expect(await principals(T('12:14'))).toEqual([adele.principal, alex.principal, lynne.principal]);
    expect(await principals(T('12:15'))).toEqual([adele.principal, lynne.principal]);
    expect(await principals(T('13:30'))).toEqual([lynne.principal]);

    const noon = await holdersAtTime(store, T('12:30'));
    expect(noon.integrity.ok).toBe(true);
    const lynneAtNoon = noon.holders.find((h) => h.holder.key === lynne.key);
    expect(lynneAtNoon).toMatchObject({ firstSeen: T('08:00'), since: T('11:00'), holder: { scope: 'Sales OU' } });
    expect((await holdersAtTime(store, T('10:30'))).holders.find((h) => h.holder.key === lynne.key)?.holder.scope).toBe(
      'Organization',
    );
  });

  it('mie-watchdog holders --at prints the set, --json one document, and exits 1 on altered history', async () => {
    const store = openTestStore(clock);
    await seedHistory(store);
    const text = captureIo();
    expect(await holdersCommand(['--at', '2026-03-01T09:30:00+01:00'], text, store)).toBe(0);
    expect(text.stdout).toContain('2 holder(s) of Mailbox Import Export at 2026-03-01T08:30:00.000Z');
    expect(text.stdout).toContain('lynner@contoso.onmicrosoft.com (lynner): via role group PST Migration Operators');

    const json = captureIo();
    expect(await holdersCommand(['--at', T('09:30'), '--json'], json, store)).toBe(0);
    const answer = JSON.parse(json.stdout) as {
      holders: { holder: { principal: string } }[];
      integrity: { ok: boolean };
    };
    expect(answer.holders).toHaveLength(3);
    expect(answer.integrity.ok).toBe(true);

    await expect(holdersCommand(['--at', 'yesterday'], captureIo(), store)).rejects.toThrow(
      "--at 'yesterday' is not an ISO 8601",
    );
    await expect(holdersCommand([], captureIo(), store)).rejects.toThrow('--at is required');

    const table = await store.tables.table('journal');
    await table.deleteEntity('journal', entryRowKey(10));
    const tampered = captureIo();
    expect(await holdersCommand(['--at', T('13:30')], tampered, store)).toBe(1);
    expect(tampered.stderr).toContain('The answer comes from altered history');
    expect(tampered.stderr).toContain(`row ${entryRowKey(10)} [missing]`);
  });
});
