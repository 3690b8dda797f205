/**
 * The event journal: every state change (grant decisions, holder changes, revocations, alerts) as an
 * append-only, hash-chained entry. One partition holds the chain and a head row; each append writes
 * the entry and moves the head in one transaction guarded by the head's ETag, so concurrent writers
 * never fork the chain: the loser re-reads the head and tries again.
 */
import { odata, type TableTransactionResponse, type TransactionAction } from '@azure/data-tables';
import { chainHash, GENESIS_HASH } from '../hashChain.js';
import type { Clock, Journal, JournalEntry, JournalEntryInput, JournalRows, StoredJournalRow } from '../ports.js';
import { ConflictError, getEntity, tableCall, type TableAccess } from './tables.js';

const PARTITION = 'journal';
const HEAD = 'head';
const MAX_ATTEMPTS = 30;
/** A transaction holds 100 entities (one is the head) and 4 MiB; stay well below the size limit. */
const MAX_BATCH_ENTRIES = 99;
const MAX_BATCH_CHARS = 1_500_000;

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

/** The head as this writer left it: seq, hash and the ETag its transaction returned. */
type KnownHead = { seq: number; hash: string; etag: string };
type Appended = { entries: JournalEntry[]; head?: KnownHead };

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

/** Consecutive entries cut into groups that each fit one transaction. */
function transactionBatches(inputs: JournalEntryInput[]): JournalEntryInput[][] {
  const batches: JournalEntryInput[][] = [];
  let current: JournalEntryInput[] = [];
  let chars = 0;
  for (const input of inputs) {
    const size = JSON.stringify(input.data ?? {}).length + (input.reason?.length ?? 0) + 512;
    if (current.length && (current.length >= MAX_BATCH_ENTRIES || chars + size > MAX_BATCH_CHARS)) {
      batches.push(current);
      current = [];
      chars = 0;
    }
    current.push(input);
    chars += size;
  }
  if (current.length) batches.push(current);
  return batches;
}

export function createJournal(tables: TableAccess, clock: Clock): Journal {
  const client = () => tables.table('journal');

  /**
   * Appends consecutive entries in one transaction (with the head move), so a batch is all or nothing.
   * `known` is the head this writer itself left (from the previous transaction's response): trusting it
   * saves a read per batch, and its ETag still guards the move, so a stale one is a conflict, not a fork.
   */
  async function tryAppend(inputs: JournalEntryInput[], known?: KnownHead): Promise<Appended> {
    const c = await client();
    const head = known ?? (await getEntity<HeadEntity>(c, PARTITION, HEAD));
    let seq = head?.seq ?? 0;
    let prevHash = head?.hash ?? GENESIS_HASH;
    const entries: JournalEntry[] = [];
    const actions: TransactionAction[] = [];
    for (const input of inputs) {
      seq++;
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
      actions.push(['create', entity]);
      entries.push({ ...base, hash });
      prevHash = hash;
    }
    const newHead: HeadEntity = { partitionKey: PARTITION, rowKey: HEAD, seq, hash: prevHash };
    actions.push(head ? ['update', newHead, 'Replace', { etag: head.etag }] : ['create', newHead]);
    const first = entries[0]?.seq ?? seq;
    const res = await tableCall<TableTransactionResponse>(first === seq ? `Appending journal entry ${seq}` : `Appending journal entries ${first}-${seq}`, () => c.submitTransaction(actions));
    // Sub-responses come in the order of the actions; an update's carries no RowKey, so the head's is the last.
    const headResponse = res.subResponses.length === actions.length ? res.subResponses[actions.length - 1] : undefined;
    const etag = headResponse && (headResponse.rowKey ?? HEAD) === HEAD ? headResponse.etag?.trim() : undefined;
    return { entries, head: etag ? { seq, hash: prevHash, etag } : undefined };
  }

  /** The first attempt may start from the head this writer left; a retry always reads it again. */
  async function appendWithRetry(inputs: JournalEntryInput[], known?: KnownHead): Promise<Appended> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await tryAppend(inputs, attempt === 1 ? known : undefined);
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * Math.min(attempt, 10)));
      }
    }
  }

  return {
    async append(input) {
      const [entry] = (await appendWithRetry([input])).entries;
      return entry as JournalEntry;
    },
    async appendMany(inputs) {
      const out: JournalEntry[] = [];
      let head: KnownHead | undefined;
      for (const batch of transactionBatches(inputs)) {
        const appended = await appendWithRetry(batch, head);
        out.push(...appended.entries);
        head = appended.head;
      }
      return out;
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

/** Reads a stored row without trusting it: a row that no longer parses is reported, not thrown. */
function storedRow(e: EntryEntity): StoredJournalRow {
  if (typeof e.seq !== 'number' || typeof e.hash !== 'string' || typeof e.prevHash !== 'string' || typeof e.data !== 'string') {
    return { rowKey: e.rowKey, unreadable: 'a column of the entry (seq, data, prevHash or hash) is missing or has the wrong type' };
  }
  try {
    return { rowKey: e.rowKey, entry: entryFromEntity(e) };
  } catch (error) {
    return { rowKey: e.rowKey, unreadable: `data is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** The stored rows and head of the journal, for verification. */
export function createJournalRows(tables: TableAccess): JournalRows {
  const client = () => tables.table('journal');
  return {
    async *rows(range = {}) {
      const c = await client();
      const from = range.fromSeq ? entryRowKey(range.fromSeq) : 'e';
      const filter = [odata`PartitionKey eq ${PARTITION}`, odata`RowKey ge ${from}`, odata`RowKey lt ${'f'}`].join(' and ');
      for await (const e of c.listEntities<EntryEntity>({ queryOptions: { filter } })) yield storedRow(e);
    },
    async head() {
      const head = await getEntity<HeadEntity>(await client(), PARTITION, HEAD);
      return head ? { seq: head.seq, hash: head.hash } : undefined;
    },
  };
}
