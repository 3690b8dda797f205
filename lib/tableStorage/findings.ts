/**
 * Audit findings in Table Storage, kept compact so that a tenant with thousands of findings costs a
 * few table operations, not thousands:
 * - partition `open`: the `state` row (hash of the open set, generation, digest day) and the open set
 *   itself (open findings and break-glass holders) as gzipped JSON in versioned binary chunk rows.
 *   A change writes the new version and moves the state in one transaction when it fits (ETag-guarded:
 *   the commit point), then drops the old version. An unchanged run reads only the state row.
 * - partition `resolved`: each run's resolved findings, gzipped, row key starting with the resolution
 *   time for range reads.
 */
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { BreakGlassUse, FindingState, FindingStore, StoredFinding } from '../ports/index.js';
import { CHUNKS_PER_TRANSACTION, fromChunkRows, gzipChunks } from './gzipChunks.js';
import { getEntity, tableCall, type TableAccess } from './tableAccess.js';

const OPEN = 'open';
const RESOLVED = 'resolved';
const STATE = 'state';

type StateEntity = {
  partitionKey: string;
  rowKey: string;
  openHash: string;
  generation: number;
  openCount: number;
  openChanged: number;
  snapshotVersion: number;
  lastDigestDay: string;
  /** -1 when no change is pending. */
  pendingJournalSeq?: number;
  /** Version and chunk count of the stored open set. */
  blobVersion: number;
  blobChunks: number;
};

type ChunkEntity = {
  partitionKey: string;
  rowKey: string;
  chunk: number;
  chunks: number;
  data: Uint8Array;
};

interface OpenSet {
  findings: StoredFinding[];
  breakGlass: BreakGlassUse[];
}

const blobPrefix = (version: number) => `b${String(version).padStart(10, '0')}`;

function toState(e: (StateEntity & { etag?: string }) | undefined): FindingState {
  if (!e) return { openHash: '', generation: 0, openCount: 0, openChanged: 0, snapshotVersion: 0 };
  return {
    openHash: e.openHash ?? '',
    generation: e.generation ?? 0,
    openCount: e.openCount ?? 0,
    openChanged: e.openChanged ?? 0,
    snapshotVersion: e.snapshotVersion ?? 0,
    lastDigestDay: e.lastDigestDay || undefined,
    pendingJournalSeq:
      typeof e.pendingJournalSeq === 'number' && e.pendingJournalSeq >= 0 ? e.pendingJournalSeq : undefined,
    etag: e.etag,
  };
}

function stateFields(s: FindingState): Omit<StateEntity, 'blobVersion' | 'blobChunks'> {
  return {
    partitionKey: OPEN,
    rowKey: STATE,
    openHash: s.openHash,
    generation: s.generation,
    openCount: s.openCount,
    openChanged: s.openChanged,
    snapshotVersion: s.snapshotVersion,
    lastDigestDay: s.lastDigestDay ?? '',
    // Always written (saveState merges), so clearing it takes effect.
    pendingJournalSeq: s.pendingJournalSeq ?? -1,
  };
}

function chunkRows(partitionKey: string, prefix: string, value: unknown): ChunkEntity[] {
  const chunks = gzipChunks(value);
  return chunks.map((data, i) => ({
    partitionKey,
    rowKey: `${prefix}-${String(i).padStart(5, '0')}`,
    chunk: i,
    chunks: chunks.length,
    data,
  }));
}

async function listRows<T extends object>(c: TableClient, filter: string, what: string): Promise<T[]> {
  const out: T[] = [];
  await tableCall(what, async () => {
    for await (const e of c.listEntities<T>({ queryOptions: { filter } })) out.push(e);
  });
  return out;
}

async function submitInBatches(c: TableClient, actions: TransactionAction[], what: string): Promise<void> {
  for (let i = 0; i < actions.length; i += CHUNKS_PER_TRANSACTION) {
    const slice = actions.slice(i, i + CHUNKS_PER_TRANSACTION);
    await tableCall(what, () => c.submitTransaction(slice));
  }
}

