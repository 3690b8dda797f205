import type { Capability } from '../domain.js';

/**
 * One use of the power, read from the unified audit log: what was done, by whom, when, and which approved window
 * (a grant from its activation to its removal or expiry) it fell in. Keyed by the audit record's id, so a record
 * that several overlapping queries return is recorded once.
 */
export interface RecordedUse {
  /** The audit record's id (auditLogRecord.id). */
  recordId: string;
  /** When it happened (auditLogRecord.createdDateTime). */
  at: string;
  /** The activity: a cmdlet (Get-RecoverableItems), MailItemsAccessed, SearchExported, ... */
  operation: string;
  /** What kind of use it is. */
  category: UseCategory;
  /** Graph's auditLogRecordType (exchangeAdmin, exchangeItemAggregated, discovery), when the record says. */
  recordType?: string;
  /** Who did it: a lower-cased UPN, or an app's appId. */
  actor: string;
  /** What it was done to: the mailbox, assignment, role group or search the record names. */
  target?: string;
  /** The grant whose window it fell in; absent when outside every approved window. */
  grantId?: string;
  windowFrom?: string;
  windowUntil?: string;
  /** The holder it was matched to (snapshot holder key), when the actor holds the power now. */
  holderKey?: string;
  capability?: Capability[];
  /** `grant`: inside a grant's window; `watchdog`: the watchdog's own role change; `outside`: no approved window. */
  window: 'grant' | 'watchdog' | 'outside';
  /** When the watchdog recorded it. */
  recordedAt: string;
}

export type UseCategory = 'recoverable-items' | 'pst-import' | 'mail-access' | 'ediscovery-export' | 'role-change';

/** The usage ledger's audit log search: at most one query in flight, and how far the completed ones reached. */
export interface UsageQueryState {
  pending?: {
    queryId: string;
    from: string;
    to: string;
    startedAt: string;
    /** Set before the query's uses are journaled (the intent): a run that repeats a dead one journals each once after it. */
    journalSeq?: number;
  };
  /** End of the window of the last query that completed. */
  coveredUntil?: string;
  /** ETag of the stored row; saveState fails with ConflictError when another run moved it. */
  etag?: string;
}

export interface UsageLedger {
  state(): Promise<UsageQueryState>;
  /** Replaces the state row if it is still `current` (ConflictError otherwise); returns the stored state. */
  saveState(next: Omit<UsageQueryState, 'etag'>, current: UsageQueryState): Promise<UsageQueryState>;
  /** Which of these audit record ids are already recorded. */
  known(recordIds: string[]): Promise<Set<string>>;
  /** Records uses; recording one again replaces its row (a use is one row per record id). */
  record(uses: RecordedUse[]): Promise<void>;
  /** Every recorded use, oldest first. */
  list(): Promise<RecordedUse[]>;
}
