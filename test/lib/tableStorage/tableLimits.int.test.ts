/**
 * Every store write stays inside Table Storage's limits (64 KiB a property, 1 MiB an entity, 100 entities and
 * 4 MiB a transaction), measured by a wrapper for the limits Azurite does not enforce and sent to Azurite for
 * the ones it does.
 */
import { describe, expect, it } from 'vitest';
import type { PendingAttribution } from '../../../lib/ports/index.js';
import { ManualClock } from '../../../lib/clock.js';
import { chainHash, hashedFields } from '../../../lib/hashChain.js';
import { storeOn } from '../../../lib/tableStorage/openStore.js';
import { JournalEntryTooLargeError, MAX_REASON_CHARS } from '../../../lib/tableStorage/journal.js';
import { journalEntries } from '../../../testkit/fixtures.js';
import { limitCheckedTables, MAX_PROPERTY_BYTES, type TableWrite } from '../../../testkit/tableLimits.js';
import { syntheticEntry, testTables } from '../../support/store.js';

const clock = new ManualClock('2026-11-01T09:00:00Z');

function checkedStore() {
  const writes: TableWrite[] = [];
  const store = storeOn(limitCheckedTables(testTables(), writes), clock);
  return { store, writes };
}

describe('Table Storage limits', () => {
  it('refuses a journal entry too large for one row before writing anything', async () => {
    const { store, writes } = checkedStore();
    const huge = { targets: Array.from({ length: 5_000 }, (_, i) => `assignment:${String(i).padStart(36, '0')}`) };
    await expect(
      store.journal.append(syntheticEntry({ type: 'revoke.blocked', actor: 'watchdog', subject: 's', data: huge })),
    ).rejects.toThrow(JournalEntryTooLargeError);
    await expect(
      store.journal.appendMany([
        syntheticEntry({ type: 'x', actor: 'a', subject: 's' }),
        syntheticEntry({ type: 'y', actor: 'a', subject: 's', data: huge }),
      ]),
    ).rejects.toThrow(/store counts and hashes of long lists/);
    expect(writes.filter((w) => w.table.endsWith('Journal'))).toEqual([]);
    expect(await journalEntries(store)).toEqual([]);
  });

  it('cuts a long reason before hashing it, so the chain still verifies', async () => {
    const { store } = checkedStore();
    const entry = await store.journal.append(
      syntheticEntry({
        type: 'grant.revoke-failed',
        actor: 'watchdog',
        subject: 'g1',
        reason: 'Exchange said: '.padEnd(50_000, 'x'),
      }),
    );
    const [read] = await journalEntries(store);
    expect(read?.reason?.length).toBeLessThanOrEqual(MAX_REASON_CHARS);
    expect(read?.reason).toMatch(/\(truncated\)$/);
    expect(read?.hash).toBe(entry.hash);
    if (read) expect(chainHash(read.prevHash, hashedFields(read))).toBe(read.hash);
  });

  it('packs a batch of multi-byte entries into transactions under 4 MiB (UTF-8), which Azurite accepts', async () => {
    const { store, writes } = checkedStore();
    const text = 'メールボックスのインポートとエクスポート'.repeat(250); // 5,000 characters, 15,000 UTF-8 bytes
    const inputs = Array.from({ length: 600 }, (_, i) =>
      syntheticEntry({
        type: 'holder.added',
        actor: 'watchdog',
        subject: `h${i}`,
        data: { holder: { displayName: text, i } },
      }),
    );
    const appended = await store.journal.appendMany(inputs);
    expect(appended).toHaveLength(600);
    expect((await journalEntries(store)).map((e) => e.subject)).toEqual(inputs.map((i) => i.subject));
    const journalWrites = writes.filter((w) => w.table.endsWith('Journal'));
    expect(journalWrites.length).toBeGreaterThan(1);
    expect(Math.max(...journalWrites.map((w) => w.maxPropertyBytes))).toBeLessThanOrEqual(MAX_PROPERTY_BYTES);
  });

  it('keeps pending audit log queries in one bounded property, newest first when they outgrow it', async () => {
    const { store, writes } = checkedStore();
    const pending: PendingAttribution[] = Array.from({ length: 40 }, (_, q) => ({
      queryId: `q${q}`,
      startedAt: new Date(Date.UTC(2026, 10, 1, 0, q * 15)).toISOString(),
      findings: Array.from({ length: 100 }, (_, i) => ({
        findingId: `unapproved|user${q}-${i}@contoso.onmicrosoft.com|${q * 1000 + i}`,
        principal: `user${q}-${i}@contoso.onmicrosoft.com`,
        displayName: `Bulk User ${q}-${i} ${Math.sin(q * 100 + i).toString(36)}`,
        summary: `Bulk User ${q}-${i} holds Mailbox Import Export via direct assignment without an approved grant (${Math.cos(i + q).toString(36)})`,
        role: 'Mailbox Import Export',
        via: 'direct' as const,
        assignmentName: `Mailbox Import Export-user${q}-${i}`,
      })),
    }));
    const state = await store.snapshots.saveAttribution(pending, await store.snapshots.state());
    expect(state.etag).toBeTruthy();
    const read = (await store.snapshots.state()).attribution ?? [];
    expect(read.length).toBeGreaterThan(0);
    expect(read.length).toBeLessThan(pending.length);
    expect(read.at(-1)?.queryId).toBe('q39');
    expect(Math.max(...writes.map((w) => w.maxPropertyBytes))).toBeLessThanOrEqual(MAX_PROPERTY_BYTES);
  });
});
