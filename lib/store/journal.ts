/**
 * The event journal: every state change (grant decisions, holder changes, revocations, alerts) as an
 * append-only, hash-chained entry. One partition holds the chain and a head row; each append writes
 * the entry and moves the head in one transaction guarded by the head's ETag, so concurrent writers
 * never fork the chain: the loser re-reads the head and tries again.
 */
import { odata, type TableTransactionResponse } from '@azure/data-tables';
import { chainHash, GENESIS_HASH } from '../hashChain.js';
import type { Clock, Journal, JournalEntry, JournalEntryInput } from '../ports.js';
import { ConflictError, getEntity, tableCall, type TableAccess } from './tables.js';

const PARTITION = 'journal';
const HEAD = 'head';
const MAX_ATTEMPTS = 30;

type HeadEntity = {
  partitionKey: string;
  rowKey: string;
  seq: number;
  hash: string;
};

type EntryEntity = {
  partitionKey: string;
  rowKey: string;
  seq: number;
  at: string;
  type: string;
  actor: string;
  subject: string;
  reason?: string;
  data: string;
  prevHash: string;
  hash: string;
};

export const entryRowKey = (seq: number): string => `e${String(seq).padStart(12, '0')}`;

/** The fields the hash covers, in the form verify recomputes. */
export function hashedFields(e: Omit<JournalEntry, 'hash'>): Record<string, unknown> {
  return { seq: e.seq, at: e.at, type: e.type, actor: e.actor, subject: e.subject, reason: e.reason, data: e.data, prevHash: e.prevHash };
}

export function entryFromEntity(e: EntryEntity): JournalEntry {
  return {
    seq: e.seq,
    at: e.at,
    type: e.type,
    actor: e.actor,
    subject: e.subject,
    reason: e.reason || undefined,
    data: JSON.parse(e.data) as Record<string, unknown>,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

export function createJournal(tables: TableAccess, clock: Clock): Journal {
  const client = () => tables.table('journal');

  async function tryAppend(input: JournalEntryInput): Promise<JournalEntry> {
    const c = await client();
    const head = await getEntity<HeadEntity>(c, PARTITION, HEAD);
    const seq = (head?.seq ?? 0) + 1;
    const prevHash = head?.hash ?? GENESIS_HASH;
    const base = {
      seq,
      at: input.at ?? clock.now().toISOString(),
      type: input.type,
      actor: input.actor,
      subject: input.subject,
      reason: input.reason,
      data: input.data ?? {},
      prevHash,
    };
    const hash = chainHash(prevHash, hashedFields(base));
    const entity: EntryEntity = { partitionKey: PARTITION, rowKey: entryRowKey(seq), ...base, reason: base.reason ?? '', data: JSON.stringify(base.data), hash };
    const newHead: HeadEntity = { partitionKey: PARTITION, rowKey: HEAD, seq, hash };
    await tableCall<TableTransactionResponse>(`Appending journal entry ${seq}`, () =>
      c.submitTransaction([
        ['create', entity],
        head ? ['update', newHead, 'Replace', { etag: head.etag }] : ['create', newHead],
      ]),
    );
    return { ...base, hash };
  }

  return {
    async append(input) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await tryAppend(input);
        } catch (error) {
          if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw error;
          await new Promise((r) => setTimeout(r, Math.random() * 20 * Math.min(attempt, 10)));
        }
      }
    },
    async *read(range = {}) {
      const c = await client();
      const clauses = [odata`PartitionKey eq ${PARTITION}`, odata`RowKey ge ${entryRowKey(range.fromSeq ?? 1)}`, odata`RowKey lt ${'f'}`];
      if (range.from) clauses.push(odata`at ge ${range.from}`);
      if (range.to) clauses.push(odata`at lt ${range.to}`);
      const pages = c.listEntities<EntryEntity>({ queryOptions: { filter: clauses.join(' and ') } });
      for await (const e of pages) yield entryFromEntity(e);
    },
  };
}
