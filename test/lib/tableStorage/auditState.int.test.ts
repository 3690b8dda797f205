import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type StoredFinding, ConflictError } from '../../../lib/ports/index.js';
import { snapshotHash } from '../../../lib/audit/snapshotChanges.js';
import type { Holder, Snapshot } from '../../../lib/domain.js';
import { ManualClock } from '../../../lib/clock.js';
import { chainHash, GENESIS_HASH, hashedFields } from '../../../lib/hashChain.js';
import { createFindingStore } from '../../../lib/tableStorage/findings.js';
import { createJournal } from '../../../lib/tableStorage/journal.js';
import { createSnapshotStore } from '../../../lib/tableStorage/snapshots.js';
import { holder } from '../../../testkit/fixtures.js';
import { countingTables } from '../../../testkit/tables.js';
import { syntheticEntry, testTables } from '../../support/store.js';

function tables() {
  return countingTables(testTables());
}

function snapshot(takenAt: string, holders: Holder[]): Snapshot {
  return { takenAt, holders, assignments: [] };
}

describe('snapshot store (Azurite)', () => {
  it('starts empty, commits versions, records health, and keeps history', async () => {
    const t = tables();
    const store = createSnapshotStore(t);
    const empty = await store.state();
    expect(empty).toMatchObject({ version: 0, holderCount: 0, consecutiveFailures: 0 });
    expect(empty.hash).toBeUndefined();

    const first = snapshot('2026-11-02T10:00:00.000Z', [holder('alexw@contoso.onmicrosoft.com', 'g1')]);
    const s1 = await store.commit(first, snapshotHash(first), empty);
    expect(s1).toMatchObject({ version: 1, hash: snapshotHash(first), holderCount: 1, lastSuccessAt: first.takenAt });
    expect(await store.load(1)).toEqual(first);

    t.reset();
    const s1b = await store.recordSuccess('2026-11-02T10:15:00.000Z', s1);
    expect(t.total()).toBe(1);
    expect(s1b).toMatchObject({ version: 1, lastSuccessAt: '2026-11-02T10:15:00.000Z' });

    const failed = await store.recordFailure(
      '2026-11-02T10:30:00.000Z',
      'Exchange Online Get-ManagementRoleAssignment: HTTP 503',
    );
    expect(failed).toMatchObject({
      version: 1,
      consecutiveFailures: 1,
      lastError: 'Exchange Online Get-ManagementRoleAssignment: HTTP 503',
      lastSuccessAt: '2026-11-02T10:15:00.000Z',
    });
    expect((await store.recordFailure('2026-11-02T10:45:00.000Z', 'again')).consecutiveFailures).toBe(2);

    const second = snapshot('2026-11-02T11:00:00.000Z', [
      holder('alexw@contoso.onmicrosoft.com', 'g1'),
      holder('adelev@contoso.onmicrosoft.com', 'g2'),
    ]);
    const s2 = await store.commit(second, snapshotHash(second), await store.state());
    expect(s2).toMatchObject({ version: 2, consecutiveFailures: 0, holderCount: 2 });
    expect(s2.lastError).toBeUndefined();
    expect(await store.load(1)).toEqual(first);
    expect(await store.load(2)).toEqual(second);
    expect(await store.load(3)).toBeUndefined();
    expect((await store.versions()).map((v) => [v.version, v.holderCount])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect((await store.versions({ from: '2026-11-02T10:30:00.000Z' })).map((v) => v.version)).toEqual([2]);
  });

  it('refuses a commit over a state another run moved (ETag)', async () => {
    const store = createSnapshotStore(tables());
    const empty = await store.state();
    const a = snapshot('2026-11-02T10:00:00.000Z', [holder('a@contoso.onmicrosoft.com', 'g1')]);
    await store.commit(a, snapshotHash(a), empty);
    await expect(store.commit(a, snapshotHash(a), empty)).rejects.toBeInstanceOf(ConflictError);
  });

  it('stores a snapshot larger than one transaction in chunks and reads it back', async () => {
    const store = createSnapshotStore(tables());
    // Random paths do not compress: about 3 MB of gzip, more chunks than one transaction carries.
    const holders = Array.from({ length: 20_000 }, (_, i) =>
      holder(`user${i}@contoso.onmicrosoft.com`, `g${i}`, { path: randomBytes(110).toString('base64') }),
    );
    const big = snapshot('2026-11-02T10:00:00.000Z', holders);
    const state = await store.commit(big, snapshotHash(big), await store.state());
    expect(state.version).toBe(1);
    const loaded = await store.load(1);
    expect(loaded?.holders).toHaveLength(20_000);
    expect(snapshotHash(loaded as Snapshot)).toBe(snapshotHash(big));
  });

  it("stops a large commit whose claim another run took over, before it mixes chunks into that run's version", async () => {
    const store = createSnapshotStore(tables());
    const holders = Array.from({ length: 20_000 }, (_, i) =>
      holder(`user${i}@contoso.onmicrosoft.com`, `g${i}`, { path: randomBytes(110).toString('base64') }),
    );
    const slow = snapshot('2026-11-02T10:00:00.000Z', holders);
    const claimedBySlow = await store.claim('2026-11-02T10:00:00.000Z', await store.state(), 0);
    // Another run claims after the lease and commits the same version first.
    const other = snapshot('2026-11-02T10:20:00.000Z', [holder('alexw@contoso.onmicrosoft.com', 'g1')]);
    await store.commit(
      other,
      snapshotHash(other),
      await store.claim('2026-11-02T10:20:00.000Z', await store.state(), 0),
    );
    await expect(store.commit(slow, snapshotHash(slow), claimedBySlow)).rejects.toBeInstanceOf(ConflictError);
    expect(await store.load(1)).toEqual(other);
  });
});

describe('finding store (Azurite)', () => {
  const finding = (id: string, kind: StoredFinding['kind'], principal: string): StoredFinding => ({
    id,
    kind,
    principal,
    severity: 'high',
    summary: `${principal} / "quoted" & <odd> #?`,
    firstSeen: '2026-11-02T10:00:00.000Z',
  });

  it('applies opened and resolved findings and break-glass holders, with the state row last', async () => {
    const t = tables();
    const store = createFindingStore(t);
    const state = await store.state();
    expect(state).toMatchObject({ openHash: '', generation: 0, openCount: 0 });

    const a = finding('unapproved|a@contoso.onmicrosoft.com|g/1#?', 'unapproved', 'a@contoso.onmicrosoft.com');
    const b = finding('changed|enabled|b@contoso.onmicrosoft.com|g2|true', 'changed', 'b@contoso.onmicrosoft.com');
    const bg = holder('breakglass1@contoso.onmicrosoft.com', 'g-om');
    const s1 = await store.apply(
      {
        opened: [a, b],
        resolved: [],
        breakGlassDetected: [{ holderKey: bg.key, principal: bg.principal, holder: bg, firstSeen: a.firstSeen }],
        breakGlassCleared: [],
      },
      { ...state, openHash: 'h1', generation: 1, openCount: 2, openChanged: 1, snapshotVersion: 1 },
    );
    expect((await store.listOpen()).map((f) => f.id).sort()).toEqual([a.id, b.id].sort());
    expect((await store.listOpen({ kind: 'changed' })).map((f) => f.id)).toEqual([b.id]);
    expect((await store.listBreakGlass()).map((u) => u.holderKey)).toEqual([bg.key]);
    expect(await store.state()).toEqual(s1);

    t.reset();
    expect((await store.state()).openHash).toBe('h1');
    expect(t.total()).toBe(1);

    const resolvedA = { ...a, lastSeen: '2026-11-02T10:00:00.000Z', resolvedAt: '2026-11-02T11:00:00.000Z' };
    await store.apply(
      {
        opened: [],
        resolved: [resolvedA],
        breakGlassDetected: [],
        breakGlassCleared: [{ holderKey: bg.key, principal: bg.principal, holder: bg, firstSeen: a.firstSeen }],
      },
      { ...s1, openHash: 'h2', generation: 2, openCount: 1 },
    );
    expect((await store.listOpen()).map((f) => f.id)).toEqual([b.id]);
    expect(await store.listBreakGlass()).toEqual([]);
    expect(await store.listResolved()).toEqual([resolvedA]);
    expect(await store.listResolved({ from: '2026-11-02T11:00:00.000Z', to: '2026-11-02T12:00:00.000Z' })).toEqual([
      resolvedA,
    ]);
    expect(await store.listResolved({ to: '2026-11-02T11:00:00.000Z' })).toEqual([]);
    await expect(store.saveState({ ...s1 })).rejects.toBeInstanceOf(ConflictError);
  });

  it('leaves the open set as it was when another run committed first, and a retry writes resolved findings once', async () => {
    const store = createFindingStore(tables());
    const a = finding('unapproved|a|g1', 'unapproved', 'a@contoso.onmicrosoft.com');
    const s1 = await store.apply(
      { opened: [a], resolved: [], breakGlassDetected: [], breakGlassCleared: [] },
      { ...(await store.state()), openHash: 'h1', generation: 1, openCount: 1 },
    );
    const resolved = { ...a, resolvedAt: '2026-11-02T11:00:00.000Z' };
    const change = { opened: [], resolved: [resolved], breakGlassDetected: [], breakGlassCleared: [] };
    await expect(
      store.apply(change, { ...s1, etag: 'W/"datetime\'2020-01-01T00%3A00%3A00.0000000Z\'"', openHash: 'h2' }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await store.listOpen()).map((f) => f.id)).toEqual([a.id]);
    await store.apply(change, { ...s1, openHash: 'h2', generation: 2, openCount: 0 });
    expect(await store.listOpen()).toEqual([]);
    expect(await store.listResolved()).toEqual([resolved]);
  });

  it('costs a handful of requests for thousands of findings', async () => {
    const t = tables();
    const store = createFindingStore(t);
    const many = Array.from({ length: 5_000 }, (_, i) =>
      finding(`unapproved|user${i}@contoso.onmicrosoft.com|g${i}`, 'unapproved', `user${i}@contoso.onmicrosoft.com`),
    );
    t.reset();
    await store.apply(
      { opened: many, resolved: [], breakGlassDetected: [], breakGlassCleared: [] },
      { ...(await store.state()), openHash: 'h1', generation: 1, openCount: many.length },
    );
    expect(t.total()).toBeLessThanOrEqual(4);
    expect(await store.listOpen()).toHaveLength(5_000);
  });
});

describe('journal appendMany (Azurite)', () => {
  it('appends a long run of entries in transactions that continue one chain', async () => {
    const t = tables();
    const journal = createJournal(t, new ManualClock('2026-11-02T10:00:00Z'));
    await journal.append(syntheticEntry({ type: 'first', actor: 'watchdog', subject: 's0' }));
    t.reset();
    const written = await journal.appendMany(
      Array.from({ length: 250 }, (_, i) =>
        syntheticEntry({ type: 'holder.added', actor: 'watchdog', subject: `s${i + 1}`, data: { i } }),
      ),
    );
    expect(written.map((e) => e.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 2));
    // One head read, then one transaction: small entries are packed some forty to a row.
    expect(t.total()).toBe(2);
    let prev = GENESIS_HASH;
    let count = 0;
    for await (const e of journal.read()) {
      expect(e.prevHash).toBe(prev);
      expect(e.hash).toBe(chainHash(prev, hashedFields(e)));
      prev = e.hash;
      count++;
    }
    expect(count).toBe(251);
    const fromInside: number[] = [];
    for await (const e of journal.read({ fromSeq: 100 })) fromInside.push(e.seq);
    expect(fromInside).toEqual(Array.from({ length: 152 }, (_, i) => i + 100));
  });
});
