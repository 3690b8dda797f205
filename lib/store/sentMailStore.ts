/**
 * The outbox record behind idempotent email: one row per idempotency key, claimed before the send and marked
 * sent after it, so a retried run (in this process or after a restart) never sends the same message twice.
 * Row keys are a hash of the idempotency key, which may hold characters Table Storage forbids in keys.
 */
import { createHash } from 'node:crypto';
import type { SentMailRecord, SentMailStore } from '../ports.js';
import { getEntity, tableCall, type TableAccess } from './tables.js';

const PARTITION = 'mail';

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
  const data = rest.error && rest.error.length > MAX_ERROR_CHARS ? { ...rest, error: rest.error.slice(0, MAX_ERROR_CHARS) } : rest;
  return { partitionKey: PARTITION, rowKey: sentMailRowKey(record.key), status: record.status, json: JSON.stringify(data) };
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
    async update(record) {
      if (!record.etag) throw new Error(`Email record ${record.key} has no ETag: read or claim it before updating it.`);
      const c = await client();
      const res = await tableCall(`Updating email record ${record.key}`, () => c.updateEntity(toEntity(record), 'Replace', { etag: record.etag }));
      return { ...record, etag: res.etag };
    },
  };
}
