import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock.js';
import type { Grant } from '../../../lib/domain.js';
import { chainHash, hashedFields } from '../../../lib/hashChain.js';
import { ConflictError, OpenGrantExistsError } from '../../../lib/ports/index.js';
import { pendingGrant } from '../../../testkit/fixtures.js';
import { openTestStore, syntheticEntry } from '../../support/store.js';

const clock = new ManualClock('2026-11-01T09:00:00Z');

/** A pending grant whose justification has the characters a store must keep as they are. */
function sampleGrant(id: string): Grant {
  return pendingGrant(id, { justification: 'PST export for legal hold, O\'Brien & "Partners"' });
}

describe('grant store (Azurite)', () => {
  const store = openTestStore(clock);

  it('round-trips a grant and filters by status and principal', async () => {
    const created = await store.grants.create(sampleGrant('g-1'));
    expect(created).toEqual(sampleGrant('g-1'));
    const read = await store.grants.get('g-1');
    expect(read).toEqual(created);
    expect(await store.grants.get('does-not-exist')).toBeUndefined();

    await store.grants.create({ ...sampleGrant('g-2'), status: 'active', principal: 'lee.gu@contoso.onmicrosoft.com' });
    expect((await store.grants.list({ status: ['active'] })).map((g) => g.id)).toEqual(['g-2']);
    expect((await store.grants.list({ status: ['active', 'pending'] })).map((g) => g.id)).toEqual(['g-1', 'g-2']);
    expect((await store.grants.list({ principal: 'Lee.Gu@contoso.onmicrosoft.com' })).map((g) => g.id)).toEqual([
      'g-2',
    ]);
    // The grant create returned is the stored version: it can be updated without reading it again.
    await expect(store.grants.update(created, { ...created, ticket: 'CHG-9' })).resolves.toMatchObject({
      ticket: 'CHG-9',
    });
  });

  it('updates only a grant it returned, and only with the same id', async () => {
    const created = await store.grants.create(sampleGrant('g-3'));
    await expect(store.grants.update({ ...created }, { ...created, status: 'denied' })).rejects.toThrow(
      'Grant g-3 was not read from the store: read it before updating it.',
    );
    await expect(store.grants.update(created, { ...created, id: 'g-4' })).rejects.toThrow(
      'Grant g-3 cannot be replaced by grant g-4.',
    );
    expect((await store.grants.get('g-3'))?.status).toBe('pending');
    expect(await store.grants.get('g-4')).toBeUndefined();
  });

  it('refuses a duplicate id with a ConflictError', async () => {
    await store.grants.create(sampleGrant('dup'));
    await expect(store.grants.create(sampleGrant('dup'))).rejects.toBeInstanceOf(ConflictError);
  });

  it('detects a concurrent update through the ETag (412 -> ConflictError)', async () => {
    const original = await store.grants.create(sampleGrant('race'));
    const first = await store.grants.update(original, {
      ...original,
      status: 'active',
      approvedBy: 'a@contoso.onmicrosoft.com',
    });
    await expect(store.grants.update(original, { ...original, status: 'cancelled' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    const stored = await store.grants.get('race');
    expect(stored?.status).toBe('active');
    expect(stored).toEqual(first);
    // What the first update returned is the stored version.
    await expect(store.grants.update(first, { ...first, status: 'released' })).resolves.toMatchObject({
      status: 'released',
    });
  });
});

describe('one open grant per principal (Azurite)', () => {
  const store = openTestStore(clock);
  const open = (g: Grant) => ['pending', 'approved', 'active', 'expired'].includes(g.status);

  it('lets exactly one of two racing requests for the same person create a grant', async () => {
    const results = await Promise.allSettled([
      store.grants.createExclusive(
        { ...sampleGrant('race-a'), principal: 'guest_fabrikam.com#ext#@contoso.onmicrosoft.com' },
        open,
      ),
      store.grants.createExclusive(
        { ...sampleGrant('race-b'), principal: 'guest_fabrikam.com#ext#@contoso.onmicrosoft.com' },
        open,
      ),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect(refused?.status === 'rejected' && refused.reason).toBeInstanceOf(OpenGrantExistsError);
    expect(
      (await store.grants.list({ principal: 'guest_fabrikam.com#ext#@contoso.onmicrosoft.com' })).map((g) => g.id),
    ).toHaveLength(1);
  });

  it('frees the principal once the open grant has ended, and lists no slot rows', async () => {
    const first = await store.grants.createExclusive(
      { ...sampleGrant('slot-1'), principal: 'lee.gu@contoso.onmicrosoft.com' },
      open,
    );
    await expect(
      store.grants.createExclusive({ ...sampleGrant('slot-2'), principal: 'lee.gu@contoso.onmicrosoft.com' }, open),
    ).rejects.toMatchObject({ existing: { id: 'slot-1' } });
    await store.grants.update(first, { ...first, status: 'denied' });
    const second = await store.grants.createExclusive(
      { ...sampleGrant('slot-2'), principal: 'lee.gu@contoso.onmicrosoft.com' },
      open,
    );
    await expect(store.grants.update(second, { ...second, status: 'denied' })).resolves.toMatchObject({
      status: 'denied',
    });
    expect((await store.grants.list()).every((g) => typeof g.id === 'string' && g.requestedAt)).toBe(true);
  });
});

describe('journal (Azurite)', () => {
  it('chains entries, keeps order under concurrent appends and filters by time', async () => {
    const store = openTestStore(clock);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        store.journal.append(
          syntheticEntry({
            type: 'test.event',
            actor: `user${i}@contoso.onmicrosoft.com`,
            subject: `s${i}`,
            data: { i },
          }),
        ),
      ),
    );
    const entries = [];
    for await (const e of store.journal.read()) entries.push(e);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    let prev = '0'.repeat(64);
    for (const e of entries) {
      expect(e.prevHash).toBe(prev);
      expect(e.hash).toBe(chainHash(prev, hashedFields(e)));
      prev = e.hash;
    }
    await store.journal.append(
      syntheticEntry({ type: 'late', actor: 'watchdog', subject: 'x', at: '2026-12-01T00:00:00.000Z' }),
    );
    const late = [];
    for await (const e of store.journal.read({ from: '2026-11-15T00:00:00.000Z' })) late.push(e.type);
    expect(late).toEqual(['late']);
  });
});
