/** The requester (or an approver) withdraws a grant that has not started: pending or approved with a future start. */
import type { Caller } from '../auth/identity.js';
import type { Grant } from '../domain.js';
import type { GrantDeps } from './grantDeps.js';
import { getGrant } from './getGrant.js';
import { checkMayCancel } from './policy/grantAccess.js';
import { checkTransition } from './policy/transitions.js';
import { recordGrantEvent } from './recordGrantEvent.js';

export async function cancelGrant(deps: GrantDeps, caller: Caller, id: string, reason?: string): Promise<Grant> {
  // Only a grant the caller may see: anyone else learns nothing about it, not even its state.
  const grant = await getGrant(deps, caller, id);
  checkTransition(grant, 'cancel');
  checkMayCancel(grant, caller);
  const now = deps.clock.now().toISOString();
  const cancelled = await deps.store.grants.update({ ...grant, status: 'cancelled', endedAt: now, endedBy: caller.upn, endReason: reason });
  await recordGrantEvent(deps.store, { type: 'grant.cancelled', actor: caller.upn, grant: cancelled, reason });
  return cancelled;
}
