/** Security groups assigned the role: their members, nested groups included, from Graph's transitiveMembers. */
import type { RoleAssignment } from '../../domain.js';
import { mapLimited } from '../../limiter.js';
import { GUID, type ExpandContext } from './expandContext.js';
import { IncompleteReadError } from './incompleteReadError.js';
import { fromDirectory } from './principals.js';

export async function expandSecurityGroups(ctx: ExpandContext, securityGroups: RoleAssignment[]): Promise<void> {
  await mapLimited(securityGroups, ctx.limit, async (a) => {
    const group = a.roleAssigneeName || a.roleAssignee;
    const recipient = GUID.test(a.roleAssignee)
      ? { name: group, externalDirectoryObjectId: a.roleAssignee }
      : await ctx.exchange.getRecipient(group);
    const objectId = recipient?.externalDirectoryObjectId;
    if (!objectId) {
      throw new IncompleteReadError(
        `Security group '${group}' (assignment ${a.name}) has no Entra object id in Exchange (Get-Recipient ExternalDirectoryObjectId); its members cannot be read, so the audit stops rather than report a partial holder list.`,
      );
    }
    for (const p of await ctx.directory.getTransitiveMembers(objectId)) {
      const who = fromDirectory(p);
      if (who) ctx.holders.add(a, who, { via: 'security-group', viaName: group, path: `via security group ${group}` });
    }
  });
}
