/**
 * Everybody who can take mailbox content out in bulk or put it into any mailbox, and how (every door):
 * - Mailbox Import Export (and its custom child roles) from Exchange, each assignment handed to the expander of its
 *   assignee type (lib/audit/holders/): direct users, role groups (and the role groups inside them), security
 *   groups, Organization Management's active and PIM-eligible admins through the Entra directory roles, and apps
 *   named by their Exchange service-principal pointer;
 * - apps holding Graph's MailboxItem.Export.All or MailboxItem.ImportExport.All (tenant-wide);
 * - apps assigned the Exchange application roles of the same powers (RBAC for Applications, scoped);
 * - with the Purview read on, members of the role groups carrying the eDiscovery Export role.
 * Delegating assignments become the "can grant" list, never holders. The holders go into one accumulator; those
 * known only by a name or object id are resolved together at the end. Every read pages to the end or throws: the
 * result is complete or there is no result.
 *
 * Round trips: one Get-ManagementRole with the built-in role's assignment read beside it (the built-in role's
 * assignees are looked up as soon as its assignments arrive, the child roles' when theirs do), one assignment read per
 * custom child role and per application role (the two of them), one member read per role group reached (nested ones
 * included), one Get-Recipient + one transitiveMembers per security group, one directory-role $batch (active and
 * eligible), one lookup $batch for eligible principals, one app-role read, one Get-ServicePrincipal listing when an
 * app holds a role through Exchange, and with Purview one Get-RoleGroup plus one Get-RoleGroupMember per group with
 * the Export role. Names become
 * UPNs by one filtered Get-User per 20 directly assigned users and a Graph $batch for member object ids, or, past
 * BULK_USERS, by one paged Get-User listing for all of them. Independent reads run concurrently (bounded).
 */
import {
  APPLICATION_EXPORT_ROLE,
  APPLICATION_IMPORT_EXPORT_ROLE,
  GRAPH_APP_ID,
  MAILBOX_EXPORT_APP_ROLE,
  MAILBOX_IMPORT_EXPORT_APP_ROLE,
  MIE_ROLE,
  ORGANIZATION_MANAGEMENT,
  type DirectoryRoleHolder,
  type RoleAssignment,
  type Snapshot,
} from '../domain.js';
import { mapLimited } from '../limiter.js';
import type { ComplianceRoleGroups, Directory, ExchangeRbac, Logger } from '../ports/index.js';
import { grantorsOf, isDelegating } from './canGrant.js';
import { expandApplicationRoles } from './holders/expandApplicationRoles.js';
import type { ExpandContext } from './holders/expandContext.js';
import { expandDirectUsers, prepareDirectUsers } from './holders/expandDirectUsers.js';
import { expandGraphAppRole } from './holders/expandGraphAppRole.js';
import {
  expandOrganizationManagementAdmins,
  readOrganizationManagementAdmins,
} from './holders/expandOrganizationManagementAdmins.js';
import { expandRoleGroups } from './holders/expandRoleGroups.js';
import { expandSecurityGroups } from './holders/expandSecurityGroups.js';
import { expandEdiscoveryExport } from './holders/expandEdiscoveryExport.js';
import { expandServicePrincipals } from './holders/expandServicePrincipals.js';
import { flagTenantWideAndScoped } from './holders/flagTenantWideAndScoped.js';
import { HolderAccumulator } from './holders/holderAccumulator.js';
import { IncompleteReadError } from './holders/incompleteReadError.js';
import { BULK_USERS, PendingResolution } from './holders/pendingResolution.js';
import { PointerResolver } from './holders/pointerResolver.js';
import { reportUnexpanded } from './holders/reportUnexpanded.js';

export interface CollectHoldersDeps {
  exchange: ExchangeRbac;
  directory: Directory;
  /** Purview role groups (WATCHDOG_EDISCOVERY_AUDIT); without it the eDiscovery Export door is not read. */
  compliance?: ComplianceRoleGroups;
  logger?: Logger;
  /** Lookups in flight at once (the adapters bound their own connections too). Default 8. */
  concurrency?: number;
}

