/**
 * The outbox record behind idempotent email: one row per idempotency key, claimed before the send and marked
 * sent after it, so a retried run (in this process or after a restart) never sends the same message twice.
 * Row keys are a hash of the idempotency key, which may hold characters Table Storage forbids in keys.
 * A send ACS throttled (or a notice another channel has not taken yet) keeps its whole message in partition `deferred` (gzipped into binary parts, so a large
 * alert fits one entity) until a later run sends it; that partition holds only what is waiting.
 */
import { createHash } from 'node:crypto';
import { odata } from '@azure/data-tables';
import type { DeferredMail, OutboxMessage, SentMailRecord, SentMailStore } from '../ports/index.js';
import { gunzipChunks, gzipChunks } from './gzipChunks.js';
import { getEntity, statusOf, tableCall, type TableAccess } from './tableAccess.js';

const PARTITION = 'mail';
const DEFERRED = 'deferred';
/** Fifteen parts (gzipped chunks) keep the entity well below 1 MiB. */
const MAX_PARTS = 15;

type DeferredEntity = {
  partitionKey: string;
  rowKey: string;
  key: string;
  enqueuedAt: string;
  seq: number;
  notBefore: string;
  parts: number;
} & Record<`part${number}`, Uint8Array>;

/** Orders messages deferred at the same instant by this process (a burst) as they were raised. */
let deferSeq = 0;

/** The message gzipped and cut into binary parts; a message too large for one entity cannot wait in the outbox. */
function deferredEntity(message: OutboxMessage, enqueuedAt: string, seq: number, notBefore: string): DeferredEntity {
  const chunks = gzipChunks(message);
  const parts = chunks.length;
  if (parts > MAX_PARTS) {
    const bytes = chunks.reduce((sum, c) => sum + c.length, 0);
    throw new Error(
      `'${message.subject}' is too large to wait in the outbox (${bytes} bytes gzipped); it is not deferred.`,
    );
  }
  const entity = {
    partitionKey: DEFERRED,
    rowKey: sentMailRowKey(message.idempotencyKey),
    key: message.idempotencyKey,
    enqueuedAt,
    seq,
    notBefore,
    parts,
  } as DeferredEntity;
  for (const [i, chunk] of chunks.entries()) entity[`part${i}`] = chunk;
  return entity;
}

function fromDeferred(e: DeferredEntity): DeferredMail {
  return {
    message: gunzipChunks<OutboxMessage>(Array.from({ length: e.parts }, (_, i) => e[`part${i}`] ?? new Uint8Array(0))),
    enqueuedAt: e.enqueuedAt,
    seq: e.seq ?? 0,
    notBefore: e.notBefore,
  };
}

interface SentMailEntity {
  partitionKey: string;
  rowKey: string;
  status: string;
  json: string;
}

export function sentMailRowKey(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey, 'utf8').digest('hex');
}

/** An ACS error text has no length limit of its own; the record keeps its start (one string property holds 32K characters). */
const MAX_ERROR_CHARS = 2_000;

function toEntity(record: SentMailRecord): SentMailEntity {
  const { etag: _etag, ...rest } = record;
  const data =
    rest.error && rest.error.length > MAX_ERROR_CHARS ? { ...rest, error: rest.error.slice(0, MAX_ERROR_CHARS) } : rest;
  return {
    partitionKey: PARTITION,
    rowKey: sentMailRowKey(record.key),
    status: record.status,
    json: JSON.stringify(data),
  };
}

function fromEntity(entity: SentMailEntity & { etag?: string }): SentMailRecord {
  return { ...(JSON.parse(entity.json) as SentMailRecord), etag: entity.etag };
}

export function createSentMailStore(tables: TableAccess): SentMailStore {
  const client = () => tables.table('sentMail');
  return {
    async get(key) {
      const entity = await getEntity<SentMailEntity>(await client(), PARTITION, sentMailRowKey(key));
      return entity ? fromEntity(entity) : undefined;
    },
    async claim(record) {
      const c = await client();
      const res = await tableCall(`Claiming email ${record.key}`, () => c.createEntity(toEntity(record)));
      return { ...record, etag: res.etag };
    },
    async defer(record, message, notBefore) {
      const c = await client();
      const existing = await getEntity<DeferredEntity>(c, DEFERRED, sentMailRowKey(record.key));
      const row = deferredEntity(
        message,
        existing?.enqueuedAt ?? record.updatedAt,
        existing?.seq ?? ++deferSeq,
        notBefore,
      );
      // The message first: a crash before the record moves leaves it 'sending', which the next send resumes.
      await tableCall(`Deferring email ${record.key}`, () => c.upsertEntity(row, 'Replace'));
      return this.update({ ...record, status: 'deferred' });
    },
    async listDeferred() {
      const c = await client();
      const out: DeferredMail[] = [];
      await tableCall('Listing deferred email', async () => {
        for await (const e of c.listEntities<DeferredEntity>({
          queryOptions: { filter: odata`PartitionKey eq ${DEFERRED}` },
        }))
          out.push(fromDeferred(e));
      });
      return out.sort((a, b) => a.enqueuedAt.localeCompare(b.enqueuedAt) || a.seq - b.seq);
    },
    async dropDeferred(key) {
      const c = await client();
      try {
        await c.deleteEntity(DEFERRED, sentMailRowKey(key));
      } catch (error) {
        if (statusOf(error) !== 404) await tableCall(`Dropping deferred email ${key}`, () => Promise.reject(error));
      }
    },
    async update(record) {
      if (!record.etag) throw new Error(`Email record ${record.key} has no ETag: read or claim it before updating it.`);
      const c = await client();
      const res = await tableCall(`Updating email record ${record.key}`, () =>
        c.updateEntity(toEntity(record), 'Replace', { etag: record.etag }),
      );
      return { ...record, etag: res.etag };
    },
  };
}
