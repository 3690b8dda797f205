/**
 * Apps holding Graph's MailboxItem.Export.All or MailboxItem.ImportExport.All: bulk export (and import) of every
 * mailbox in the tenant without Exchange, one holder per app role assignment.
 */
import type { AppRoleHolder, RoleAssignment } from '../../domain.js';
import type { ExpandContext } from './expandContext.js';
import { fromDirectory } from './principals.js';

export function expandGraphAppRole(ctx: ExpandContext, appHolders: AppRoleHolder[]): void {
  for (const app of appHolders) {
    const who = fromDirectory(app.principal);
    if (!who) continue;
    const pseudoAssignment: RoleAssignment = {
      guid: app.assignmentId,
      name: `${app.appRoleValue} (Microsoft Graph application permission)`,
      role: app.appRoleValue,
      roleAssignee: app.principal.id,
      roleAssigneeName: app.principal.displayName ?? app.principal.id,
      roleAssigneeType: 'ServicePrincipal',
      delegationType: 'Regular',
      enabled: true,
      recipientWriteScope: 'Organization',
    };
    ctx.holders.add(pseudoAssignment, who, {
      via: 'graph-app-role',
      path: `via Graph application permission ${app.appRoleValue}`,
    });
  }
}
