/**
 * Removes one unapproved holder's assignment (WATCHDOG_UNAPPROVED_ACTION=revoke): a claim row records the
 * intent before the removal (lib/tableStorage/removalClaims.ts), so the next run finishes what a dead run left,
 * its notice and journal entries once each after the recorded seq.
 */
import { WATCHDOG_ACTOR } from '../grants/grantDeps.js';
import type { UnapprovedRemovalClaim } from '../ports/index.js';
import { ConflictError } from '../ports/index.js';
import type { UnapprovedRemoval } from './planRevocations.js';
import { timedRemoval } from './removeAssignment.js';
import { describeRemoval, type RevocationReport } from './revocationReport.js';
import { unapprovedRemovedNotice, unapprovedRemoveFailedNotice } from './revocationMessages.js';
import type { RevokeDeps } from './revokeExpired.js';
import { trySendNotice } from '../notify/sendNotice.js';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export async function removeUnapproved(
  deps: RevokeDeps,
  removal: UnapprovedRemoval,
  report: RevocationReport,
  journalSeq: number,
  earlier?: UnapprovedRemovalClaim,
): Promise<void> {
  const planned = describeRemoval(removal);
  const { holder, assignment, finding } = removal;
  if (!earlier) {
    try {
      await deps.store.removals.claim({ holder, assignment, finding, journalSeq, claimedAt: report.at });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      deps.logger.info(`Another run is removing unapproved ${assignment.name} (${assignment.guid}); left to it.`);
      return;
    }
  }
  const result = await timedRemoval(deps.exchange, assignment.guid, {
    role: assignment.role,
    assignee: [assignment.roleAssignee, assignment.roleAssigneeName],
  });
  if ('error' in result) {
    // The claim stays: the next run tries again while the audit still reports the holder, or finishes it if a later audit saw it gone.
    report.failed.push({ ...planned, error: result.error });
    deps.logger.error(`Removing unapproved ${assignment.name} (${assignment.guid}) failed: ${result.error}`);
    await trySendNotice(
      deps,
      unapprovedRemoveFailedNotice(
        holder,
        { assignment, error: result.error, runAt: report.at },
        deps.config.email.alertRecipients,
      ),
    );
    return;
  }
  const { outcome, durationMs } = result;
  const verifiedAt = await finishRemoval(deps, { holder, assignment, finding }, outcome, earlier?.journalSeq);
  report.removed.push({ ...planned, outcome, verifiedAt, durationMs });
}

/**
 * The notice and journal entries of a verified removal, then the claim's release. `recoverAfter`: the seq an
 * earlier run's claim recorded, whose notice and entries may be done in part; each is then journaled once.
 * Without it, an absent assignment whose notice is a duplicate was finished by an earlier run whose claim is
 * released, while the audit has not yet seen it gone: nothing is journaled again.
 */
async function finishRemoval(
  deps: RevokeDeps,
  target: Pick<UnapprovedRemoval, 'holder' | 'assignment' | 'finding'>,
  outcome: 'removed' | 'absent',
  recoverAfter: number | undefined,
): Promise<string> {
  const { holder, assignment, finding } = target;
  const verifiedAt = deps.clock.now().toISOString();
  const sent = await trySendNotice(
    deps,
    unapprovedRemovedNotice(holder, assignment, verifiedAt, deps.config.email.alertRecipients),
    recoverAfter,
  );
  const guid = assignment.guid.toLowerCase();
  const entries = [
    {
      id: `assignment.removed|unapproved|${guid}`,
      type: 'assignment.removed' as const,
      actor: WATCHDOG_ACTOR,
      subject: assignment.guid,
      reason: 'unapproved',
      data: { holder, reason: 'unapproved' as const, outcome },
    },
    {
      id: `unapproved.revoked|${guid}`,
      type: 'unapproved.revoked' as const,
      actor: WATCHDOG_ACTOR,
      subject: holder.key,
      reason: finding.summary,
      data: { holder, finding, verifiedAt },
    },
  ];
  if (recoverAfter !== undefined) await deps.store.journal.appendOnce(entries, recoverAfter);
  else if (outcome === 'removed' || sent === 'sent' || sent === 'deferred')
    await deps.store.journal.appendMany(entries);
  // A notice that failed keeps the claim, so the next run sends it and journals what is missing.
  if (sent !== 'failed') await deps.store.removals.release(assignment.guid);
  return verifiedAt;
}

/**
 * A claim whose holder the plan no longer lists: if the assignment is gone, the dead run removed it and its
 * notice and entries are finished; if it is still there, the removal never happened and the current audit decides.
 */
export async function finishUnplannedClaim(
  deps: RevokeDeps,
  claim: UnapprovedRemovalClaim,
  report: RevocationReport,
): Promise<void> {
  const { assignment } = claim;
  try {
    const live = await deps.exchange.getRoleAssignment(assignment.guid);
    if (live && live.guid.toLowerCase() === assignment.guid.toLowerCase()) {
      await deps.store.removals.release(assignment.guid);
      return;
    }
    const verifiedAt = await finishRemoval(deps, claim, 'absent', claim.journalSeq);
    report.removed.push({
      kind: 'unapproved',
      principal: claim.holder.principal,
      reason: 'unapproved',
      assignmentGuid: assignment.guid,
      path: claim.holder.path,
      outcome: 'absent',
      verifiedAt,
      durationMs: 0,
    });
  } catch (error) {
    deps.logger.error(
      `Finishing the removal of unapproved ${assignment.name} (${assignment.guid}) failed: ${message(error)}; the next run tries again.`,
    );
  }
}
