/**
 * Holder snapshots in Table Storage. One partition: a `current` row (version, content hash, run
 * health) and, per version, the gzipped snapshot JSON cut into binary chunk rows. A new version is
 * written only on change, in the same transaction as the move of `current` when it fits (the
 * commit point either way: readers follow `current`). An unchanged run touches only `current`.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { PendingAttribution, SnapshotState, SnapshotStore, SnapshotVersion } from '../ports/index.js';
import type { Snapshot } from '../domain.js';
import { CHUNKS_PER_TRANSACTION, fromChunkRows, gzipChunks } from './gzipChunks.js';
import { getEntity, tableCall, type TableAccess } from './tableAccess.js';

const PARTITION = 'snapshot';
const CURRENT = 'current';
const MAX_ERROR_LENGTH = 4_000;
const MAX_ATTRIBUTION_BYTES = 60_000;

type CurrentEntity = {
  partitionKey: string;
  rowKey: string;
  version: number;
  hash: string;
  takenAt: string;
  holderCount: number;
  lastRunAt: string;
  lastSuccessAt: string;
  lastError: string;
  lastErrorAt: string;
  consecutiveFailures: number;
  /** JSON of the pending attribution queries as written before attributionGz; read, no longer written. */
  attribution?: string;
  /** Gzipped JSON of the pending attribution queries (newest kept when they outgrow one property); empty when none. */
  attributionGz?: Uint8Array;
  /** -1 when no claimed change is pending. */
  pendingJournalSeq?: number;
};

type ChunkEntity = {
  partitionKey: string;
  rowKey: string;
  version: number;
  chunk: number;
  chunks: number;
  takenAt: string;
  hash: string;
  holderCount: number;
  data: Uint8Array;
};

const versionPrefix = (version: number) => `v${String(version).padStart(10, '0')}`;
const chunkRowKey = (version: number, chunk: number) => `${versionPrefix(version)}-${String(chunk).padStart(5, '0')}`;

function toState(e: (CurrentEntity & { etag?: string }) | undefined): SnapshotState {
  if (!e) return { version: 0, holderCount: 0, consecutiveFailures: 0 };
  return {
    version: e.version ?? 0,
    hash: e.hash || undefined,
    takenAt: e.takenAt || undefined,
    holderCount: e.holderCount ?? 0,
    lastRunAt: e.lastRunAt || undefined,
    lastSuccessAt: e.lastSuccessAt || undefined,
    lastError: e.lastError || undefined,
    lastErrorAt: e.lastErrorAt || undefined,
    consecutiveFailures: e.consecutiveFailures ?? 0,
    attribution: e.attributionGz?.byteLength
      ? parseAttribution(gunzipSync(Buffer.from(e.attributionGz)).toString('utf8'))
      : parseAttribution(e.attribution),
    pendingJournalSeq:
      typeof e.pendingJournalSeq === 'number' && e.pendingJournalSeq >= 0 ? e.pendingJournalSeq : undefined,
    etag: e.etag,
  };
}

/** An unreadable value is dropped rather than failing the audit: attribution is best effort. */
function parseAttribution(text: string | undefined): PendingAttribution[] | undefined {
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.length ? (parsed as PendingAttribution[]) : undefined;
  } catch {
    return undefined;
  }
}

function toEntity(state: SnapshotState): CurrentEntity {
  return {
    partitionKey: PARTITION,
    rowKey: CURRENT,
    version: state.version,
    hash: state.hash ?? '',
    takenAt: state.takenAt ?? '',
    holderCount: state.holderCount,
    lastRunAt: state.lastRunAt ?? '',
    lastSuccessAt: state.lastSuccessAt ?? '',
    lastError: state.lastError ?? '',
    lastErrorAt: state.lastErrorAt ?? '',
    consecutiveFailures: state.consecutiveFailures,
    attribution: '',
    attributionGz: zippedAttribution(state.attribution ?? []),
    pendingJournalSeq: state.pendingJournalSeq ?? -1,
  };
}

/**
 * A run with new findings starts a query of up to 100 targets and queries stay pending up to a day, so the list
 * has no natural bound: it is gzipped into one binary property (64 KiB at most), dropping the oldest queries
 * when it would not fit.
 */
function zippedAttribution(pending: PendingAttribution[]): Uint8Array {
  for (let from = 0; from < pending.length; from++) {
    const zipped = gzipSync(Buffer.from(JSON.stringify(pending.slice(from)), 'utf8'));
    if (zipped.length <= MAX_ATTRIBUTION_BYTES) return new Uint8Array(zipped);
  }
  return new Uint8Array(0);
}

/** Replace `current` when we read it, create it otherwise: a concurrent writer makes this a ConflictError. */
function currentAction(state: SnapshotState, previousEtag: string | undefined): TransactionAction {
  return previousEtag ? ['update', toEntity(state), 'Replace', { etag: previousEtag }] : ['create', toEntity(state)];
}

