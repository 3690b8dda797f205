import type { Finding, Grant, GrantStatus, Holder, RoleAssignment } from '../domain.js';
import type { FindingStore, SnapshotStore } from './auditState.js';
import type { JournalEvent } from './journalEvents.js';
import type { SentMailStore } from './mail.js';
import type { UsageLedger } from './usage.js';

export interface GrantStore {
  /** Throws ConflictError when the id exists. */
  create(grant: Grant): Promise<Grant>;
  /**
   * Creates the grant only if the principal has no open grant (by `isOpen`), atomically even against a
   * concurrent request for the same principal; throws OpenGrantExistsError naming the open one.
   */
  createExclusive(grant: Grant, isOpen: (existing: Grant) => boolean): Promise<Grant>;
  get(id: string): Promise<Grant | undefined>;
  /**
   * Writes `next` in place of `current`, a grant this store returned (by create, get, list or a previous
   * update), only if the stored grant is still that version; otherwise throws ConflictError. Returns the
   * grant as written: the version to pass as `current` next time.
   */
  update(current: Grant, next: Grant): Promise<Grant>;
  list(filter?: { status?: GrantStatus[]; principal?: string }): Promise<Grant[]>;
  /**
   * Up to `limit` grants with an id after `after`, in id order, filtered by the service; `more` when
   * grants after the last one returned may match too (continue with after = its id).
   */
  page(
    filter: { status?: GrantStatus[]; principal?: string },
    options: { limit: number; after?: string },
  ): Promise<{ grants: Grant[]; more: boolean }>;
}

/** What every journal entry has besides its event. */
interface JournalEntryFields {
  /**
   * The change this entry records, the same for every run that records it ("grant.revoked|g-1"):
   * appendOnce journals each id once. Part of the hashed entry when present.
   */
  id?: string;
  /** UPN of the person, or "watchdog" for the app itself. */
  actor: string;
  /** What it is about: a grant id, a holder key, a principal. */
  subject: string;
  reason?: string;
  /** Defaults to the clock's now. */
  at?: string;
}

/** An entry to append: one event of the union (lib/ports/journalEvents.ts) and who, what and why. */
export type JournalEntryInput = JournalEntryFields & JournalEvent;

/** An entry as stored: its event, and its place in the hash chain. */
export type JournalEntry = Required<Omit<JournalEntryFields, 'reason' | 'id'>> &
  JournalEvent & {
    seq: number;
    id?: string;
    reason?: string;
    prevHash: string;
    hash: string;
  };

/** Append-only, hash-chained event journal. */
export interface Journal {
  append(entry: JournalEntryInput): Promise<JournalEntry>;
  /** Appends consecutive entries, in batches that each commit atomically (one transaction per up to 99). */
  appendMany(entries: JournalEntryInput[]): Promise<JournalEntry[]>;
  /**
   * Appends the inputs (each with an id) whose id no entry after seq `after` carries: for a run that may
   * repeat a dead run's appends, with `after` a seq it recorded before that run's first append.
   */
  appendOnce(entries: (JournalEntryInput & { id: string })[], after: number): Promise<JournalEntry[]>;
  /** The seq of the last entry (0 when empty): what a run records before appending, for appendOnce. */
  headSeq(): Promise<number>;
  /** In sequence order; `from`/`to` filter on `at` (inclusive/exclusive). */
  read(range?: { fromSeq?: number; from?: string; to?: string }): AsyncIterable<JournalEntry>;
}

/** A journal row exactly as stored, before any trust in it: what verification and evidence read. */
export interface StoredJournalRow {
  rowKey: string;
  /** The entry, when the row parses; its hashes are not yet checked. */
  entry?: JournalEntry;
  /** Position of the entry in a row that packs several (0 or absent: the row's first entry). */
  index?: number;
  /** For an unreadable packed row: the last seq it says it holds. */
  throughSeq?: number;
  /** Why the row could not be read as an entry (missing column, data not JSON). */
  unreadable?: string;
}

/** The journal's stored rows and head, for verifying the hash chain. */
export interface JournalRows {
  /** Entry rows in row-key (sequence) order, from `fromSeq` (default 1). */
  rows(range?: { fromSeq?: number }): AsyncIterable<StoredJournalRow>;
  /** The head row (last seq and hash); undefined when the journal has never been written. */
  head(): Promise<{ seq: number; hash: string } | undefined>;
}

/** A removal of an unapproved holder in progress: what the next run needs to finish its notice and journal entries. */
export interface UnapprovedRemovalClaim {
  holder: Holder;
  assignment: RoleAssignment;
  finding: Finding;
  /** The journal seq before the removal (its intent): the entries of this removal follow it. */
  journalSeq: number;
  claimedAt: string;
}

export interface RemovalClaimStore {
  /** Records the intent before the removal; throws ConflictError when another run holds it. */
  claim(claim: UnapprovedRemovalClaim): Promise<void>;
  list(): Promise<UnapprovedRemovalClaim[]>;
  /** Deletes the claim of this assignment Guid once its removal is finished (absent: nothing to do). */
  release(guid: string): Promise<void>;
}

/**
 * An alert of the revoke run about to be sent ("needs a person", mass-removal guard): recorded before its email,
 * released once its entries are journaled, so the next run journals them once if this one dies in between.
 */
export interface AlertIntent {
  /** The notice's idempotency key. */
  key: string;
  /** The journal seq before the email (the intent): its entries follow it. */
  journalSeq: number;
  /** What the alert.sent (or alert.deferred) entry records of the email. */
  email: { to: string[]; subject: string; kind: string };
  /** Entries journaled with the alert (revoke.blocked), each with its event id. */
  entries: (JournalEntryInput & { id: string })[];
}

export interface AlertIntentStore {
  record(intent: AlertIntent): Promise<void>;
  list(): Promise<AlertIntent[]>;
  /** Deletes the intent once its entries are journaled (absent: nothing to do). */
  release(key: string): Promise<void>;
}

export interface Store {
  grants: GrantStore;
  removals: RemovalClaimStore;
  alertIntents: AlertIntentStore;
  journal: Journal;
  sentMail: SentMailStore;
  snapshots: SnapshotStore;
  findings: FindingStore;
  usage: UsageLedger;
}