/** Anything not delegating gives the role, an unknown delegation type included (removal refuses all but Regular). */
const isRegular = (a: RoleAssignment) => !isDelegating(a);

const GRAPH_MAILBOX_ROLES = [MAILBOX_EXPORT_APP_ROLE, MAILBOX_IMPORT_EXPORT_APP_ROLE];
const APPLICATION_ROLES = [APPLICATION_EXPORT_ROLE, APPLICATION_IMPORT_EXPORT_ROLE];

/** Assignments by Guid (a role read twice gives each once), in Guid order. */
function uniqueAssignments(lists: RoleAssignment[][]): RoleAssignment[] {
  const byGuid = new Map<string, RoleAssignment>();
  for (const a of lists.flat()) byGuid.set(a.guid.toLowerCase(), a);
  return [...byGuid.values()].sort((a, b) => a.guid.localeCompare(b.guid));
}

const EXPANDED_TYPES = ['User', 'RoleGroup', 'SecurityGroup', 'ServicePrincipal'];

/**
 * Starts the paged Get-User listing as soon as the pages read so far name more than BULK_USERS directly assigned
 * users: it is a long chain of pages of its own (21 for 20,000 users), better run beside the assignments' later
 * pages than after them.
 */
function userListingWhenMany(ctx: ExpandContext): (page: RoleAssignment[]) => void {
  let users = 0;
  return (page) => {
    users += page.filter((a) => isRegular(a) && a.roleAssigneeType === 'User').length;
    if (users > BULK_USERS) ctx.pending.useUserListing();
  };
}

/** A read started now and awaited later: its rejection surfaces where it is awaited, never as unhandled. */
function started<T>(read: Promise<T>): Promise<T> {
  read.catch(() => undefined);
  return read;
}

/** The Graph app-role, application-role and Purview reads, and the built-in role's assignments, do not depend on the MIE roles. */
function startIndependentReads(deps: CollectHoldersDeps, ctx: ExpandContext) {
  const { exchange, directory } = deps;
  return {
    graphApps: started(directory.getAppRoleHolders(GRAPH_APP_ID, GRAPH_MAILBOX_ROLES)),
    application: started(Promise.all(APPLICATION_ROLES.map((r) => exchange.getRoleAssignments(r)))),
    ediscovery: deps.compliance ? started(expandEdiscoveryExport(ctx, deps.compliance)) : Promise.resolve(),
    // The built-in role's assignments need no role list: they travel beside Get-ManagementRole (one Exchange $batch).
    builtIn: started(exchange.getRoleAssignments(MIE_ROLE, { onPage: userListingWhenMany(ctx) })),
  };
}

/**
 * The assignments of the custom roles derived from Mailbox Import Export: Get-ManagementRole names them (and must
 * name the built-in role, or the read is incomplete), then each one's assignments are read.
 */
async function readChildRoleAssignments(ctx: ExpandContext): Promise<RoleAssignment[]> {
  const roles = await ctx.exchange.getMieRoles();
  if (!roles.some((r) => r.name.toLowerCase() === MIE_ROLE.toLowerCase())) {
    throw new IncompleteReadError(
      `Get-ManagementRole -RoleType MailboxImportExport did not return '${MIE_ROLE}'; the read is incomplete. Check that the watchdog's Exchange role group allows Get-ManagementRole.`,
    );
  }
  const children = roles.filter((r) => r.name.toLowerCase() !== MIE_ROLE.toLowerCase());
  const onPage = userListingWhenMany(ctx);
  return (await mapLimited(children, ctx.limit, (r) => ctx.exchange.getRoleAssignments(r.name, { onPage }))).flat();
}

const isOrgManagement = (a: RoleAssignment) =>
  [a.roleAssignee, a.roleAssigneeName].some((n) => n.toLowerCase() === ORGANIZATION_MANAGEMENT.toLowerCase());

