/**
 * The event journal: every state change (grant decisions, holder changes, revocations, alerts) as an
 * append-only, hash-chained entry. One partition holds the chain and a head row; each append writes
 * the entries and moves the head in one transaction guarded by the head's ETag, so concurrent writers
 * never fork the chain: the loser re-reads the head and tries again.
 *
 * A single append is one row. A batch (appendMany: an audit's holder changes) packs consecutive
 * entries into rows of up to ROW_CHARS of JSON, keyed by their first seq: each entry keeps its own
 * hash and link, and a first audit of a large tenant writes tens of rows instead of tens of thousands.
 *
 * An entry may carry a deterministic event id (the change it records, not the run that saw it): appendOnce
 * skips inputs whose id is already among the entries after a seq the caller recorded before its first
 * attempt, so a run repeating a dead run's work never journals a change twice. The lookup reads only
 * that tail, and only callers that know an earlier attempt may exist use it.
 */
import { odata, type TableTransactionResponse, type TransactionAction } from '@azure/data-tables';
import { chainHash, entryRowKey, GENESIS_HASH, hashedFields, type HashedEntry } from '../hashChain.js';
import {
  type Clock,
  type Journal,
  type JournalEntry,
  type JournalEntryInput,
  type JournalRows,
  type StoredJournalRow,
  ConflictError,
} from '../ports/index.js';
import { getEntity, tableCall, type TableAccess } from './tableAccess.js';

const PARTITION = 'journal';
const HEAD = 'head';
const MAX_ATTEMPTS = 30;
/**
 * Table Storage limits (Scalability and performance targets for Table storage): a transaction holds 100
 * entities (one is the head) and under 4 MiB of payload, an entity 1 MiB, a string property 64 KiB of UTF-16
 * (32K characters). The batch budget counts UTF-8 bytes of the JSON, with room for the escaping of the
 * packed JSON inside the request body.
 */
const MAX_BATCH_ROWS = 99;
const MAX_BATCH_BYTES = 2_800_000;
/** A packed row (or one entry's data) stays below the 32K characters of a string property. */
const ROW_CHARS = 28_000;
/** Fields and hashes of an entry around its data and reason, in JSON characters (generous). */
const ENTRY_OVERHEAD_CHARS = 600;
/** A reason is free text (often an error message): it is cut to this length before it is hashed and stored. */
export const MAX_REASON_CHARS = 2_000;

/** An entry too large for one row: the caller must store a summary (counts, a hash of a long list) instead. */
export class JournalEntryTooLargeError extends Error {
  constructor(
    readonly type: string,
    readonly subject: string,
    readonly chars: number,
  ) {
    super(
      `Journal entry ${type} (${subject}) is ${chars} characters; an entry must fit in one Table Storage property (${ROW_CHARS}): store counts and hashes of long lists, not the lists.`,
    );
    this.name = 'JournalEntryTooLargeError';
  }
}

type HeadEntity = {
  partitionKey: string;
  rowKey: string;
  seq: number;
  hash: string;
};

/** One entry in one row: the hashed fields, with the data as JSON. */
type EntryEntity = Omit<HashedEntry, 'data'> & {
  partitionKey: string;
  rowKey: string;
  data: string;
  hash: string;
};

/** Several consecutive entries in one row (from appendMany); `seq`/`at` are the first entry's. */
type PackedEntity = {
  partitionKey: string;
  rowKey: string;
  seq: number;
  lastSeq: number;
  at: string;
  lastAt: string;
  entries: string;
};

/** The head as this writer left it: seq, hash and the ETag its transaction returned. */
type KnownHead = { seq: number; hash: string; etag: string };
type Appended = { entries: JournalEntry[]; head?: KnownHead };

/** A stored entry: its type and data are those it was appended with (the input was of the union). */
function storedEntry(e: Omit<HashedEntry, 'data'> & { hash: string }, data: Record<string, unknown>): JournalEntry {
  return {
    seq: e.seq,
    ...(e.id ? { id: e.id } : {}),
    at: e.at,
    type: e.type,
    actor: e.actor,
    subject: e.subject,
    reason: e.reason || undefined,
    data,
    prevHash: e.prevHash,
    hash: e.hash,
  } as JournalEntry;
}

