/**
 * The requester (or an approver) withdraws a grant that has not started: pending or approved with a future start,
 * or approved and due whose activation never completed. An activation may land in Exchange and lose its answer
 * (the approver then got a 503 and the grant stayed approved), so cancelling a due grant first removes what its
 * activation would have created (`MIE-Grant-{id}`, or the role group membership), reads Exchange back, and only
 * then records the grant as cancelled.
 */
import type { Caller } from '../caller.js';
import type { Grant } from '../domain.js';
import { RemovalNotVerifiedError, RemovalRefusedError } from '../revoke/removeAssignment.js';
import { removeGrantAccess } from '../revoke/removeGrantAccess.js';
import { isDue } from './activateGrant.js';
import type { GrantDeps } from './grantDeps.js';
import { getGrant } from './getGrant.js';
import { checkMayCancel } from './policy/grantAccess.js';
import { checkNotLapsed } from './policy/requestExpiry.js';
import { checkTransition } from './policy/transitions.js';
import { recordGrantEvent } from './recordGrantEvent.js';

export class CancelNotVerifiedError extends Error {
  constructor(grantId: string, detail: string) {
    super(
      `Grant ${grantId} was not cancelled: its activation may have reached Exchange, and removing what it created failed (${detail}). Cancel again; check it with Get-ManagementRoleAssignment.`,
    );
    this.name = 'CancelNotVerifiedError';
  }
}

export async function cancelGrant(deps: GrantDeps, caller: Caller, id: string, reason?: string): Promise<Grant> {
  // Only a grant the caller may see: anyone else learns nothing about it, not even its state.
  const grant = await getGrant(deps, caller, id);
  checkTransition(grant, 'cancel');
  // A lapsed request is the revoke timer's to close (it may be doing so now): cancelling it would race that.
  checkNotLapsed(grant, deps.clock.now(), deps.config.grants);
  checkMayCancel(grant, caller);
  // An activation racing this cancel either wins the grant's ETag (the cancel gets a conflict) or loses it and
  // removes its own assignment again (activateGrant), so nothing it makes after this read-back survives either.
  const access = isDue(grant, deps.clock.now()) ? await removeWhatActivationMayHaveMade(deps, grant) : undefined;
  const now = deps.clock.now().toISOString();
  const cancelled = await deps.store.grants.update(grant, {
    ...grant,
    status: 'cancelled',
    endedAt: now,
    endedBy: caller.upn,
    endReason: reason,
  });
  await recordGrantEvent(deps.store, {
    type: 'grant.cancelled',
    actor: caller.upn,
    channel: caller.channel,
    grant: cancelled,
    reason,
    data: access ? { assignment: access } : undefined,
  });
  return cancelled;
}

async function removeWhatActivationMayHaveMade(deps: GrantDeps, grant: Grant): Promise<'removed' | 'absent'> {
  try {
    const { outcome } = await removeGrantAccess(deps.exchange, grant);
    if (outcome === 'removed')
      deps.logger.warn(
        `Grant ${grant.id} was approved but not recorded as active, yet Exchange held its access; removed it before cancelling.`,
        { grantId: grant.id },
      );
    return outcome;
  } catch (error) {
    if (error instanceof RemovalNotVerifiedError || error instanceof RemovalRefusedError)
      throw new CancelNotVerifiedError(grant.id, error.message);
    throw error;
  }
}