/**
 * Hands each regular assignment to the expander of its assignee type. Called once for the built-in role's
 * assignments as soon as they arrive and once for the child roles', so that the built-in role's lookups do not wait
 * for Get-ManagementRole; the role group member reads and the directory-role read are shared between the calls.
 */
function expandAssignments(ctx: ExpandContext, regular: RoleAssignment[], admins: AdminsRead): Promise<unknown> {
  const ofType = (type: string) => regular.filter((a) => a.roleAssigneeType === type);
  const users = ofType('User');
  const servicePrincipals = ofType('ServicePrincipal');
  const roleGroups = ofType('RoleGroup');
  const orgManagement = roleGroups.filter(isOrgManagement);
  // Reads that depend on nothing else start now and run beside the expanders.
  const adminsPending = admins(orgManagement);
  prepareDirectUsers(ctx, users);
  if (servicePrincipals.length) ctx.pointers.start();
  return Promise.all([
    expandDirectUsers(ctx, users),
    expandRoleGroups(ctx, roleGroups, orgManagement),
    expandSecurityGroups(ctx, ofType('SecurityGroup')),
    expandOrganizationManagementAdmins(ctx, orgManagement, adminsPending),
    expandServicePrincipals(ctx, servicePrincipals),
  ]);
}

type AdminsRead = (orgManagement: RoleAssignment[]) => Promise<DirectoryRoleHolder[]>;

/** The directory-role read, made once however many roles are assigned to Organization Management. */
function sharedAdminsRead(ctx: ExpandContext): AdminsRead {
  let read: Promise<DirectoryRoleHolder[]> | undefined;
  return (orgManagement) =>
    orgManagement.length ? (read ??= readOrganizationManagementAdmins(ctx, orgManagement)) : Promise.resolve([]);
}

/** Reads every effective holder of Mailbox Import Export and its custom child roles. */
export async function collectHolders(deps: CollectHoldersDeps, now: Date): Promise<Snapshot> {
  const { exchange, directory, logger } = deps;
  const holders = new HolderAccumulator();
  const ctx: ExpandContext = {
    exchange,
    directory,
    logger,
    limit: deps.concurrency ?? 8,
    holders,
    pending: new PendingResolution(exchange, directory, logger),
    pointers: new PointerResolver(exchange, holders, logger),
    roleGroupReads: new Map(),
  };

  const early = startIndependentReads(deps, ctx);
  const children = started(readChildRoleAssignments(ctx));
  const admins = sharedAdminsRead(ctx);
  const expandedAsRead = (read: Promise<RoleAssignment[]>) =>
    read.then((list) => expandAssignments(ctx, list.filter(isRegular), admins));
  const applicationRegular = early.application.then((lists) => uniqueAssignments(lists).filter(isRegular));
  await Promise.all([
    expandedAsRead(early.builtIn),
    expandedAsRead(children),
    applicationRegular.then((list) => {
      if (list.length) ctx.pointers.start();
      return expandApplicationRoles(ctx, list);
    }),
    early.ediscovery,
  ]);
  const assignments = uniqueAssignments([await early.builtIn, await children]);
  const applicationAssignments = uniqueAssignments(await early.application);
  await ctx.pending.resolveInto(holders);
  reportUnexpanded(
    ctx,
    assignments.filter((a) => isRegular(a) && !EXPANDED_TYPES.includes(a.roleAssigneeType)),
  );
  expandGraphAppRole(ctx, await early.graphApps);

  return {
    takenAt: now.toISOString(),
    holders: flagTenantWideAndScoped(holders.list()),
    // Regular application-role assignments are kept with MIE's; their delegating ones appear as grantors only.
    assignments: uniqueAssignments([assignments, await applicationRegular]),
    canGrant: grantorsOf([...assignments, ...applicationAssignments]),
  };
}
