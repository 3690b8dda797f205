/**
 * Finds assignments named after a grant (`MIE-Grant-{id}`) whose grant is closed (cancelled, denied, released,
 * revoked) and removes them: an activation can land in Exchange and lose its answer, leaving the grant
 * approved while the access exists; if the grant is then closed, nothing else would ever remove it.
 *
 * Only a grant this store knows and has closed is acted on. An assignment whose grant id is unknown here may
 * belong to another deployment on the same tenant (or its grant row was deleted): it is left to the audit,
 * which reports it as unapproved like any other holder without a grant.
 */
import { MIE_ROLE, type Grant, type RoleAssignment } from '../domain.js';
import { WATCHDOG_ACTOR } from '../grants/grantDeps.js';
import { GRANT_ASSIGNMENT_PREFIX } from '../grants/grantAssignment.js';
import { OPEN_STATUSES } from '../grants/policy/transitions.js';
import { timedRemoval } from './removeAssignment.js';
import { leftoverRemovedNotice, leftoverRemoveFailedNotice } from './revocationMessages.js';
import type { PlannedRemoval, RevocationReport } from './revocationReport.js';
import type { RevokeDeps } from './revokeExpired.js';
import { trySendNotice } from '../notify/sendNotice.js';

export interface Leftover {
  grant: Grant;
  assignment: RoleAssignment;
}

/** The assignment's grant id, when its name is a grant assignment name. */
function grantIdOf(assignment: RoleAssignment): string | undefined {
  if (assignment.name.slice(0, GRANT_ASSIGNMENT_PREFIX.length).toLowerCase() !== GRANT_ASSIGNMENT_PREFIX.toLowerCase())
    return undefined;
  return assignment.name.slice(GRANT_ASSIGNMENT_PREFIX.length) || undefined;
}

/** Live grant-named assignments whose grant is closed: one read of the role's assignments, one point read per grant name. */
export async function findLeftovers(deps: Pick<RevokeDeps, 'exchange' | 'store'>): Promise<Leftover[]> {
  const named = (await deps.exchange.getRoleAssignments(MIE_ROLE)).filter(
    (a) => a.delegationType === 'Regular' && grantIdOf(a),
  );
  const out: Leftover[] = [];
  for (const assignment of named) {
    const grant = await deps.store.grants.get(grantIdOf(assignment) as string);
    if (grant && !OPEN_STATUSES.includes(grant.status)) out.push({ grant, assignment });
  }
  return out;
}

export function describeLeftover({ grant, assignment }: Leftover): PlannedRemoval {
  return {
    kind: 'leftover',
    principal: grant.principal,
    reason: 'grant-closed',
    grantId: grant.id,
    assignmentGuid: assignment.guid,
    path: `assignment ${assignment.name} of ${grant.status} grant`,
  };
}

export async function planLeftoverRemovals(
  deps: Pick<RevokeDeps, 'exchange' | 'store' | 'config'>,
): Promise<{ removals: Leftover[]; protectedBreakGlass: Leftover[] }> {
  const all = await findLeftovers(deps);
  const breakGlass = new Set(deps.config.breakGlass);
  const isBreakGlass = (l: Leftover) =>
    [l.grant.principal, l.grant.principalId].some((n) => n && breakGlass.has(n.toLowerCase()));
  return { removals: all.filter((l) => !isBreakGlass(l)), protectedBreakGlass: all.filter(isBreakGlass) };
}

export async function removeLeftover(deps: RevokeDeps, leftover: Leftover, report: RevocationReport): Promise<void> {
  const { grant, assignment } = leftover;
  const planned = describeLeftover(leftover);
  const removal = await timedRemoval(deps.exchange, assignment.guid, {
    role: grant.role,
    assignee: [grant.principalName, grant.principal, grant.principalId].filter((n): n is string => Boolean(n)),
  });
  if ('error' in removal) {
    report.failed.push({ ...planned, error: removal.error });
    deps.logger.error(
      `Removing leftover ${assignment.name} (${assignment.guid}) of ${grant.status} grant ${grant.id} failed: ${removal.error}`,
      { grantId: grant.id },
    );
    await trySendNotice(
      deps,
      leftoverRemoveFailedNotice(
        grant,
        { assignment, error: removal.error, runAt: report.at },
        deps.config.email.alertRecipients,
      ),
    );
    return;
  }
  const { outcome, durationMs } = removal;
  const verifiedAt = deps.clock.now().toISOString();
  report.removed.push({ ...planned, outcome, verifiedAt, durationMs });
  if (outcome === 'absent') return;
  await deps.store.journal.append({
    type: 'assignment.removed',
    actor: WATCHDOG_ACTOR,
    subject: assignment.guid,
    reason: 'grant-closed',
    data: { grant, assignment, reason: 'grant-closed', outcome, verifiedAt },
  });
  deps.logger.warn(
    `Removed leftover ${assignment.name} (${assignment.guid}) of ${grant.status} grant ${grant.id}; verified gone at ${verifiedAt}.`,
    { grantId: grant.id },
  );
  await trySendNotice(deps, leftoverRemovedNotice(grant, assignment, verifiedAt, deps.config.email.alertRecipients));
}
