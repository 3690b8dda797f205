/**
 * The fewest API round trips a complete holder read of a tenant can take, from the tenant's shape: every
 * page of every list the read cannot do without, with Graph requests that do not depend on each other
 * packed 20 to a $batch. Exchange has no batching; Exchange pages hold 1000 rows, Graph pages 999.
 *
 *   Exchange = 1                                   Get-ManagementRole -RoleType MailboxImportExport
 *            + sum over roles r  ceil(A_r / 1000)  Get-ManagementRoleAssignment -Role r (A_r assignments, at least 1 page),
 *                                                  for MIE's roles and the two Exchange application roles of export/import
 *            + sum over role groups g (1 + ceil(M_g / 1000))
 *                                                  Get-RoleGroup (an unknown identity would list every group's members,
 *                                                  so existence is checked first) + Get-RoleGroupMember pages, for every
 *                                                  role group reached: those assigned and those inside them, each once
 *            + ceil(SP / 1000) when an app holds a role through Exchange (an assignment, a role group member, or a
 *                                                  regular application role assignment)
 *                                                  Get-ServicePrincipal: the SP pointers, to map pointer names to appIds
 *            + S_named                             Get-Recipient for each security group named by name, not object id
 *            + min(ceil(D / 20), ceil(U / 1000))   Exchange names of D directly assigned users to UPNs: a filtered
 *                                                  Get-User per 20 names, or the paged Get-User listing of all U users
 *   Graph    = 2 + (ceil(P / 999) - 1)             the Graph service principal, its appRoleAssignedTo (P rows)
 *            + ceil(K / 20)                        the K MailboxItem.Export.All / ImportExport.All holders' principals, in $batch
 *            + ceil(S / 20) + sum over s (ceil(T_s / 999) - 1)
 *                                                  transitiveMembers of S security groups: first pages in $batch,
 *                                                  later pages one each (T_s members, nested groups included)
 *            + (1 if Organization Management holds the role)  active assignments and PIM eligibilities of the two
 *                                                  directory roles in one $batch
 *            + ceil(E / 20)                        the E eligible principals (eligibility instances carry only ids)
 *            + ceil(R / 20) when the Get-User listing is not used  role group members (object ids, no UPN) in $batch
 *                                                  (role groups and apps with a pointer excluded)
 *   Security & Compliance (WATCHDOG_EDISCOVERY_AUDIT) =
 *              1 + ceil(G / 1000)                  the global endpoint's regional redirect, then Get-RoleGroup (G groups)
 *            + sum over groups g with Export  ceil(M_g / 1000)   Get-RoleGroupMember pages (members carry their UPN)
 */
import {
  APPLICATION_EXPORT_ROLE,
  APPLICATION_IMPORT_EXPORT_ROLE,
  EDISCOVERY_EXPORT_ROLE,
  ORGANIZATION_MANAGEMENT,
} from '../lib/domain.js';
import { NAMES_PER_FILTER } from '../lib/exchange/exchangeAdminClient.js';
import { GRAPH_APP_ROLES, GRAPH_SP_ID } from '../emulator/scenarios/baseTenant.js';
import type { RoleGroupState, TenantState } from '../emulator/tenantState.js';

const EXCHANGE_PAGE = 1000;
const GRAPH_PAGE = 999;
const BATCH = 20;

/** Pages needed for `rows` at `size` a page; even an empty read costs one. */
export const pages = (rows: number, size: number) => Math.max(1, Math.ceil(rows / size));

/** Members reached through a group and its nested groups, each once. */
export function transitiveCount(state: TenantState, groupId: string): number {
  const seen = new Set<string>([groupId]);
  const stack = [groupId];
  while (stack.length) {
    const group = state.groups.get(stack.pop() as string);
    for (const member of state.currentMembers(group?.members ?? [])) {
      if (seen.has(member)) continue;
      seen.add(member);
      if (state.groups.has(member)) stack.push(member);
    }
  }
  return seen.size - 1;
}

export interface MinimumBreakdown {
  exchange: number;
  graph: number;
  compliance: number;
  total: number;
}

export const APPLICATION_ROLES = [APPLICATION_EXPORT_ROLE, APPLICATION_IMPORT_EXPORT_ROLE].map((r) => r.toLowerCase());

/**
 * The Security & Compliance reads: the role group listing and each Export group's members, plus the global
 * endpoint's regional redirect unless the region is already known (the client keeps it for the process).
 */
