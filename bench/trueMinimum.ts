/**
 * The true minimum: the fewest API round trips a complete holder read of a tenant can take, from the tenant's shape,
 * with batching on both sides and requests of different reads sharing a batch (bench/minimumRoundTrips.ts is the
 * older bound: one call's requests per batch, Exchange unbatched): Exchange admin API $batch carries up to 10 InvokeCommand requests, Graph $batch up to 20 requests;
 * Exchange pages hold 1000 rows, Graph pages 999. Every page of every list the read cannot do without is one request.
 *
 * No schedule of those requests beats either of two bounds, so the minimum of a service is the larger of them:
 *
 *   rounds(service) = max( D, ceil(N / B) )
 *     N  the requests the read must make on that service (every page counted)
 *     B  requests per $batch (10 Exchange, 20 Graph)
 *     D  the longest chain of requests that each need the one before: a list's next page needs its
 *        @odata.nextLink, a role group's members need the assignment that names it
 *
 *   total = rounds(Exchange) + rounds(Graph) + Security & Compliance; each alternative read (filtered Get-User
 *   against the paged listing) is counted the way that gives the smaller total. The Security & Compliance admin API
 *   is another host with no $batch known to its callers: each of its requests is a round trip of its own
 *   (bench/minimumRoundTrips.ts complianceMinimum; the regional redirect only on a process's first call).
 *
 * Exchange requests, and the chains they sit on (assignments of the built-in role are known after the first round,
 * those of custom child roles after the second: Get-ManagementRole names the children):
 *   Get-ManagementRole -RoleType MailboxImportExport                          1
 *   Get-ManagementRoleAssignment -Role r, A_r rows                             ceil(A_r / 1000) pages, a chain
 *     (MIE's roles and the two Exchange application roles of export/import, known from the first round)
 *   per role group reached (assigned, or inside one): Get-RoleGroup, then Get-RoleGroupMember with M_g rows
 *     (the members of an identity Get-RoleGroup has not confirmed may be every group's: the documented hazard
 *     the watchdog refuses, so the lookup goes first)                          1 + ceil(M_g / 1000); chain: the
 *                                                                             round naming it + 1 + its pages
 *   Get-ServicePrincipal, when an app holds a role through Exchange (application roles included)  ceil(SP / 1000), a chain
 *   Get-Recipient per security group named by name, not object id             1 each
 *   Exchange names of D directly assigned users to UPNs: filtered Get-User    ceil(D / 20), chain 1 after the assignment
 *     or the paged Get-User listing of all U users (then also for role group members)  ceil(U / 1000), a chain
 * Graph requests:
 *   the Graph service principal, then its appRoleAssignedTo (P rows)          1 + ceil(P / 999), a chain
 *   each of the K MailboxItem.Export.All / ImportExport.All holders' principals  K, one round after the listing
 *   transitiveMembers of S security groups (T_s members, nested included)     sum over s ceil(T_s / 999), chains
 *   active assignments and PIM eligibilities of the two directory roles, if Organization Management holds the
 *     role                                                                    4, then the E eligible principals  E
 *   each role group member's principal (object id, no UPN) unless the listing resolves them  R, one round
 */
import { MIE_ROLE, ORGANIZATION_MANAGEMENT } from '../lib/domain.js';
import { NAMES_PER_FILTER } from '../lib/exchange/exchangeAdminClient.js';
import { GRAPH_APP_ROLES, GRAPH_SP_ID } from '../emulator/scenarios/baseTenant.js';
import type { RoleGroupState, TenantState } from '../emulator/tenantState.js';
import { APPLICATION_ROLES, complianceMinimum, pages, transitiveCount } from './minimumRoundTrips.js';

const EXCHANGE_PAGE = 1000;
const GRAPH_PAGE = 999;
const EXCHANGE_BATCH = 10;
const GRAPH_BATCH = 20;

/** Requests of one service: how many, and the longest chain among them. */
class Rounds {
  requests = 0;
  chain = 0;

  constructor(private readonly batch: number) {}

  /** `count` requests, the last of which ends a chain of `chain` rounds. */
  add(count: number, chain: number): void {
    this.requests += count;
    this.chain = Math.max(this.chain, chain);
  }

  get rounds(): number {
    return Math.max(this.chain, Math.ceil(this.requests / this.batch));
  }
}

export interface TrueMinimum {
  exchange: number;
  graph: number;
  compliance: number;
  total: number;
}

/** Role groups reached from the assigned ones, each once, with the round its Get-RoleGroup can go in. */
function reachedRoleGroups(state: TenantState, assigned: { group: RoleGroupState; known: number }[]) {
  const reached = new Map<string, { group: RoleGroupState; start: number }>();
  const queue = assigned.map((a) => ({ group: a.group, start: a.known + 1 }));
  while (queue.length) {
    const next = queue.shift() as { group: RoleGroupState; start: number };
    const seen = reached.get(next.group.guid);
    if (seen && seen.start <= next.start) continue;
    reached.set(next.group.guid, next);
    for (const m of state.currentMembers(next.group.members)) {
      const inner = state.roleGroupById(m);
      if (inner) queue.push({ group: inner, start: next.start + 2 });
    }
  }
  return [...reached.values()];
}