export function entryFromEntity(e: EntryEntity): JournalEntry {
  return storedEntry(e, JSON.parse(e.data) as Record<string, unknown>);
}

interface SizedInput {
  input: JournalEntryInput;
  /** UTF-16 code units of the stored JSON (the property limit). */
  chars: number;
  /** UTF-8 bytes of the stored JSON, escaping included (the transaction limit). */
  bytes: number;
}

/** Cuts the free-text reason, measures the entry and refuses one that cannot fit in a row, before anything is written. */
function sized(raw: JournalEntryInput): SizedInput {
  const input =
    raw.reason && raw.reason.length > MAX_REASON_CHARS
      ? { ...raw, reason: `${raw.reason.slice(0, MAX_REASON_CHARS - 15)} ...(truncated)` }
      : raw;
  const json = `${JSON.stringify(input.data ?? {})}${input.reason ?? ''}${input.id ?? ''}${input.type}${input.actor}${input.subject}`;
  const chars = json.length + ENTRY_OVERHEAD_CHARS;
  if (chars > ROW_CHARS) throw new JournalEntryTooLargeError(input.type, input.subject, chars);
  return { input, chars, bytes: Math.ceil(Buffer.byteLength(json, 'utf8') * 1.25) + ENTRY_OVERHEAD_CHARS };
}

/** Consecutive entries cut into rows (ROW_CHARS each), and rows into transactions (MAX_BATCH_ROWS, MAX_BATCH_BYTES). */
function transactionBatches(inputs: SizedInput[]): JournalEntryInput[][][] {
  const batches: JournalEntryInput[][][] = [];
  let batch: JournalEntryInput[][] = [];
  let batchBytes = 0;
  let row: JournalEntryInput[] = [];
  let rowChars = 0;
  let rowBytes = 0;
  const closeRow = () => {
    if (!row.length) return;
    if (batch.length >= MAX_BATCH_ROWS || batchBytes + rowBytes > MAX_BATCH_BYTES) {
      batches.push(batch);
      batch = [];
      batchBytes = 0;
    }
    batch.push(row);
    batchBytes += rowBytes;
    row = [];
    rowChars = 0;
    rowBytes = 0;
  };
  for (const { input, chars, bytes } of inputs) {
    if (row.length && rowChars + chars > ROW_CHARS) closeRow();
    row.push(input);
    rowChars += chars;
    rowBytes += bytes;
  }
  closeRow();
  if (batch.length) batches.push(batch);
  return batches;
}

function packedEntries(e: PackedEntity): JournalEntry[] {
  const parsed = JSON.parse(e.entries) as unknown;
  if (!Array.isArray(parsed)) throw new Error('entries is not a JSON array');
  return parsed.map((x) => {
    const v = x as JournalEntry;
    if (
      typeof v.seq !== 'number' ||
      typeof v.hash !== 'string' ||
      typeof v.prevHash !== 'string' ||
      typeof v.data !== 'object'
    ) {
      throw new Error('an entry lacks seq, data, prevHash or hash');
    }
    return storedEntry(v, v.data);
  });
}

const isPacked = (e: EntryEntity | PackedEntity): e is PackedEntity => typeof (e as PackedEntity).entries === 'string';

/** Rows that may hold entries from `fromSeq` on: a packed row starting a little earlier may still hold it. */
function lowerRowKey(fromSeq: number | undefined): string {
  return fromSeq && fromSeq > 1 ? entryRowKey(Math.max(1, fromSeq - Math.ceil(ROW_CHARS / ENTRY_OVERHEAD_CHARS))) : 'e';
}

/** The filter clauses of the entry rows (e..., not the head) that may hold entries from `fromSeq` on. */
function entryRowClauses(fromSeq: number | undefined): string[] {
  return [odata`PartitionKey eq ${PARTITION}`, odata`RowKey ge ${lowerRowKey(fromSeq)}`, odata`RowKey lt ${'f'}`];
}

