/**
 * Purview eDiscovery export: members of every role group that carries the Export role (eDiscovery Manager and
 * eDiscovery Administrators by default, plus any custom role group given it) can export search results from every
 * mailbox, read through the Security & Compliance admin API. One Get-RoleGroup listing, then one member read per
 * group with the role; each group stands as one assignment, keyed by its Guid.
 */
import { EDISCOVERY_EXPORT_ROLE, type Recipient, type RoleAssignment } from '../../domain.js';
import { mapLimited } from '../../limiter.js';
import type { ComplianceRoleGroups, PurviewRoleGroup } from '../../ports/index.js';
import type { ExpandContext } from './expandContext.js';
import type { PathSpec } from './holderAccumulator.js';
import { IncompleteReadError } from './incompleteReadError.js';
import { fromDirectory, fromRecipient } from './principals.js';

/** A role of Get-RoleGroup's Roles may come as a name or as a path ending in it. */
function carriesExport(group: PurviewRoleGroup): boolean {
  const wanted = EDISCOVERY_EXPORT_ROLE.toLowerCase();
  return group.roles.some((r) => (r.split(/[\\/]/).pop() ?? '').trim().toLowerCase() === wanted);
}

function assignmentOf(group: PurviewRoleGroup): RoleAssignment {
  return {
    guid: group.guid.toLowerCase(),
    name: `${EDISCOVERY_EXPORT_ROLE}-${group.name} (Purview role group)`,
    role: EDISCOVERY_EXPORT_ROLE,
    roleAssignee: group.name,
    roleAssigneeName: group.displayName ?? group.name,
    roleAssigneeType: 'RoleGroup',
    delegationType: 'Regular',
    enabled: true,
    recipientWriteScope: 'Organization',
  };
}

/** A security group in the role group: its people come from Graph, or the read is incomplete. */
async function expandGroupMember(ctx: ExpandContext, a: RoleAssignment, m: Recipient, spec: PathSpec): Promise<void> {
  if (!m.externalDirectoryObjectId)
    throw new IncompleteReadError(
      `Member ${m.name} of Purview role group ${a.roleAssigneeName} is a group without an Entra object id, so its members cannot be read; the audit stops rather than report fewer holders.`,
    );
  for (const p of await ctx.directory.getTransitiveMembers(m.externalDirectoryObjectId)) {
    const who = fromDirectory(p);
    if (who) ctx.holders.add(a, who, { ...spec, path: `${spec.path} > group ${m.displayName ?? m.name}` });
  }
}

export async function expandEdiscoveryExport(ctx: ExpandContext, compliance: ComplianceRoleGroups): Promise<void> {
  const groups = (await compliance.listRoleGroups()).filter(carriesExport);
  await mapLimited(groups, ctx.limit, async (group) => {
    const a = assignmentOf(group);
    const name = group.displayName ?? group.name;
    const spec: PathSpec = {
      via: 'ediscovery-role-group',
      viaName: name,
      path: `via Purview role group ${name} (eDiscovery ${EDISCOVERY_EXPORT_ROLE})`,
    };
    for (const m of await compliance.getRoleGroupMembers(group)) {
      const who = fromRecipient(m);
      if (who) ctx.holders.add(a, who, spec);
      else if (/group/i.test(m.recipientTypeDetails ?? m.recipientType ?? '')) await expandGroupMember(ctx, a, m, spec);
      else ctx.pending.push({ assignment: a, objectId: m.externalDirectoryObjectId, name: m.name, spec, type: 'User' });
    }
  });
}