export function complianceMinimum(state: TenantState, options: { redirect?: boolean } = {}): number {
  const groups = [...state.purviewRoleGroups.values()];
  let trips = (options.redirect === false ? 0 : 1) + pages(groups.length, EXCHANGE_PAGE);
  for (const g of groups)
    if (g.roles.some((r) => r.toLowerCase() === EDISCOVERY_EXPORT_ROLE.toLowerCase()))
      trips += pages(g.members.length, EXCHANGE_PAGE);
  return trips;
}

export function minimumAuditRoundTripsBreakdown(
  state: TenantState,
  options: { ediscovery?: boolean } = {},
): MinimumBreakdown {
  const roles = state.mieRoles();
  const assignments = [...state.assignments.values()].filter((a) => roles.has(a.role.toLowerCase()));
  const regular = assignments.filter((a) => a.delegationType === 'Regular');
  const applicationAssignments = [...state.assignments.values()].filter((a) =>
    APPLICATION_ROLES.includes(a.role.toLowerCase()),
  );

  let exchange = 1;
  for (const role of [...roles, ...APPLICATION_ROLES])
    exchange += pages(
      [...assignments, ...applicationAssignments].filter((a) => a.role.toLowerCase() === role).length,
      EXCHANGE_PAGE,
    );
  const roleGroups = regular.filter((a) => a.assigneeType === 'RoleGroup');
  const hasPointer = (id: string) => state.servicePrincipals.get(id)?.exchange !== undefined;
  const reached = new Map<string, RoleGroupState>();
  const stack = roleGroups.flatMap((a) => state.roleGroup(a.assignee) ?? []);
  while (stack.length) {
    const g = stack.pop() as RoleGroupState;
    if (reached.has(g.guid)) continue;
    reached.set(g.guid, g);
    for (const m of state.currentMembers(g.members)) {
      const inner = state.roleGroupById(m);
      if (inner) stack.push(inner);
    }
  }
  let roleGroupMembers = 0;
  let appMembers = false;
  for (const g of reached.values()) {
    const members = state.currentMembers(g.members);
    roleGroupMembers += members.filter((m) => !state.roleGroupById(m) && !hasPointer(m)).length;
    appMembers ||= members.some(hasPointer);
    exchange += 1 + pages(members.length + Object.keys(g.linkedGroups).length, EXCHANGE_PAGE);
  }
  const appAssigned = [...regular, ...applicationAssignments.filter((a) => a.delegationType === 'Regular')];
  if (appMembers || appAssigned.some((a) => a.assigneeType === 'ServicePrincipal')) {
    exchange += pages([...state.servicePrincipals.values()].filter((sp) => sp.exchange).length, EXCHANGE_PAGE);
  }
  const securityGroups = regular.filter((a) => a.assigneeType === 'SecurityGroup');
  exchange += securityGroups.length;
  const direct = regular.filter((a) => a.assigneeType === 'User').length;
  const listing = pages(state.users.size, EXCHANGE_PAGE);
  const filtered = Math.ceil(direct / NAMES_PER_FILTER);
  const useListing = direct > 0 && listing <= filtered;
  if (direct > 0) exchange += Math.min(filtered, listing);

  const toGraph = state.appRoleAssignments.filter((a) => a.resourceId === GRAPH_SP_ID);
  const mailboxRoles = [GRAPH_APP_ROLES.mailboxItemImportExportAll.id, GRAPH_APP_ROLES.mailboxItemExportAll.id];
  const holders = toGraph.filter((a) => mailboxRoles.includes(a.appRoleId)).length;
  let graph = 2 + (pages(toGraph.length, GRAPH_PAGE) - 1) + Math.ceil(holders / BATCH);
  if (securityGroups.length) graph += Math.ceil(securityGroups.length / BATCH);
  for (const a of securityGroups) graph += pages(transitiveCount(state, a.assignee), GRAPH_PAGE) - 1;
  if (roleGroups.some((a) => a.assignee.toLowerCase() === ORGANIZATION_MANAGEMENT.toLowerCase())) {
    const eligible = new Set(state.directoryRoleEligibilities.map((e) => e.principalId));
    graph += 1 + Math.ceil(eligible.size / BATCH);
  }
  if (!useListing) graph += Math.ceil(roleGroupMembers / BATCH);
  const compliance = options.ediscovery ? complianceMinimum(state) : 0;
  return { exchange, graph, compliance, total: exchange + graph + compliance };
}

export function minimumAuditRoundTrips(state: TenantState, options: { ediscovery?: boolean } = {}): number {
  return minimumAuditRoundTripsBreakdown(state, options).total;
}
