import { describe, expect, it } from 'vitest';
import { verifyCommand } from '../../../cli/verify.js';
import { ManualClock } from '../../../lib/clock.js';
import { ChainVerifier } from '../../../lib/evidence/chainVerifier.js';
import { verifyHistory } from '../../../lib/evidence/verifyHistory.js';
import { entryRowKey } from '../../../lib/hashChain.js';
import { captureIo } from '../../../testkit/captureIo.js';
import { openTestStore, syntheticEntry, testAnchors } from '../../support/store.js';

const clock = new ManualClock('2026-03-01T08:00:00Z');

/** A journal with `count` entries in a fresh table, and the raw TableClient an attacker would use. */
async function journalWith(count: number) {
  const store = openTestStore(clock);
  for (let i = 1; i <= count; i++) {
    clock.advance(60_000);
    await store.journal.append(
      syntheticEntry({
        type: 'grant.approved',
        actor: 'lidiah@contoso.onmicrosoft.com',
        subject: `g-${i}`,
        reason: `approval ${i}`,
        data: { i },
      }),
    );
  }
  return { store, table: await store.tables.table('journal') };
}

describe('hash chain verification (Azurite)', () => {
  it('passes an untouched journal and an empty one', async () => {
    const { store } = await journalWith(5);
    const report = await verifyHistory(store.journalRows);
    expect(report).toMatchObject({ ok: true, entries: 5, problems: [], last: { seq: 5 }, head: { seq: 5 } });
    expect(report.head?.hash).toBe(report.last?.hash);
    expect(await verifyHistory(openTestStore(clock).journalRows)).toMatchObject({ ok: true, entries: 0 });
  });

  it('locates a row whose data was edited in Table Storage', async () => {
    const { store, table } = await journalWith(6);
    await table.updateEntity(
      { partitionKey: 'journal', rowKey: entryRowKey(3), data: JSON.stringify({ i: 333 }) },
      'Merge',
    );
    const report = await verifyHistory(store.journalRows);
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ kind: 'hash', seq: 3, rowKey: entryRowKey(3) });
    expect(report.problems[0]?.expected).not.toBe(report.problems[0]?.actual);
  });

  it('locates an edited row whose hash was recomputed by the attacker: the next link breaks', async () => {
    const { store, table } = await journalWith(4);
    const original = await table.getEntity<{ hash: string }>('journal', entryRowKey(2));
    await table.updateEntity({ partitionKey: 'journal', rowKey: entryRowKey(2), hash: 'f'.repeat(64) }, 'Merge');
    const report = await verifyHistory(store.journalRows);
    expect(report.problems.map((p) => [p.kind, p.seq])).toEqual([
      ['hash', 2],
      ['link', 3],
    ]);
    expect(report.problems[1]).toMatchObject({ expected: 'f'.repeat(64), actual: original.hash });
  });

  it('verifies entries packed several to a row (an audit batch), and locates an edit or a deletion inside them', async () => {
    const store = openTestStore(clock);
    await store.journal.append(
      syntheticEntry({ type: 'grant.approved', actor: 'lidiah@contoso.onmicrosoft.com', subject: 'g-1' }),
    );
    await store.journal.appendMany(
      Array.from({ length: 120 }, (_, i) =>
        syntheticEntry({ type: 'holder.added', actor: 'watchdog', subject: `h-${i}`, data: { i } }),
      ),
    );
    await store.journal.append(syntheticEntry({ type: 'grant.revoked', actor: 'watchdog', subject: 'g-1' }));
    expect(await verifyHistory(store.journalRows)).toMatchObject({ ok: true, entries: 122, last: { seq: 122 } });

    const table = await store.tables.table('journal');
    const packed = await table.getEntity<{ entries: string; lastSeq: number }>('journal', entryRowKey(2));
    const entries = JSON.parse(packed.entries) as { seq: number; data: { i: number } }[];
    const edited = entries[5];
    if (!edited) throw new Error('expected a packed row of several entries');
    edited.data = { i: 999 };
    await table.updateEntity(
      { partitionKey: 'journal', rowKey: entryRowKey(2), entries: JSON.stringify(entries) },
      'Merge',
    );
    expect((await verifyHistory(store.journalRows)).problems).toEqual([
      expect.objectContaining({ kind: 'hash', seq: edited.seq, rowKey: entryRowKey(2) }),
    ]);

    await table.deleteEntity('journal', entryRowKey(2));
    expect((await verifyHistory(store.journalRows)).problems).toEqual([
      expect.objectContaining({ kind: 'missing', seq: 2, rowKey: entryRowKey(2), actual: String(packed.lastSeq + 1) }),
    ]);
  });

  it('finds a deleted middle row', async () => {
    const { store, table } = await journalWith(6);
    await table.deleteEntity('journal', entryRowKey(4));
    const report = await verifyHistory(store.journalRows);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'missing', seq: 4, rowKey: entryRowKey(4), expected: '4', actual: '5' }),
    ]);
  });

  it('finds a deleted last row through the head row, and a deleted head', async () => {
    const { store, table } = await journalWith(5);
    await table.deleteEntity('journal', entryRowKey(5));
    const report = await verifyHistory(store.journalRows);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'head', seq: 5, rowKey: entryRowKey(5), expected: 'seq 5', actual: 'seq 4' }),
    ]);
    await table.deleteEntity('journal', 'head');
    expect((await verifyHistory(store.journalRows)).problems).toEqual([
      expect.objectContaining({ kind: 'head', rowKey: 'head', actual: 'no head row' }),
    ]);
  });

  it('reports a row that no longer parses, a moved seq and a replaced prevHash', async () => {
    const { store, table } = await journalWith(5);
    await table.updateEntity({ partitionKey: 'journal', rowKey: entryRowKey(2), data: '{not json' }, 'Merge');
    await table.updateEntity({ partitionKey: 'journal', rowKey: entryRowKey(4), seq: 40 }, 'Merge');
    const report = await verifyHistory(store.journalRows);
    expect(report.problems.map((p) => [p.kind, p.rowKey])).toEqual(
      expect.arrayContaining([
        ['unreadable', entryRowKey(2)],
        ['row-key', entryRowKey(4)],
      ]),
    );
  });

  it('keeps verifying when entries are appended during the check', async () => {
    const { store } = await journalWith(3);
    const verifier = new ChainVerifier();
    for await (const row of store.journalRows.rows()) verifier.check(row);
    await store.journal.append(syntheticEntry({ type: 'late', actor: 'watchdog', subject: 'x' }));
    // The head moved after the rows were read: the replay in verifyHistory catches up instead of crying deletion.
    expect(verifier.finish(await store.journalRows.head()).ok).toBe(false);
    expect((await verifyHistory(store.journalRows)).ok).toBe(true);
  });

  it('mie-watchdog verify exits 0 when intact and 1 with the location when not', async () => {
    const { store, table } = await journalWith(3);
    const io = captureIo();
    expect(await verifyCommand([], io, { ...store, anchors: testAnchors() })).toBe(0);
    expect(io.stdout).toContain('Journal intact: 3 entries');
    await table.deleteEntity('journal', entryRowKey(2));
    const broken = captureIo();
    expect(await verifyCommand([], broken, { ...store, anchors: testAnchors() })).toBe(1);
    expect(broken.stderr).toContain(`seq 2, row ${entryRowKey(2)} [missing]`);
    const json = captureIo();
    expect(await verifyCommand(['--json'], json, { ...store, anchors: testAnchors() })).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, problems: [{ kind: 'missing', seq: 2 }] });
  });
});
