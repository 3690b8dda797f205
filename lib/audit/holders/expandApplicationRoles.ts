/**
 * Exchange RBAC for Applications: regular assignments of the application roles that export or import mailbox items,
 * made to an app's service-principal pointer (New-ManagementRoleAssignment -App) with the resource scope that limits
 * which mailboxes it reaches (a management scope, CustomResourceScope, or an administrative unit), shown in the path.
 * https://learn.microsoft.com/exchange/permissions-exo/application-rbac
 */
import type { RoleAssignment } from '../../domain.js';
import { mapLimited } from '../../limiter.js';
import { GUID, type ExpandContext } from './expandContext.js';
import { scopeOf, type PathSpec } from './holderAccumulator.js';

function specOf(a: RoleAssignment): PathSpec {
  return { via: 'application-role', path: `via Exchange application role ${a.role} (${a.name}, scope ${scopeOf(a)})` };
}

export async function expandApplicationRoles(ctx: ExpandContext, assignments: RoleAssignment[]): Promise<void> {
  await mapLimited(assignments, ctx.limit, async (a) => {
    const spec = specOf(a);
    if (await ctx.pointers.add(a, [a.roleAssignee, a.roleAssigneeName], spec)) return;
    ctx.pending.push({
      assignment: a,
      objectId: GUID.test(a.roleAssignee) ? a.roleAssignee : undefined,
      name: a.roleAssigneeName || a.roleAssignee,
      spec,
      type: 'ServicePrincipal',
    });
  });
}
