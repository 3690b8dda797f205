/**
 * Large tenants for benchmarks: many direct assignments, a big role group, and security groups nested
 * `nestingDepth` deep, so every path the audit follows is exercised at scale. Deterministic for a
 * given size.
 */
import {
  APPLICATION_EXPORT_ROLE,
  EXCHANGE_ADMINISTRATOR_ROLE_ID,
  GLOBAL_READER_ROLE_ID,
  MIE_ROLE,
  ORGANIZATION_MANAGEMENT,
} from '../../contract/microsoft.js';
import type { SeedGroup, SeedRoleAssignment, SeedUser, TenantSeed } from '../seed.js';
import { GRAPH_APP_ROLES, GRAPH_SP_ID, baseTenant, fixedGuid } from './baseTenant.js';

/** A regular, enabled assignment of the role to `assignee`, named for `assigneeName` as Exchange names them. */
function mieAssignment(
  guid: string,
  assigneeType: SeedRoleAssignment['assigneeType'],
  assignee: string,
  assigneeName: string,
  created: string,
): SeedRoleAssignment {
  const name = `${MIE_ROLE}-${assigneeName}`;
  return {
    guid,
    name,
    role: MIE_ROLE,
    assigneeType,
    assignee,
    delegationType: 'Regular',
    enabled: true,
    whenCreatedUtc: created,
  };
}

/** `n` holders through each door beyond MIE's own assignments (LargeTenantSize.otherDoors). */
function addOtherDoors(seed: TenantSeed, n: number, makeUser: () => SeedUser, created: string): SeedRoleAssignment[] {
  const users = () => {
    const list = Array.from({ length: n }, makeUser);
    seed.users.push(...list);
    return list;
  };
  const assignments: SeedRoleAssignment[] = [];
  const base = { delegationType: 'Regular' as const, enabled: true, whenCreatedUtc: created };
  assignments.push(
    mieAssignment(fixedGuid(0xa6200000, 1), 'RoleGroup', ORGANIZATION_MANAGEMENT, ORGANIZATION_MANAGEMENT, created),
  );
  seed.directoryRoleEligibilities = users().map((u, i) => ({
    id: `eligible-${i + 1}`,
    roleDefinitionId: EXCHANGE_ADMINISTRATOR_ROLE_ID,
    principalId: u.id,
    startDateTime: created,
  }));
  for (let i = 0; i < n; i++) {
    const graphApp = {
      id: fixedGuid(0x5e100000, i + 1),
      appId: fixedGuid(0xa9a00000, i + 1),
      displayName: `Bulk Exporter ${i + 1}`,
    };
    const scopedApp = {
      id: fixedGuid(0x5e200000, i + 1),
      appId: fixedGuid(0xa9b00000, i + 1),
      displayName: `Scoped Exporter ${i + 1}`,
    };
    seed.servicePrincipals.push(graphApp, { ...scopedApp, exchange: { exchangeGuid: fixedGuid(0xe1200000, i + 1) } });
    seed.appRoleAssignments.push({
      id: `bulk-export-${i + 1}`,
      resourceId: GRAPH_SP_ID,
      appRoleId: GRAPH_APP_ROLES.mailboxItemExportAll.id,
      principalId: graphApp.id,
      createdDateTime: created,
    });
    assignments.push({
      ...base,
      guid: fixedGuid(0xa6300000, i + 1),
      name: `${APPLICATION_EXPORT_ROLE}-${scopedApp.displayName}`,
      role: APPLICATION_EXPORT_ROLE,
      assigneeType: 'ServicePrincipal',
      assignee: scopedApp.id,
      customResourceScope: 'Bulk Custodians',
    });
  }
  seed.purviewRoleGroups = (seed.purviewRoleGroups ?? []).map((g) =>
    g.name === 'eDiscoveryManager' ? { ...g, members: users().map((u) => u.id) } : g,
  );
  for (const [i, u] of users().entries())
    assignments.push({
      ...base,
      delegationType: 'DelegatingOrgWide',
      guid: fixedGuid(0xa6400000, i + 1),
      name: `${MIE_ROLE}-${u.name}-Delegating`,
      role: MIE_ROLE,
      assigneeType: 'User',
      assignee: u.id,
    });
  seed.directoryRoleAssignments.push({
    id: 'wdGlobalReader',
    roleDefinitionId: GLOBAL_READER_ROLE_ID,
    principalId: seed.caller.servicePrincipalId,
  });
  return assignments;
}