/** The inputs of one row as entries chained on from `after` (the seq and hash of the entry before them). */
function chainEntries(
  inputs: JournalEntryInput[],
  after: { seq: number; prevHash: string },
  now: () => string,
): JournalEntry[] {
  let { seq, prevHash } = after;
  return inputs.map((input) => {
    seq++;
    const base = {
      seq,
      ...(input.id ? { id: input.id } : {}),
      at: input.at ?? now(),
      type: input.type,
      actor: input.actor,
      subject: input.subject,
      // Stored as '' when absent, so an empty reason is hashed as absent too.
      reason: input.reason || undefined,
      data: input.data,
      prevHash,
    };
    const hash = chainHash(prevHash, hashedFields(base));
    prevHash = hash;
    // The input's type and data, chained: an entry of the same event.
    return { ...base, hash } as JournalEntry;
  });
}

/** The entries of one row (at least one): a single entry as a row of its own, several packed under the first one's key. */
function rowEntity(inRow: JournalEntry[]): EntryEntity | PackedEntity {
  const first = inRow[0] as JournalEntry;
  const last = inRow[inRow.length - 1] as JournalEntry;
  if (inRow.length === 1)
    return {
      partitionKey: PARTITION,
      rowKey: entryRowKey(first.seq),
      ...first,
      reason: first.reason ?? '',
      data: JSON.stringify(first.data),
    };
  return {
    partitionKey: PARTITION,
    rowKey: entryRowKey(first.seq),
    seq: first.seq,
    lastSeq: last.seq,
    at: first.at,
    lastAt: last.at,
    entries: JSON.stringify(inRow),
  };
}

// eslint-disable-next-line max-lines-per-function -- a factory: its length is the methods it returns, each a function of its own
export function createJournal(tables: TableAccess, clock: Clock): Journal {
  const client = () => tables.table('journal');

  /**
   * Appends consecutive entries in one transaction (with the head move), so a batch is all or nothing.
   * `known` is the head this writer itself left (from the previous transaction's response): trusting it
   * saves a read per batch, and its ETag still guards the move, so a stale one is a conflict, not a fork.
   */
  async function tryAppend(rows: JournalEntryInput[][], known?: KnownHead): Promise<Appended> {
    const c = await client();
    const head = known ?? (await getEntity<HeadEntity>(c, PARTITION, HEAD));
    let seq = head?.seq ?? 0;
    let prevHash = head?.hash ?? GENESIS_HASH;
    const entries: JournalEntry[] = [];
    const actions: TransactionAction[] = [];
    for (const row of rows) {
      const inRow = chainEntries(row, { seq, prevHash }, () => clock.now().toISOString());
      const last = inRow[inRow.length - 1];
      if (!last) continue;
      ({ seq, hash: prevHash } = last);
      actions.push(['create', rowEntity(inRow)]);
      entries.push(...inRow);
    }
    const newHead: HeadEntity = { partitionKey: PARTITION, rowKey: HEAD, seq, hash: prevHash };
    actions.push(head ? ['update', newHead, 'Replace', { etag: head.etag }] : ['create', newHead]);
    const first = entries[0]?.seq ?? seq;
    const res = await tableCall<TableTransactionResponse>(
      first === seq ? `Appending journal entry ${seq}` : `Appending journal entries ${first}-${seq}`,
      () => c.submitTransaction(actions),
    );
    // Sub-responses come in the order of the actions; an update's carries no RowKey, so the head's is the last.
    const headResponse = res.subResponses.length === actions.length ? res.subResponses[actions.length - 1] : undefined;
    const etag = headResponse && (headResponse.rowKey ?? HEAD) === HEAD ? headResponse.etag?.trim() : undefined;
    return { entries, head: etag ? { seq, hash: prevHash, etag } : undefined };
  }

  /** The first attempt may start from the head this writer left; a retry always reads it again. */
  async function appendWithRetry(inputs: JournalEntryInput[][], known?: KnownHead): Promise<Appended> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await tryAppend(inputs, attempt === 1 ? known : undefined);
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * Math.min(attempt, 10)));
      }
    }
  }

  async function appendMany(inputs: JournalEntryInput[]): Promise<JournalEntry[]> {
    const out: JournalEntry[] = [];
    let head: KnownHead | undefined;
    for (const batch of transactionBatches(inputs.map(sized))) {
      const appended = await appendWithRetry(batch, head);
      out.push(...appended.entries);
      head = appended.head;
    }
    return out;
  }

  const journal: Journal = {
    async append(input) {
      const [entry] = (await appendWithRetry([[sized(input).input]])).entries;
      return entry as JournalEntry;
    },
    appendMany,
    async appendOnce(inputs, after) {
      const present = new Set<string>();
      for await (const e of journal.read({ fromSeq: after + 1 })) if (e.id) present.add(e.id);
      const missing = inputs.filter(
        (input, i) => !present.has(input.id) && inputs.findIndex((x) => x.id === input.id) === i,
      );
      return missing.length ? appendMany(missing) : [];
    },
    async headSeq() {
      return (await getEntity<HeadEntity>(await client(), PARTITION, HEAD))?.seq ?? 0;
    },
    async *read(range = {}) {
      const c = await client();
      const clauses = entryRowClauses(range.fromSeq);
      // A packed row spans at..lastAt: it is read when any of its entries may fall in the range.
      if (range.from) clauses.push(`(${odata`at ge ${range.from}`} or ${odata`lastAt ge ${range.from}`})`);
      if (range.to) clauses.push(odata`at lt ${range.to}`);
      const pages = c.listEntities<EntryEntity | PackedEntity>({ queryOptions: { filter: clauses.join(' and ') } });
      for await (const e of pages) {
        for (const entry of isPacked(e) ? packedEntries(e) : [entryFromEntity(e)]) {
          if (range.fromSeq && entry.seq < range.fromSeq) continue;
          if ((range.from && entry.at < range.from) || (range.to && entry.at >= range.to)) continue;
          yield entry;
        }
      }
    },
  };
  return journal;
}

