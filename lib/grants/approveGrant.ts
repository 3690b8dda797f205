/**
 * An approver approves a request (or a pending extension). A request without a future start is
 * activated at once; one with a future start stays 'approved' until activateDueGrants runs.
 * Two approvers at once, or approve racing cancel: the ETag lets one write win, the other gets a
 * ConflictError.
 */
import type { Caller } from '../caller.js';
import type { Grant } from '../domain.js';
import { activateGrant, isDue } from './activateGrant.js';
import type { GrantDeps } from './grantDeps.js';
import { loadGrant } from './loadGrant.js';
import { samePerson } from './policy/samePerson.js';
import { checkDecisionChannel } from './policy/decisionChannel.js';
import { checkNotLapsed } from './policy/requestExpiry.js';
import { checkNotSelfDecision } from './policy/selfDecision.js';
import { checkTransition, decisionTarget } from './policy/transitions.js';
import { recordAndNotify } from './recordGrantEvent.js';

/** `reason`: why the approver agrees (optional); journaled with the decision, shown in the timeline and the emails. */
export async function approveGrant(deps: GrantDeps, caller: Caller, id: string, reason?: string): Promise<Grant> {
  const grant = await loadGrant(deps.store, id);
  const now = deps.clock.now();
  // The same approver retrying after a crash between approval and activation finishes the job.
  if (
    grant.status === 'approved' &&
    grant.approvedBy &&
    samePerson(caller, { upn: grant.approvedBy, oid: grant.approvedById }) &&
    isDue(grant, now)
  ) {
    return activateGrant(deps, grant, caller.upn);
  }

  checkTransition(grant, 'approve');
  checkNotLapsed(grant, now, deps.config.grants);
  checkDecisionChannel(caller, deps.config.grants);
  checkNotSelfDecision(grant, caller);
  if (decisionTarget(grant) === 'extension') return approveExtension(deps, caller, grant, now, reason);

  const approved = await deps.store.grants.update(grant, {
    ...grant,
    status: 'approved',
    approvedBy: caller.upn,
    approvedById: caller.oid,
    approvedAt: now.toISOString(),
    approveReason: reason,
  });
  await recordAndNotify(deps, 'approved', {
    type: 'grant.approved',
    actor: caller.upn,
    channel: caller.channel,
    grant: approved,
    reason,
  });
  return isDue(approved, now) ? activateGrant(deps, approved, caller.upn) : approved;
}

async function approveExtension(
  deps: GrantDeps,
  caller: Caller,
  grant: Grant,
  now: Date,
  reason: string | undefined,
): Promise<Grant> {
  const extension = grant.extension;
  if (!extension) return grant;
  const from = Math.max(Date.parse(grant.expiresAt ?? now.toISOString()), now.getTime());
  const extended = await deps.store.grants.update(grant, {
    ...grant,
    extension: undefined,
    expiresAt: new Date(from + extension.durationMs).toISOString(),
    remindersSent: [],
  });
  await recordAndNotify(deps, 'extended', {
    type: 'grant.extended',
    actor: caller.upn,
    channel: caller.channel,
    grant: extended,
    // The entry's reason is its actor's, the approver's; the asker's justification stays in data.extension.
    reason,
    data: { extension, previousExpiresAt: grant.expiresAt },
  });
  return extended;
}
