/**
 * The Exchange side of a grant: a direct assignment named after the grant
 * (New-ManagementRoleAssignment -User), or membership of WATCHDOG_GRANT_ROLE_GROUP.
 * Creation is idempotent: an assignment with the grant's name is looked up first, so a retried
 * approval after a crash never creates a second one. Taking access away is lib/revoke/removeGrantAccess.ts.
 */
import type { Grant, RoleAssignment } from '../domain.js';
import { RequestError, type ExchangeRbac } from '../ports/index.js';

export const GRANT_ASSIGNMENT_PREFIX = 'MIE-Grant-';

export function grantAssignmentName(grantId: string): string {
  return `${GRANT_ASSIGNMENT_PREFIX}${grantId}`;
}

export interface GrantAssignment {
  method: Grant['method'];
  roleGroup?: string;
  assignmentGuid: string;
  assignmentName: string;
}

export async function ensureGrantAssignment(
  exchange: ExchangeRbac,
  grant: Grant,
  roleGroup: string | undefined,
): Promise<GrantAssignment> {
  if (roleGroup) {
    const groupAssignment = await roleGroupAssignment(exchange, grant.role, roleGroup);
    await exchange.addRoleGroupMember(roleGroup, grant.principalName ?? grant.principal);
    return {
      method: 'role-group',
      roleGroup,
      assignmentGuid: groupAssignment.guid,
      assignmentName: groupAssignment.name,
    };
  }
  const name = grantAssignmentName(grant.id);
  const assignment = (await findByName(exchange, grant.role, name)) ?? (await createOrFind(exchange, grant, name));
  return { method: 'direct', assignmentGuid: assignment.guid, assignmentName: assignment.name };
}

/** A concurrent activation may create the same name first; Exchange then refuses ours and we take theirs. */
async function createOrFind(exchange: ExchangeRbac, grant: Grant, name: string): Promise<RoleAssignment> {
  try {
    return await exchange.newRoleAssignment({ name, role: grant.role, user: grant.principalName ?? grant.principal });
  } catch (error) {
    const existing = await findByName(exchange, grant.role, name);
    if (existing) return existing;
    throw error;
  }
}

async function findByName(exchange: ExchangeRbac, role: string, name: string): Promise<RoleAssignment | undefined> {
  return assignmentNamed(await exchange.getRoleAssignments(role), name);
}

async function roleGroupAssignment(exchange: ExchangeRbac, role: string, roleGroup: string): Promise<RoleAssignment> {
  const wanted = roleGroup.toLowerCase();
  const found = (await exchange.getRoleAssignments(role)).find(
    (a) => a.roleAssigneeName.toLowerCase() === wanted && a.delegationType === 'Regular' && a.enabled,
  );
  if (!found) {
    throw new Error(
      `WATCHDOG_GRANT_ROLE_GROUP '${roleGroup}' has no enabled regular '${role}' assignment; run New-ManagementRoleAssignment -Role '${role}' -SecurityGroup '${roleGroup}' once, or unset the setting to use direct assignments.`,
    );
  }
  return found;
}

/** The assignment of that (unique) name in a list read by role; two of the same name are an error. */
export function assignmentNamed(assignments: RoleAssignment[], name: string): RoleAssignment | undefined {
  const wanted = name.trim().toLowerCase();
  const matching = assignments.filter((a) => a.name.toLowerCase() === wanted);
  if (matching.length > 1) {
    throw new RequestError(
      { service: 'Exchange Online', operation: 'Get-ManagementRoleAssignment' },
      `${matching.length} assignments are named '${name}' (${matching.map((a) => a.guid).join(', ')}), though Exchange keeps names unique; refusing to pick one.`,
    );
  }
  return matching[0];
}
