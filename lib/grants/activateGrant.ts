/**
 * Turns an approved grant into an active one: creates (or finds) its assignment, starts the clock,
 * tells the grantee. Shared by approveGrant (start now) and activateDueGrants (start later).
 */
import type { Grant } from '../domain.js';
import { ConflictError } from '../ports/index.js';
import type { GrantDeps } from './grantDeps.js';
import { removeGrantAccess } from '../revoke/removeGrantAccess.js';
import { ensureGrantAssignment } from './grantAssignment.js';
import { checkTransition } from './policy/transitions.js';
import { recordAndNotify } from './recordGrantEvent.js';

/** An approved grant is due once its start time (or, without one, its approval) has passed. */
export function isDue(grant: Grant, now: Date): boolean {
  const start = grant.startsAt ?? grant.approvedAt;
  return grant.status === 'approved' && start !== undefined && Date.parse(start) <= now.getTime();
}

export async function activateGrant(deps: GrantDeps, grant: Grant, actor: string): Promise<Grant> {
  checkTransition(grant, 'activate');
  const assignment = await ensureGrantAssignment(
    deps.exchange,
    grant,
    grant.method === 'role-group' ? grant.roleGroup : undefined,
  );
  const now = deps.clock.now();
  const active: Grant = {
    ...grant,
    ...assignment,
    status: 'active',
    activatedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + grant.durationMs).toISOString(),
  };
  let saved: Grant;
  try {
    saved = await deps.store.grants.update(grant, active);
  } catch (error) {
    if (error instanceof ConflictError) await undoIfAbandoned(deps, active);
    throw error;
  }
  await recordAndNotify(deps, 'active', { type: 'grant.activated', actor, grant: saved });
  return saved;
}

/** Lost the race to a cancel: the assignment just made must not outlive the cancelled grant. */
async function undoIfAbandoned(deps: GrantDeps, attempted: Grant): Promise<void> {
  const current = await deps.store.grants.get(attempted.id);
  if (current && (current.status === 'approved' || current.status === 'active')) return;
  await removeGrantAccess(deps.exchange, attempted);
  deps.logger.warn(
    `Grant ${attempted.id} changed to ${current?.status ?? 'missing'} during activation; its new assignment was removed again.`,
    { grantId: attempted.id },
  );
}