// eslint-disable-next-line max-lines-per-function -- a factory: its length is the methods it returns, each a function of its own
export function createSnapshotStore(tables: TableAccess): SnapshotStore {
  const client = () => tables.table('snapshots');

  async function writeCurrent(
    c: TableClient,
    state: SnapshotState,
    previousEtag: string | undefined,
    what: string,
  ): Promise<SnapshotState> {
    const entity = toEntity(state);
    const res = previousEtag
      ? await tableCall(what, () => c.updateEntity(entity, 'Replace', { etag: previousEtag }))
      : await tableCall(what, () => c.createEntity(entity));
    return { ...state, etag: res.etag };
  }

  return {
    async state() {
      return toState(await getEntity<CurrentEntity>(await client(), PARTITION, CURRENT));
    },

    async load(version) {
      const c = await client();
      const filter = [
        odata`PartitionKey eq ${PARTITION}`,
        odata`RowKey gt ${versionPrefix(version)}`,
        odata`RowKey lt ${`${versionPrefix(version)}.`}`,
      ].join(' and ');
      const chunks: ChunkEntity[] = [];
      await tableCall(`Reading snapshot version ${version}`, async () => {
        for await (const e of c.listEntities<ChunkEntity>({ queryOptions: { filter } })) chunks.push(e);
      });
      if (chunks.length === 0) return undefined;
      return fromChunkRows<Snapshot>(chunks, `Snapshot version ${version}`);
    },

    async commit(snapshot, hash, state) {
      const c = await client();
      const version = state.version + 1;
      const data = gzipChunks(snapshot);
      const count = data.length;
      const chunkActions: TransactionAction[] = data.map((chunk, i) => {
        const entity: ChunkEntity = {
          partitionKey: PARTITION,
          rowKey: chunkRowKey(version, i),
          version,
          chunk: i,
          chunks: count,
          takenAt: snapshot.takenAt,
          hash,
          holderCount: snapshot.holders.length,
          data: chunk,
        };
        // Upsert: a commit that died after writing chunks can be repeated.
        return ['upsert', entity, 'Replace'];
      });
      const next: SnapshotState = {
        version,
        hash,
        takenAt: snapshot.takenAt,
        holderCount: snapshot.holders.length,
        lastRunAt: snapshot.takenAt,
        lastSuccessAt: snapshot.takenAt,
        consecutiveFailures: 0,
        attribution: state.attribution,
      };
      const what = `Storing snapshot version ${version}`;
      if (count < CHUNKS_PER_TRANSACTION) {
        const res = await tableCall(what, () =>
          c.submitTransaction([...chunkActions, currentAction(next, state.etag)]),
        );
        const etag = res.subResponses.find((r) => r.rowKey === CURRENT)?.etag;
        return etag ? { ...next, etag } : toState(await getEntity<CurrentEntity>(c, PARTITION, CURRENT));
      }
      // Each batch also rewrites `current` unchanged under its ETag: a run that lost its claim to another
      // (after the claim lease, say) fails here instead of mixing its chunks into that run's version.
      let etag = state.etag;
      for (let i = 0; i < chunkActions.length; i += CHUNKS_PER_TRANSACTION) {
        const slice = chunkActions.slice(i, i + CHUNKS_PER_TRANSACTION);
        const res = await tableCall(what, () => c.submitTransaction([...slice, currentAction(state, etag)]));
        etag =
          res.subResponses.find((r) => r.rowKey === CURRENT)?.etag ??
          (await getEntity<CurrentEntity>(c, PARTITION, CURRENT))?.etag;
      }
      return writeCurrent(c, next, etag, what);
    },

    async claim(at, state, journalSeq) {
      return writeCurrent(
        await client(),
        { ...state, lastRunAt: at, pendingJournalSeq: state.pendingJournalSeq ?? journalSeq },
        state.etag,
        'Claiming the audit run',
      );
    },

    async recordSuccess(at, state) {
      const c = await client();
      return writeCurrent(
        c,
        {
          ...state,
          lastRunAt: at,
          lastSuccessAt: at,
          lastError: undefined,
          lastErrorAt: undefined,
          consecutiveFailures: 0,
        },
        state.etag,
        'Recording the audit run',
      );
    },

    async saveAttribution(pending, state) {
      return writeCurrent(
        await client(),
        { ...state, attribution: pending.length ? pending : undefined },
        state.etag,
        'Saving the pending audit log queries',
      );
    },

    async recordFailure(at, error) {
      const c = await client();
      const current = toState(await getEntity<CurrentEntity>(c, PARTITION, CURRENT));
      const failed: SnapshotState = {
        ...current,
        lastRunAt: at,
        lastError: error.slice(0, MAX_ERROR_LENGTH),
        lastErrorAt: at,
        consecutiveFailures: current.consecutiveFailures + 1,
      };
      return writeCurrent(c, failed, current.etag, 'Recording the failed audit run');
    },

    async versions(range = {}) {
      const c = await client();
      const clauses = [
        odata`PartitionKey eq ${PARTITION}`,
        odata`RowKey ge ${'v'}`,
        odata`RowKey lt ${'w'}`,
        odata`chunk eq ${0}`,
      ];
      if (range.from) clauses.push(odata`takenAt ge ${range.from}`);
      if (range.to) clauses.push(odata`takenAt lt ${range.to}`);
      const out: SnapshotVersion[] = [];
      await tableCall('Listing snapshot versions', async () => {
        const rows = c.listEntities<ChunkEntity>({
          queryOptions: { filter: clauses.join(' and '), select: ['version', 'takenAt', 'hash', 'holderCount'] },
        });
        for await (const e of rows)
          out.push({ version: e.version, takenAt: e.takenAt, hash: e.hash, holderCount: e.holderCount });
      });
      return out.sort((a, b) => a.version - b.version);
    },
  };
}
