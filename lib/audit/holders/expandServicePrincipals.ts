/** Apps assigned the role in Exchange, named by their pointer (a name or an id); failing a pointer, an id is taken as the Entra object id. */
import type { RoleAssignment } from '../../domain.js';
import { mapLimited } from '../../limiter.js';
import { GUID, type ExpandContext } from './expandContext.js';
import type { PathSpec } from './holderAccumulator.js';

export async function expandServicePrincipals(ctx: ExpandContext, servicePrincipals: RoleAssignment[]): Promise<void> {
  await mapLimited(servicePrincipals, ctx.limit, async (a) => {
    const spec: PathSpec = { via: 'service-principal', path: `service principal assignment ${a.name}` };
    if (await ctx.pointers.add(a, [a.roleAssignee, a.roleAssigneeName], spec)) return;
    const objectId = GUID.test(a.roleAssignee) ? a.roleAssignee : undefined;
    ctx.pending.push({
      assignment: a,
      objectId,
      name: a.roleAssigneeName || a.roleAssignee,
      spec,
      type: 'ServicePrincipal',
    });
  });
}
