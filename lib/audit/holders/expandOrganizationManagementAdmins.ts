/**
 * Organization Management's linked groups stand for Entra directory roles: every active and PIM-eligible Global and
 * Exchange Administrator holds each regular assignment on Organization Management (eligible ones with `eligible: true`).
 */
import {
  EXCHANGE_ADMINISTRATOR_ROLE_ID,
  GLOBAL_ADMINISTRATOR_ROLE_ID,
  ORGANIZATION_MANAGEMENT,
  type DirectoryRoleHolder,
  type RoleAssignment,
} from '../../domain.js';
import type { ExpandContext } from './expandContext.js';
import { fromDirectory } from './principals.js';

const DIRECTORY_ROLE_NAMES: Record<string, string> = {
  [GLOBAL_ADMINISTRATOR_ROLE_ID]: 'Global Administrator',
  [EXCHANGE_ADMINISTRATOR_ROLE_ID]: 'Exchange Administrator',
};

/** Starts the directory-role read (it does not depend on Exchange) when Organization Management holds the role. */
export function readOrganizationManagementAdmins(
  ctx: ExpandContext,
  orgManagement: RoleAssignment[],
): Promise<DirectoryRoleHolder[]> {
  const pending = orgManagement.length
    ? ctx.directory.getDirectoryRoleHolders([GLOBAL_ADMINISTRATOR_ROLE_ID, EXCHANGE_ADMINISTRATOR_ROLE_ID])
    : Promise.resolve([]);
  pending.catch(() => undefined);
  return pending;
}

export async function expandOrganizationManagementAdmins(
  ctx: ExpandContext,
  orgManagement: RoleAssignment[],
  roleHoldersPending: Promise<DirectoryRoleHolder[]>,
): Promise<void> {
  const roleHolders = await roleHoldersPending;
  for (const a of orgManagement) {
    for (const rh of roleHolders) {
      const who = fromDirectory(rh.principal);
      if (!who) continue;
      const roleName = DIRECTORY_ROLE_NAMES[rh.roleDefinitionId] ?? rh.roleDefinitionId;
      const through = rh.viaGroup ? `, through group ${rh.viaGroup.displayName ?? rh.viaGroup.id}` : '';
      // PIM: an eligible admin is not in the role now but can activate it at any time, without anyone's approval here.
      const role = rh.eligible ? `eligible for ${roleName}` : roleName;
      ctx.holders.add(a, who, {
        via: 'organization-management',
        viaName: ORGANIZATION_MANAGEMENT,
        path: `via ${ORGANIZATION_MANAGEMENT} (${role}${through})`,
        ...(rh.eligible ? { eligible: true as const } : {}),
      });
    }
  }
}
