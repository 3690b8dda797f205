/** Assignee types the audit cannot expand (linked or partner role groups, policies): one holder each, members unknown. */
import type { RoleAssignment } from '../../domain.js';
import type { ExpandContext } from './expandContext.js';

export function reportUnexpanded(ctx: ExpandContext, others: RoleAssignment[]): void {
  for (const a of others) {
    ctx.logger?.warn(
      'The role is assigned to an assignee type the watchdog does not expand; it is reported as one holder.',
      { assignment: a.name, type: a.roleAssigneeType },
    );
    ctx.holders.add(
      a,
      { principal: a.roleAssigneeName || a.roleAssignee, principalType: 'User' },
      { via: 'unexpanded-assignee', path: `${a.roleAssigneeType} assignment ${a.name}` },
    );
  }
}
