/** A migration lead asks for a time-boxed grant; approvers are told. */
import { randomUUID } from 'node:crypto';
import type { Caller } from '../caller.js';
import { MIE_ROLE, type Grant } from '../domain.js';
import type { GrantDeps } from './grantDeps.js';
import { createOnlyGrant } from './createOnlyGrant.js';
import { InvalidGrantInputError } from './grantErrors.js';
import { checkDurationBounds } from './policy/durationBounds.js';
import { checkStartTime } from './policy/startTime.js';
import { resolveGrantee } from './resolveGrantee.js';

export interface RequestGrantInput {
  principal: string;
  durationMs: number;
  justification: string;
  ticket: string;
  /** ISO 8601; omitted = on approval. */
  startsAt?: string;
}

export async function requestGrant(deps: GrantDeps, caller: Caller, input: RequestGrantInput): Promise<Grant> {
  const now = deps.clock.now();
  checkDurationBounds('duration', input.durationMs, deps.config.grants);
  checkStartTime(input.startsAt, now);
  const grantee = await resolveGrantee(deps, input.principal);

  const roleGroup = deps.config.grants.roleGroup;
  if (roleGroup) await checkNotAlreadyMember(deps, roleGroup, grantee.upn, grantee.recipient.name);

  const grant: Grant = {
    id: randomUUID(),
    principal: grantee.upn,
    principalId: grantee.user.id,
    principalName: grantee.recipient.name,
    role: MIE_ROLE,
    status: 'pending',
    method: roleGroup ? 'role-group' : 'direct',
    roleGroup,
    requestedBy: caller.upn,
    requestedById: caller.oid,
    requestedByTenantId: caller.tid,
    requestedAt: now.toISOString(),
    justification: input.justification,
    ticket: input.ticket,
    durationMs: input.durationMs,
    startsAt: input.startsAt ? new Date(input.startsAt).toISOString() : undefined,
  };
  return createOnlyGrant(deps, caller, grant, {
    kind: 'requested',
    advice: 'extend or cancel it instead of requesting another',
  });
}

/** Releasing a role-group grant removes the membership: it must not be one that existed before the grant. */
async function checkNotAlreadyMember(deps: GrantDeps, roleGroup: string, upn: string, name: string): Promise<void> {
  const members = await deps.exchange.getRoleGroupMembers(roleGroup);
  const ids = new Set([upn, name.toLowerCase()]);
  if (members.some((m) => ids.has(m.name.toLowerCase()) || ids.has(m.userPrincipalName?.toLowerCase() ?? ''))) {
    throw new InvalidGrantInputError(
      'principal',
      `principal '${upn}' is already a member of the grant role group '${roleGroup}'; adopt or remove that membership instead of requesting a grant.`,
    );
  }
}