/** Reads a stored row without trusting it: a row that no longer parses is reported, not thrown. */
function storedRows(e: EntryEntity | PackedEntity): StoredJournalRow[] {
  if (!isPacked(e)) return [storedRow(e)];
  try {
    return packedEntries(e).map((entry, index) => ({ rowKey: e.rowKey, entry, index }));
  } catch (error) {
    const throughSeq = typeof e.lastSeq === 'number' ? e.lastSeq : undefined;
    return [
      {
        rowKey: e.rowKey,
        throughSeq,
        unreadable: `its packed entries do not parse (${error instanceof Error ? error.message : String(error)})`,
      },
    ];
  }
}

function storedRow(e: EntryEntity): StoredJournalRow {
  if (
    typeof e.seq !== 'number' ||
    typeof e.hash !== 'string' ||
    typeof e.prevHash !== 'string' ||
    typeof e.data !== 'string'
  ) {
    return {
      rowKey: e.rowKey,
      unreadable: 'a column of the entry (seq, data, prevHash or hash) is missing or has the wrong type',
    };
  }
  try {
    return { rowKey: e.rowKey, entry: entryFromEntity(e) };
  } catch (error) {
    return {
      rowKey: e.rowKey,
      unreadable: `data is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

/** The stored rows and head of the journal, for verification. */
export function createJournalRows(tables: TableAccess): JournalRows {
  const client = () => tables.table('journal');
  return {
    async *rows(range = {}) {
      const c = await client();
      const filter = entryRowClauses(range.fromSeq).join(' and ');
      for await (const e of c.listEntities<EntryEntity | PackedEntity>({ queryOptions: { filter } })) {
        for (const row of storedRows(e)) {
          if (range.fromSeq && row.entry && row.entry.seq < range.fromSeq) continue;
          yield row;
        }
      }
    },
    async head() {
      const head = await getEntity<HeadEntity>(await client(), PARTITION, HEAD);
      return head ? { seq: head.seq, hash: head.hash } : undefined;
    },
  };
}