export function trueMinimumRoundTrips(
  state: TenantState,
  options: { ediscovery?: boolean; complianceRedirect?: boolean } = {},
): TrueMinimum {
  const roles = state.mieRoles();
  const assignments = [...state.assignments.values()].filter((a) => roles.has(a.role.toLowerCase()));
  const regular = assignments.filter((a) => a.delegationType === 'Regular');
  const knownAt = (role: string) => (role.toLowerCase() === MIE_ROLE.toLowerCase() ? 1 : 2);
  const hasPointer = (id: string) => state.servicePrincipals.get(id)?.exchange !== undefined;

  const application = [...state.assignments.values()].filter((a) => APPLICATION_ROLES.includes(a.role.toLowerCase()));
  const base = new Rounds(EXCHANGE_BATCH);
  base.add(1, 1);
  for (const role of roles) {
    const rolePages = pages(assignments.filter((a) => a.role.toLowerCase() === role).length, EXCHANGE_PAGE);
    base.add(rolePages, knownAt(role) - 1 + rolePages);
  }
  for (const role of APPLICATION_ROLES) {
    const rolePages = pages(application.filter((a) => a.role.toLowerCase() === role).length, EXCHANGE_PAGE);
    base.add(rolePages, rolePages);
  }
  const roleGroupAssignments = regular.filter((a) => a.assigneeType === 'RoleGroup');
  const assignedGroups = roleGroupAssignments.flatMap((a) => {
    const group = state.roleGroup(a.assignee);
    return group ? [{ group, known: knownAt(a.role) }] : [];
  });
  let roleGroupMembers = 0;
  let appMembers = false;
  for (const { group, start } of reachedRoleGroups(state, assignedGroups)) {
    const members = state.currentMembers(group.members);
    roleGroupMembers += members.filter((m) => !state.roleGroupById(m) && !hasPointer(m)).length;
    appMembers ||= members.some(hasPointer);
    const memberPages = pages(members.length + Object.keys(group.linkedGroups).length, EXCHANGE_PAGE);
    base.add(1 + memberPages, start + memberPages);
  }
  const appAssigned = [...regular, ...application.filter((a) => a.delegationType === 'Regular')];
  if (appMembers || appAssigned.some((a) => a.assigneeType === 'ServicePrincipal')) {
    const spPages = pages([...state.servicePrincipals.values()].filter((sp) => sp.exchange).length, EXCHANGE_PAGE);
    base.add(spPages, spPages);
  }
  const securityGroups = regular.filter((a) => a.assigneeType === 'SecurityGroup');
  for (const a of securityGroups) base.add(1, knownAt(a.role) + 1);
  const direct = regular.filter((a) => a.assigneeType === 'User');

  const graph = new Rounds(GRAPH_BATCH);
  const toGraph = state.appRoleAssignments.filter((a) => a.resourceId === GRAPH_SP_ID);
  const mailboxRoles = [GRAPH_APP_ROLES.mailboxItemImportExportAll.id, GRAPH_APP_ROLES.mailboxItemExportAll.id];
  const holders = toGraph.filter((a) => mailboxRoles.includes(a.appRoleId)).length;
  const assignedToPages = pages(toGraph.length, GRAPH_PAGE);
  graph.add(1 + assignedToPages, 1 + assignedToPages);
  if (holders) graph.add(holders, 2 + assignedToPages);
  for (const a of securityGroups) {
    const memberPages = pages(transitiveCount(state, a.assignee), GRAPH_PAGE);
    graph.add(memberPages, memberPages);
  }
  if (roleGroupAssignments.some((a) => a.assignee.toLowerCase() === ORGANIZATION_MANAGEMENT.toLowerCase())) {
    graph.add(4, 1);
    const eligible = new Set(state.directoryRoleEligibilities.map((e) => e.principalId)).size;
    if (eligible) graph.add(eligible, 2);
  }

  // Names to UPNs: filtered Get-User lookups and Graph lookups of member object ids, or the paged listing for all.
  const filtered = new Rounds(EXCHANGE_BATCH);
  filtered.add(base.requests, base.chain);
  if (direct.length) filtered.add(Math.ceil(direct.length / NAMES_PER_FILTER), 2);
  const graphFiltered = new Rounds(GRAPH_BATCH);
  graphFiltered.add(graph.requests + roleGroupMembers, Math.max(graph.chain, roleGroupMembers ? 1 : 0));
  const listing = new Rounds(EXCHANGE_BATCH);
  const listingPages = pages(state.users.size, EXCHANGE_PAGE);
  listing.add(base.requests + listingPages, Math.max(base.chain, listingPages));

  const byFilter = filtered.rounds + graphFiltered.rounds;
  const byListing = listing.rounds + graph.rounds;
  const useListing = (direct.length > 0 || roleGroupMembers > 0) && byListing < byFilter;
  const exchange = useListing ? listing.rounds : filtered.rounds;
  const graphRounds = useListing ? graph.rounds : graphFiltered.rounds;
  const compliance = options.ediscovery ? complianceMinimum(state, { redirect: options.complianceRedirect }) : 0;
  return { exchange, graph: graphRounds, compliance, total: exchange + graphRounds + compliance };
}
