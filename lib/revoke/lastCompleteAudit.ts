/**
 * The last complete audit, as the revocation run reads it: the current snapshot (only complete reads
 * are ever stored) and the unapproved findings open since then. Undefined before the first audit.
 */
import type { FindingStore, SnapshotStore } from '../ports/index.js';
import type { AuditView } from './planRevocations.js';

export async function lastCompleteAudit(stores: {
  snapshots: SnapshotStore;
  findings: FindingStore;
}): Promise<AuditView | undefined> {
  const state = await stores.snapshots.state();
  if (!state.version) return undefined;
  const snapshot = await stores.snapshots.load(state.version);
  if (!snapshot) return undefined;
  const open = await stores.findings.listOpen({ kind: 'unapproved' });
  return {
    takenAt: snapshot.takenAt,
    holders: snapshot.holders,
    assignments: snapshot.assignments,
    unapproved: open.map((finding) => ({ finding, openedAt: finding.firstSeen })),
  };
}
