/**
 * Role groups assigned the role, and the role groups inside them (Organization Management is the everyday case),
 * expanded transitively: each group's members are read once however many paths reach it, a cycle ends where it
 * closes, and the path names the chain ("via role group A > role group B"). A member is never skipped unread:
 * users and apps become holders, security groups are expanded through Graph, Organization Management's linked
 * groups are left to the directory-role read, and anything that cannot be read stops the audit.
 */
import { ORGANIZATION_MANAGEMENT, type Recipient, type RoleAssignment } from '../../domain.js';
import { mapLimited } from '../../limiter.js';
import type { ExpandContext } from './expandContext.js';
import type { PathSpec } from './holderAccumulator.js';
import { IncompleteReadError } from './incompleteReadError.js';
import { linkedGroupRole } from './linkedGroups.js';
import { fromDirectory, fromRecipient } from './principals.js';

function isGroupRecipient(r: Recipient): boolean {
  return /group/i.test(r.recipientTypeDetails ?? r.recipientType ?? '');
}

function isRoleGroupRecipient(r: Recipient): boolean {
  return /^rolegroup$/i.test(r.recipientTypeDetails ?? '');
}

function isServicePrincipalRecipient(r: Recipient): boolean {
  return /serviceprincipal/i.test(r.recipientTypeDetails ?? r.recipientType ?? '');
}

/** How a member of the chain's innermost role group reaches the assignment of its outermost one. */
function specOf(chain: string[], underOrgManagement: boolean): PathSpec {
  if (chain.length === 1 && underOrgManagement)
    return {
      via: 'organization-management',
      viaName: ORGANIZATION_MANAGEMENT,
      path: `via role group ${ORGANIZATION_MANAGEMENT}`,
    };
  const path = `via role group ${chain.join(' > role group ')}`;
  const viaName = chain[chain.length - 1] as string;
  return underOrgManagement ? { via: 'organization-management', viaName, path } : { via: 'role-group', viaName, path };
}

// eslint-disable-next-line max-lines-per-function -- the nested-group walk and its cycle and depth guards share one queue; split with care
export async function expandRoleGroups(
  ctx: ExpandContext,
  roleGroups: RoleAssignment[],
  orgManagement: RoleAssignment[],
): Promise<void> {
  const reads = ctx.roleGroupReads;
  const membersOf = (group: string) => {
    const key = group.toLowerCase();
    let read = reads.get(key);
    if (!read) reads.set(key, (read = ctx.exchange.getRoleGroupMembers(group)));
    return read;
  };

  const expand = async (a: RoleAssignment, chain: string[], underOrgManagement: boolean): Promise<void> => {
    const spec = specOf(chain, underOrgManagement);
    const where = chain.join(' > ');
    await mapLimited(await membersOf(chain[chain.length - 1] as string), ctx.limit, async (m) => {
      const who = fromRecipient(m);
      if (who) return ctx.holders.add(a, who, spec);
      if (isServicePrincipalRecipient(m)) {
        if (await ctx.pointers.add(a, [m.externalDirectoryObjectId, m.identity, m.name, m.displayName], spec)) return;
        if (!m.externalDirectoryObjectId) {
          throw new IncompleteReadError(
            `Member ${m.name} of role group ${where} is an app that no Exchange service principal (Get-ServicePrincipal) and no Entra object id identifies, so its holders cannot be read; the audit stops rather than report fewer holders.`,
          );
        }
        return ctx.pending.push({
          assignment: a,
          objectId: m.externalDirectoryObjectId,
          name: m.name,
          spec,
          type: 'ServicePrincipal',
        });
      }
      const linkedRole = linkedGroupRole(m.name);
      if (linkedRole) {
        // Organization Management's linked groups: their people come from the Graph directory-role read.
        if (underOrgManagement && linkedRole !== 'unmapped') return;
        throw new IncompleteReadError(
          linkedRole === 'unmapped'
            ? `Member ${m.name} of role group ${where} is a linked group of an Entra directory role the watchdog does not read, so its holders cannot be read; the audit stops rather than report fewer holders.`
            : `Member ${m.name} of role group ${where} is a linked group of an Entra directory role outside Organization Management, with neither a UPN nor an Entra object id of a group, so its holders cannot be read; the audit stops rather than report fewer holders.`,
        );
      }
      if (isRoleGroupRecipient(m)) {
        if (chain.some((c) => c.toLowerCase() === m.name.toLowerCase())) {
          // A cycle: this group's members are being read on this very path already, so nobody is missed.
          ctx.logger?.warn('Role groups contain each other; the cycle is read once.', {
            assignment: a.name,
            cycle: `${where} > ${m.name}`,
          });
          return;
        }
        return expand(a, [...chain, m.name], underOrgManagement);
      }
      if (!m.externalDirectoryObjectId) {
        throw new IncompleteReadError(
          `Member ${m.name} of role group ${where} has neither a UPN nor an Entra object id, so its holders cannot be read; the audit stops rather than report fewer holders.`,
        );
      }
      if (isGroupRecipient(m)) {
        for (const p of await ctx.directory.getTransitiveMembers(m.externalDirectoryObjectId)) {
          const inner = fromDirectory(p);
          if (inner)
            ctx.holders.add(a, inner, { ...spec, path: `${spec.path} (through group ${m.displayName ?? m.name})` });
        }
        return;
      }
      ctx.pending.push({ assignment: a, objectId: m.externalDirectoryObjectId, name: m.name, spec, type: 'User' });
    });
  };

  await mapLimited(roleGroups, ctx.limit, async (a) => {
    const isOrgManagement = orgManagement.includes(a);
    await expand(
      a,
      [isOrgManagement ? ORGANIZATION_MANAGEMENT : a.roleAssigneeName || a.roleAssignee],
      isOrgManagement,
    );
  });
}
