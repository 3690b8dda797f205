/**
 * An approver adopts an existing, unapproved direct assignment (a migration already running) as an
 * active grant with an expiry, so that the revoke timer removes it when the time is up instead of
 * the audit flagging it forever. The assignment itself is left as it is.
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from '../caller.js';
import type { Grant, RoleAssignment } from '../domain.js';
import type { GrantDeps } from './grantDeps.js';
import { GrantStateError, InvalidGrantInputError } from './grantErrors.js';
import { checkDecisionChannel } from './policy/decisionChannel.js';
import { checkDurationBounds } from './policy/durationBounds.js';
import { checkNotSelfAdoption } from './policy/selfDecision.js';
import { OPEN_STATUSES } from './policy/transitions.js';
import { createOnlyGrant } from './createOnlyGrant.js';
import { resolveGrantee, type Grantee } from './resolveGrantee.js';

export interface AdoptGrantInput {
  assignmentGuid: string;
  durationMs: number;
  justification: string;
  ticket: string;
}

export async function adoptGrant(deps: GrantDeps, caller: Caller, input: AdoptGrantInput): Promise<Grant> {
  checkDecisionChannel(caller, deps.config.grants);
  checkDurationBounds('duration', input.durationMs, deps.config.grants);
  const assignment = await adoptableAssignment(deps, input.assignmentGuid);
  const open = await deps.store.grants.list({ status: [...OPEN_STATUSES] });
  const covering = open.find((g) => g.assignmentGuid?.toLowerCase() === assignment.guid.toLowerCase());
  if (covering)
    throw new GrantStateError(
      `Assignment ${assignment.guid} is already covered by grant ${covering.id} (${covering.status}).`,
    );
  const grantee = await assigneeOf(deps, assignment, input.assignmentGuid);
  checkNotSelfAdoption({ upn: grantee.upn, oid: grantee.user.id }, caller);
  const grant = adoptedGrant(assignment, grantee, caller, input, deps.clock.now());
  return createOnlyGrant(deps, caller, grant, {
    kind: 'adopted',
    assignment,
    advice: 'extend or release it instead of adopting the assignment',
  });
}

const FIELD = 'assignmentGuid';

/** The assignment of this Guid, if it is a direct, regular assignment of Mailbox Import Export (or a derived role) to a user. */
async function adoptableAssignment(deps: GrantDeps, guid: string): Promise<RoleAssignment> {
  const asked = await deps.exchange.getRoleAssignment(guid);
  // Only the assignment of this Guid counts: Exchange may answer an unknown identity with every assignment.
  const assignment = asked?.guid.toLowerCase() === guid.trim().toLowerCase() ? asked : undefined;
  if (!assignment)
    throw new InvalidGrantInputError(
      FIELD,
      `${FIELD} '${guid}' is not a management role assignment in Exchange; take the guid from the audit finding.`,
    );
  const mieRoles = new Set((await deps.exchange.getMieRoles()).map((r) => r.name.toLowerCase()));
  if (!mieRoles.has(assignment.role.toLowerCase())) {
    throw new InvalidGrantInputError(
      FIELD,
      `${FIELD} '${guid}' assigns '${assignment.role}', not Mailbox Import Export or a role derived from it.`,
    );
  }
  if (assignment.delegationType !== 'Regular') {
    throw new InvalidGrantInputError(
      FIELD,
      `${FIELD} '${guid}' is a ${assignment.delegationType} assignment; it lets its holder assign the role, not use it, and is never adopted.`,
    );
  }
  if (assignment.roleAssigneeType !== 'User') {
    throw new InvalidGrantInputError(
      FIELD,
      `${FIELD} '${guid}' is assigned to a ${assignment.roleAssigneeType}; only direct user assignments can be adopted (grant group members individually instead).`,
    );
  }
  return assignment;
}

/** The assignee as a grantee: a user with a user principal name in Exchange and in the directory. */
async function assigneeOf(deps: GrantDeps, assignment: RoleAssignment, guid: string): Promise<Grantee> {
  const recipient = await deps.exchange.getUser(assignment.roleAssignee || assignment.roleAssigneeName);
  if (!recipient?.userPrincipalName) {
    throw new InvalidGrantInputError(
      FIELD,
      `The assignee of ${FIELD} '${guid}' (${assignment.roleAssigneeName}) has no user principal name in Exchange; it cannot be adopted.`,
    );
  }
  return resolveGrantee(deps, recipient.userPrincipalName, FIELD);
}

/** An active grant over the existing assignment, requested and approved by the caller now. */
function adoptedGrant(
  assignment: RoleAssignment,
  grantee: Grantee,
  caller: Caller,
  input: AdoptGrantInput,
  now: Date,
): Grant {
  const at = now.toISOString();
  return {
    id: randomUUID(),
    principal: grantee.upn,
    principalId: grantee.user.id,
    principalName: grantee.recipient.name,
    role: assignment.role,
    status: 'active',
    method: 'direct',
    requestedBy: caller.upn,
    requestedById: caller.oid,
    requestedByTenantId: caller.tid,
    requestedAt: at,
    justification: input.justification,
    ticket: input.ticket,
    durationMs: input.durationMs,
    approvedBy: caller.upn,
    approvedById: caller.oid,
    approvedAt: at,
    activatedAt: at,
    expiresAt: new Date(now.getTime() + input.durationMs).toISOString(),
    assignmentGuid: assignment.guid,
    assignmentName: assignment.name,
    adopted: true,
  };
}