// eslint-disable-next-line max-lines-per-function -- a factory: its length is the methods it returns, each a function of its own
export function createFindingStore(tables: TableAccess): FindingStore {
  const client = () => tables.table('findings');

  async function readOpenSet(c: TableClient): Promise<{ set: OpenSet; state?: StateEntity & { etag?: string } }> {
    const state = await getEntity<StateEntity>(c, OPEN, STATE);
    if (!state?.blobVersion) return { set: { findings: [], breakGlass: [] }, state };
    const prefix = blobPrefix(state.blobVersion);
    const filter = [odata`PartitionKey eq ${OPEN}`, odata`RowKey gt ${prefix}`, odata`RowKey lt ${`${prefix}.`}`].join(
      ' and ',
    );
    const rows = await listRows<ChunkEntity>(c, filter, 'Reading open findings');
    return { set: fromChunkRows<OpenSet>(rows, `Open findings version ${state.blobVersion}`), state };
  }

  return {
    async state() {
      return toState(await getEntity<StateEntity>(await client(), OPEN, STATE));
    },

    async listOpen(filter = {}) {
      const { set } = await readOpenSet(await client());
      return filter.kind ? set.findings.filter((f) => f.kind === filter.kind) : set.findings;
    },

    async listBreakGlass() {
      return (await readOpenSet(await client())).set.breakGlass;
    },

    async listResolved(range = {}) {
      const c = await client();
      const clauses = [odata`PartitionKey eq ${RESOLVED}`];
      if (range.from) clauses.push(odata`RowKey ge ${range.from}`);
      if (range.to) clauses.push(odata`RowKey lt ${range.to}`);
      const rows = await listRows<ChunkEntity>(c, clauses.join(' and '), 'Listing resolved findings');
      const groups = new Map<string, ChunkEntity[]>();
      for (const r of rows) {
        const key = r.rowKey.slice(0, r.rowKey.lastIndexOf('-'));
        groups.set(key, [...(groups.get(key) ?? []), r]);
      }
      return [...groups.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .flatMap(([key, group]) => fromChunkRows<StoredFinding[]>(group, `Resolved findings ${key}`));
    },

    async apply(change, state) {
      const c = await client();
      const { set, state: stored } = await readOpenSet(c);
      const resolvedIds = new Set(change.resolved.map((f) => f.id));
      const openedIds = new Set(change.opened.map((f) => f.id));
      const cleared = new Set(change.breakGlassCleared.map((u) => u.holderKey));
      const detected = new Set(change.breakGlassDetected.map((u) => u.holderKey));
      const next: OpenSet = {
        findings: [...set.findings.filter((f) => !resolvedIds.has(f.id) && !openedIds.has(f.id)), ...change.opened],
        breakGlass: [
          ...set.breakGlass.filter((u) => !cleared.has(u.holderKey) && !detected.has(u.holderKey)),
          ...change.breakGlassDetected,
        ],
      };

      // Resolved findings first: keyed by time and version, so a repeated apply overwrites rather than duplicates.
      const version = (stored?.blobVersion ?? 0) + 1;
      if (change.resolved.length) {
        const at = change.resolved[0]?.resolvedAt ?? '';
        const rows = chunkRows(RESOLVED, `${at}|${blobPrefix(version)}`, change.resolved);
        await submitInBatches(
          c,
          rows.map((r): TransactionAction => ['upsert', r, 'Replace']),
          'Storing resolved findings',
        );
      }

      const chunks = chunkRows(OPEN, blobPrefix(version), next);
      const stateRow: StateEntity = { ...stateFields(state), blobVersion: version, blobChunks: chunks.length };
      const commit: TransactionAction = state.etag
        ? ['update', stateRow, 'Replace', { etag: state.etag }]
        : ['create', stateRow];
      const oldChunks: TransactionAction[] = stored?.blobVersion
        ? Array.from({ length: stored.blobChunks }, (_, i): TransactionAction => [
            'delete',
            { partitionKey: OPEN, rowKey: `${blobPrefix(stored.blobVersion)}-${String(i).padStart(5, '0')}` },
          ])
        : [];
      const writes = chunks.map((r): TransactionAction => ['upsert', r, 'Replace']);
      let etag: string | undefined;
      if (writes.length + oldChunks.length < CHUNKS_PER_TRANSACTION) {
        const res = await tableCall('Storing open findings', () =>
          c.submitTransaction([...writes, ...oldChunks, commit]),
        );
        etag = res.subResponses.find((r) => r.rowKey === STATE)?.etag;
      } else {
        await submitInBatches(c, writes, 'Storing open findings');
        etag = (
          await tableCall('Storing the findings state', () =>
            state.etag ? c.updateEntity(stateRow, 'Replace', { etag: state.etag }) : c.createEntity(stateRow),
          )
        ).etag;
        await submitInBatches(c, oldChunks, 'Dropping the previous open findings');
      }
      return { ...state, etag: etag ?? (await getEntity<StateEntity>(c, OPEN, STATE))?.etag };
    },

    async saveState(state) {
      const c = await client();
      const what = 'Storing the findings state';
      // Merge keeps the open-set pointer, which only apply moves.
      const res = state.etag
        ? await tableCall(what, () => c.updateEntity(stateFields(state), 'Merge', { etag: state.etag }))
        : await tableCall(what, () => c.createEntity({ ...stateFields(state), blobVersion: 0, blobChunks: 0 }));
      return { ...state, etag: res.etag };
    },
  };
}