export interface LargeTenantSize {
  /** Users holding MIE by a direct assignment each. */
  directAssignments: number;
  /** Users in one role group assigned MIE. */
  roleGroupMembers: number;
  /** Users in a chain of nested security groups assigned MIE. */
  securityGroupMembers: number;
  /** Depth of the security group chain (>= 1). */
  nestingDepth?: number;
  /** Users without MIE. */
  bystanders?: number;
  /** Every other door too, `n` of each: Organization Management with PIM-eligible admins, Graph MailboxItem.Export.All apps, apps with a scoped Exchange application role, eDiscovery managers, users who can grant. */
  otherDoors?: number;
  tenant?: string;
}

export const LARGE_TENANT = 'northwind.onmicrosoft.com';
export const LARGE_ROLE_GROUP = 'Bulk Migration Operators';

export function largeTenant(size: LargeTenantSize): TenantSeed {
  const tenant = size.tenant ?? LARGE_TENANT;
  const seed = baseTenant(tenant, '6b1e0f3a-92c4-4d7e-8a15-3c9f2e7d4b60');
  const depth = Math.max(1, size.nestingDepth ?? 3);
  let n = 0;
  const makeUser = (): SeedUser => {
    n++;
    return {
      id: fixedGuid(0x0d000000, n),
      userPrincipalName: `user${n}@${tenant}`,
      name: `User${n}`,
      displayName: `Bulk User ${n}`,
      exchangeGuid: fixedGuid(0xe1000000, n),
    };
  };
  const created = '2024-02-01T09:00:00.000Z';
  const assignments: SeedRoleAssignment[] = [];
  for (let i = 0; i < size.directAssignments; i++) {
    const u = makeUser();
    seed.users.push(u);
    assignments.push(mieAssignment(fixedGuid(0xa6000000, i + 1), 'User', u.id, u.name, created));
  }
  const rgMembers: string[] = [];
  for (let i = 0; i < size.roleGroupMembers; i++) {
    const u = makeUser();
    seed.users.push(u);
    rgMembers.push(u.id);
  }
  seed.roleGroups.push({
    name: LARGE_ROLE_GROUP,
    guid: fixedGuid(0xa0200000, 900),
    members: rgMembers,
    whenCreatedUtc: created,
  });
  assignments.push(mieAssignment(fixedGuid(0xa6100000, 1), 'RoleGroup', LARGE_ROLE_GROUP, LARGE_ROLE_GROUP, created));
  // A chain: level 0 is assigned MIE; each level holds its share of users plus the next level.
  const groups: SeedGroup[] = [];
  for (let level = 0; level < depth; level++) {
    groups.push({
      id: fixedGuid(0x0d100000, level + 1),
      displayName: `Bulk Migration Level ${level}`,
      mailEnabled: level === 0,
      mail: level === 0 ? `bulkmigration@${tenant}` : undefined,
      securityEnabled: true,
      exchangeGuid: fixedGuid(0xe1100000, level + 1),
      members: [],
    });
  }
  for (let i = 0; i < size.securityGroupMembers; i++) {
    const u = makeUser();
    seed.users.push(u);
    (groups[i % depth] as SeedGroup).members.push(u.id);
  }
  for (let level = 0; level + 1 < depth; level++)
    (groups[level] as SeedGroup).members.push((groups[level + 1] as SeedGroup).id);
  seed.groups.push(...groups);
  const top = groups[0] as SeedGroup;
  assignments.push(mieAssignment(fixedGuid(0xa6100000, 2), 'SecurityGroup', top.id, top.displayName, created));
  if (size.otherDoors) assignments.push(...addOtherDoors(seed, size.otherDoors, makeUser, created));
  for (let i = 0; i < (size.bystanders ?? 0); i++) seed.users.push(makeUser());
  seed.roleAssignments.push(...assignments);
  return seed;
}
