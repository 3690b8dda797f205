/**
 * Step 1 of an audit run: store the complete holder read. Unchanged content costs one read and one health
 * write; a change is claimed, its holder changes journaled, then the new snapshot version committed.
 */
import type { Snapshot } from '../domain.js';
import type { SnapshotState, Store } from '../ports/index.js';
import { ConflictError } from '../ports/index.js';
import { holderEvents } from './auditEvents.js';
import { count, type AuditProgress } from './auditProgress.js';
import { journaledHolders, journalTail } from './journaledChanges.js';
import { holderChanges, snapshotHash, type HolderChanges } from './snapshotChanges.js';

export interface StoredSnapshot {
  /** The snapshot state as this run found it. */
  before: SnapshotState;
  /** The snapshot state after this run stored the read. */
  after: SnapshotState;
  /** The snapshot that was current before this run, when the content changed and one was stored. */
  previous?: Snapshot;
  /** Whether the content differs from the one stored before. */
  changed: boolean;
  holderChanges: HolderChanges;
}

type SnapshotDeps = { store: Pick<Store, 'journal' | 'snapshots'> };

/** A claim older than this is a run that died: the next run takes over (shorter than the audit interval). */
const CLAIM_LEASE_MS = 10 * 60_000;

export async function storeSnapshot(
  deps: SnapshotDeps,
  snapshot: Snapshot,
  now: Date,
  progress: AuditProgress,
): Promise<StoredSnapshot> {
  const before = await deps.store.snapshots.state();
  progress.startedAt(before.version);
  const hash = snapshotHash(snapshot);
  const changed = before.hash !== hash;
  if (!changed && before.pendingJournalSeq === undefined) {
    const after = await deps.store.snapshots.recordSuccess(now.toISOString(), before);
    progress.done('snapshot', `the run health (snapshot version ${after.version} unchanged)`);
    return { before, after, changed, holderChanges: { added: [], removed: [], changed: [] } };
  }
  return { ...(await commitChange(deps, snapshot, hash, before, now, progress)), before, changed };
}

async function commitChange(
  deps: SnapshotDeps,
  snapshot: Snapshot,
  hash: string,
  before: SnapshotState,
  now: Date,
  progress: AuditProgress,
): Promise<Pick<StoredSnapshot, 'after' | 'previous' | 'holderChanges'>> {
  const { snapshots, journal } = deps.store;
  const at = now.toISOString();
  // Claimed first: a concurrent run that read the same state, or that reads it while this run is
  // journaling, stops here, before journaling or mailing.
  if (claimedByAnotherRun(before, now))
    throw new ConflictError(
      `Another audit run claimed the snapshot at ${before.lastRunAt} and has not finished; this run leaves the change to it.`,
    );
  // The claim is the intent: it records where this change's journal entries start, for a run that repeats it.
  const claimed = await snapshots.claim(at, before, before.pendingJournalSeq ?? (await journal.headSeq()));
  const previous = before.version ? await snapshots.load(before.version) : undefined;
  let journaled = previous?.holders ?? [];
  // An earlier run died between journaling and committing: start from what it journaled.
  if (before.pendingJournalSeq !== undefined)
    journaled = journaledHolders(journaled, await journalTail(journal, before.pendingJournalSeq));
  const changes = holderChanges(journaled, snapshot.holders);
  const events = holderEvents(changes, at);
  const holders = count(snapshot.holders.length, 'holder');
  const eventsText = `the journal entries of ${count(events.length, 'holder change')}`;
  progress.plan('snapshot', `snapshot version ${before.version + 1} (${holders})`);
  progress.plan('holder-events', eventsText);
  if (events.length) await journal.appendMany(events);
  progress.done('holder-events', eventsText);
  const after = await snapshots.commit(snapshot, hash, claimed);
  progress.done('snapshot', `snapshot version ${after.version} (${holders})`);
  return { after, previous, holderChanges: changes };
}

/** Claimed (lastRunAt moved) but neither committed nor failed since, and not yet abandoned. */
function claimedByAnotherRun(state: SnapshotState, now: Date): boolean {
  const claimedAt = state.lastRunAt;
  if (!claimedAt || [state.lastSuccessAt, state.lastErrorAt].some((t) => t !== undefined && t >= claimedAt))
    return false;
  return now.getTime() - Date.parse(claimedAt) < CLAIM_LEASE_MS;
}
