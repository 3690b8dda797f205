/**
 * Takes away exactly what a grant gave: its own direct assignment (by Guid), or its membership of the
 * dedicated role group. Never anything else the principal may hold. Confirms by reading back.
 */
import type { Grant, Recipient } from '../domain.js';
import { assignmentNamed, grantAssignmentName } from '../grants/grantAssignment.js';
import type { ExchangeRbac } from '../ports/index.js';
import {
  removeAssignmentVerified,
  RemovalNotVerifiedError,
  RemovalRefusedError,
  type RemovalResult,
} from './removeAssignment.js';

function grantNames(grant: Grant): string[] {
  return [grant.principalName, grant.principal, grant.principalId].filter((n): n is string => Boolean(n));
}

function isGrantee(member: Recipient, grant: Grant): boolean {
  const names = new Set(grantNames(grant).map((n) => n.toLowerCase()));
  return [
    member.name,
    member.userPrincipalName,
    member.primarySmtpAddress,
    member.externalDirectoryObjectId,
    member.identity,
  ].some((n) => n && names.has(n.toLowerCase()));
}

async function removeFromRoleGroup(exchange: ExchangeRbac, grant: Grant): Promise<RemovalResult> {
  const group = grant.roleGroup;
  if (!group)
    throw new RemovalRefusedError(
      `Grant ${grant.id} is a role-group grant without a role group name; remove the member by hand.`,
    );
  const before = await exchange.getRoleGroupMembers(group);
  if (!before.some((m) => isGrantee(m, grant))) return { outcome: 'absent' };
  const outcome = await exchange.removeRoleGroupMember(group, grant.principalName ?? grant.principal);
  const after = await exchange.getRoleGroupMembers(group);
  if (after.some((m) => isGrantee(m, grant)))
    throw new RemovalNotVerifiedError(
      `${grant.principal} is still a member of role group ${group} after Remove-RoleGroupMember; the next run tries again.`,
    );
  return { outcome };
}

/**
 * A grant recorded without a Guid (its activation stopped half-way, or landed with its answer lost) is found by
 * its assignment name, which for a direct grant is always its own `MIE-Grant-{id}`.
 */
async function assignmentGuidOf(exchange: ExchangeRbac, grant: Grant): Promise<string | undefined> {
  if (grant.assignmentGuid) return grant.assignmentGuid;
  return assignmentNamed(
    await exchange.getRoleAssignments(grant.role),
    grant.assignmentName ?? grantAssignmentName(grant.id),
  )?.guid;
}

export async function removeGrantAccess(exchange: ExchangeRbac, grant: Grant): Promise<RemovalResult> {
  if (grant.method === 'role-group') return removeFromRoleGroup(exchange, grant);
  const guid = await assignmentGuidOf(exchange, grant);
  if (!guid) return { outcome: 'absent' };
  return removeAssignmentVerified(exchange, guid, { role: grant.role, assignee: grantNames(grant) });
}
