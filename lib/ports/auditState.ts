/**
 * What the audit keeps between runs: the last complete holder snapshot with run health, and the
 * findings (open, resolved) with the break-glass holders seen. Implemented on Table Storage in
 * lib/tableStorage/snapshots.ts and lib/tableStorage/findings.ts.
 */
import type { Finding, Holder, HolderVia, Snapshot } from '../domain.js';

/** A new finding waiting to be attributed: what an audit log record is matched against. */
export interface AttributionTarget {
  findingId: string;
  principal: string;
  principalId?: string;
  displayName?: string;
  summary: string;
  role: string;
  via: HolderVia;
  viaName?: string;
  assignmentName: string;
  /** The assignment's Guid, another name a Set-ManagementRoleAssignment record may give it (absent in older rows). */
  assignmentGuid?: string;
}

/** An audit log query started for new findings and polled by later runs. */
export interface PendingAttribution {
  queryId: string;
  startedAt: string;
  findings: AttributionTarget[];
}

export interface SnapshotState {
  /** Version of the current snapshot; 0 before the first complete read. */
  version: number;
  /** Content hash of the current snapshot (holders and assignments, not the time). */
  hash?: string;
  takenAt?: string;
  holderCount: number;
  lastRunAt?: string;
  lastSuccessAt?: string;
  lastError?: string;
  lastErrorAt?: string;
  consecutiveFailures: number;
  /** Audit log queries still to be polled (WATCHDOG_AUDIT_LOG_QUERY): kept on this row so an idle run reads nothing more. */
  attribution?: PendingAttribution[];
  /**
   * Set by the claim (the intent), cleared by the commit: the journal seq before the claimed change's holder
   * entries. Still set when a run starts: an earlier run died in between, and its entries follow this seq.
   */
  pendingJournalSeq?: number;
  /** ETag of the stored state row: commit and recordSuccess fail with ConflictError if another run moved it. */
  etag?: string;
}

export interface SnapshotVersion {
  version: number;
  takenAt: string;
  hash: string;
  holderCount: number;
}

export interface SnapshotStore {
  state(): Promise<SnapshotState>;
  /** A stored version; undefined when it does not exist. */
  load(version: number): Promise<Snapshot | undefined>;
  /**
   * Marks the run under the ETag of `state` (lastRunAt and pendingJournalSeq move) before a changed snapshot
   * is journaled: of two runs that read the same state, the loser gets a ConflictError before it writes or
   * mails anything. An earlier pendingJournalSeq is kept.
   */
  claim(at: string, state: SnapshotState, journalSeq: number): Promise<SnapshotState>;
  /** Stores `snapshot` as the next version and makes it current. Earlier versions stay for history. */
  commit(snapshot: Snapshot, hash: string, state: SnapshotState): Promise<SnapshotState>;
  /** A complete read that found the current snapshot unchanged: only the run health moves. */
  recordSuccess(at: string, state: SnapshotState): Promise<SnapshotState>;
  /** Replaces the pending attribution queries, guarded by the ETag of `state`. */
  saveAttribution(pending: PendingAttribution[], state: SnapshotState): Promise<SnapshotState>;
  /** A failed run: the snapshot stays as it was, the error is kept for operators. */
  recordFailure(at: string, error: string): Promise<SnapshotState>;
  /** Versions taken in [from, to), oldest first. */
  versions(range?: { from?: string; to?: string }): Promise<SnapshotVersion[]>;
}

export interface StoredFinding extends Finding {
  firstSeen: string;
  /** Set when resolved; open findings were last seen at the last successful run. */
  lastSeen?: string;
  resolvedAt?: string;
}

/** A break-glass principal holding the role: reported on its own, never as a finding. */
export interface BreakGlassUse {
  holderKey: string;
  principal: string;
  holder: Holder;
  firstSeen: string;
  clearedAt?: string;
}

export interface FindingState {
  /** Hash of the open finding ids and break-glass holder keys: an unchanged run compares only this. */
  openHash: string;
  /** Moves on every change of the open set; part of alert idempotency keys. */
  generation: number;
  openCount: number;
  /** Open `changed` findings: the diff needs them back only when there are any. */
  openChanged: number;
  /** Snapshot version the open set was computed on: `changed` findings are raised against it. */
  snapshotVersion: number;
  /** UTC day (YYYY-MM-DD) of the last daily digest. */
  lastDigestDay?: string;
  /**
   * Written before a run alerts and journals a change of the open set or the digest (the intent), cleared
   * with the state that completes it: the journal seq before those entries. Still set when a run starts:
   * an earlier run died in between, and its entries follow this seq.
   */
  pendingJournalSeq?: number;
  etag?: string;
}

export interface FindingChange {
  opened: StoredFinding[];
  resolved: StoredFinding[];
  breakGlassDetected: BreakGlassUse[];
  breakGlassCleared: BreakGlassUse[];
}

export interface FindingStore {
  state(): Promise<FindingState>;
  listOpen(filter?: { kind?: Finding['kind'] }): Promise<StoredFinding[]>;
  listBreakGlass(): Promise<BreakGlassUse[]>;
  /** Resolved findings with resolvedAt in [from, to). */
  listResolved(range?: { from?: string; to?: string }): Promise<StoredFinding[]>;
  /** Writes the change, then the new state (guarded by `state.etag`) as the commit point. */
  apply(change: FindingChange, state: FindingState): Promise<FindingState>;
  /** Writes only the state row (e.g. the digest day), guarded by its ETag. */
  saveState(state: FindingState): Promise<FindingState>;
}
