/**
 * Gives an active grant back early: removes the assignment (or the role group membership), reads
 * Exchange back to confirm it is gone, and only then records the grant as released.
 */
import type { Caller } from '../caller.js';
import type { Grant } from '../domain.js';
import { RemovalNotVerifiedError } from '../revoke/removeAssignment.js';
import { removeGrantAccess } from '../revoke/removeGrantAccess.js';
import type { GrantDeps } from './grantDeps.js';
import { getGrant } from './getGrant.js';
import { checkMayRelease } from './policy/grantAccess.js';
import { checkTransition } from './policy/transitions.js';
import { recordAndNotify } from './recordGrantEvent.js';

export class ReleaseNotVerifiedError extends Error {
  constructor(grantId: string) {
    super(
      `The assignment of grant ${grantId} was removed but Exchange still lists it; the grant stays active; release it again, or the revoke timer removes it at expiry. Check it with Get-ManagementRoleAssignment.`,
    );
    this.name = 'ReleaseNotVerifiedError';
  }
}

export async function releaseGrant(deps: GrantDeps, caller: Caller, id: string, reason?: string): Promise<Grant> {
  // Only a grant the caller may see: anyone else learns nothing about it, not even its state.
  const grant = await getGrant(deps, caller, id);
  checkTransition(grant, 'release');
  checkMayRelease(grant, caller);
  let outcome: 'removed' | 'absent';
  try {
    ({ outcome } = await removeGrantAccess(deps.exchange, grant));
  } catch (error) {
    if (error instanceof RemovalNotVerifiedError) throw new ReleaseNotVerifiedError(grant.id);
    throw error;
  }
  const now = deps.clock.now().toISOString();
  const released = await deps.store.grants.update(grant, {
    ...grant,
    status: 'released',
    extension: undefined,
    endedAt: now,
    endedBy: caller.upn,
    endReason: reason,
    revocation: {
      ...grant.revocation,
      attempts: (grant.revocation?.attempts ?? 0) + 1,
      lastAttemptAt: now,
      verifiedAt: now,
    },
  });
  await recordAndNotify(deps, 'released', {
    type: 'grant.released',
    actor: caller.upn,
    channel: caller.channel,
    grant: released,
    reason,
    data: { assignment: outcome },
  });
  return released;
}
