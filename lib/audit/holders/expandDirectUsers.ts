/**
 * Users assigned the role directly. Exchange names them by recipient Name: one filtered Get-User per 20 names maps
 * them to UPNs, or, past BULK_USERS, the paged Get-User listing does (started at once, resolved with the rest).
 */
import type { Recipient, RoleAssignment } from '../../domain.js';
import type { ExpandContext } from './expandContext.js';
import type { PathSpec } from './holderAccumulator.js';
import { BULK_USERS } from './pendingResolution.js';
import { fromRecipient } from './principals.js';

const nameOf = (a: RoleAssignment) => a.roleAssigneeName || a.roleAssignee;
const specOf = (a: RoleAssignment): PathSpec => ({ via: 'direct', path: `direct assignment ${a.name}` });

/** Starts what the direct assignments need before the other reads, so that the user listing runs beside them. */
export function prepareDirectUsers(ctx: ExpandContext, users: RoleAssignment[]): void {
  if (users.length > BULK_USERS) ctx.pending.useUserListing();
}

export async function expandDirectUsers(ctx: ExpandContext, users: RoleAssignment[]): Promise<void> {
  if (!users.length) return;
  if (users.length > BULK_USERS) {
    for (const a of users) ctx.pending.push({ assignment: a, name: nameOf(a), spec: specOf(a), type: 'User' });
    return;
  }
  const found = new Map<string, Recipient>();
  for (const u of await ctx.exchange.findUsersByName(users.map(nameOf))) found.set(u.name.toLowerCase(), u);
  for (const a of users) {
    const user = found.get(nameOf(a).toLowerCase());
    const who = user && fromRecipient(user);
    if (who) ctx.holders.add(a, who, specOf(a));
    else
      ctx.pending.push({
        assignment: a,
        objectId: user?.externalDirectoryObjectId,
        name: nameOf(a),
        spec: specOf(a),
        type: 'User',
      });
  }
}
