/**
 * The emulated tenant's mutable state, shared by the Exchange, Graph and control routes.
 * Writes are stamped with the emulator clock and never erased: a removed assignment or membership
 * keeps its end time, so "could this principal export at time T?" can be answered the way Exchange's
 * per-session permission cache would, `propagationDelayMs` behind the directory.
 */
import { randomUUID } from 'node:crypto';
import {
  ALL_GROUP_MEMBERS,
  APPLICATION_EXPORT_ROLE,
  APPLICATION_IMPORT_EXPORT_ROLE,
  EDISCOVERY_EXPORT_ROLE,
  GRAPH_APP_ID,
  MIE_ROLE,
  ORGANIZATION_MANAGEMENT,
} from '../contract/microsoft.js';
import type { ExportPathVia } from '../contract/emulator.js';
import type { Clock } from './clock.js';
import type {
  AssigneeType,
  SeedAppRoleAssignment,
  SeedAuditRecord,
  SeedDirectoryRoleAssignment,
  SeedDirectoryRoleEligibility,
  SeedGroup,
  SeedManagementRole,
  SeedPurviewRoleGroup,
  SeedRoleAssignment,
  SeedServicePrincipal,
  SeedUser,
  TenantSeed,
} from './seed.js';
import { GRAPH_APP_ROLES } from './scenarios/baseTenant.js';

/** A span of time something existed: [since, until). */
interface Lifetime {
  since: number;
  until?: number;
}

interface Membership extends Lifetime {
  member: string;
}

export interface GroupState extends Omit<SeedGroup, 'members'> {
  members: Membership[];
}

export interface RoleGroupState {
  name: string;
  guid: string;
  description?: string;
  members: Membership[];
  linkedGroups: Record<string, string>;
  whenCreatedUtc: string;
}

export interface AssignmentState extends SeedRoleAssignment, Lifetime {
  whenChangedUtc: string;
}

/**
 * Anything Exchange can name: a mailbox user, a group, a registered app (its New-ServicePrincipal pointer), a
 * role group (role groups can be members of role groups), or a linked role group. A role group's id is its Guid.
 */
export type ExchangeRecipient =
  | { kind: 'user'; id: string; name: string; user: SeedUser }
  | { kind: 'group'; id: string; name: string; group: GroupState }
  | { kind: 'servicePrincipal'; id: string; name: string; sp: SeedServicePrincipal }
  | { kind: 'roleGroup'; id: string; name: string; roleGroup: RoleGroupState }
  | { kind: 'linkedGroup'; id: string; name: string; roleDefinitionId: string };

/**
 * The Name of an app's Exchange pointer: the DisplayName given to New-ServicePrincipal, which admins choose
 * (often the app's own name, or that name with "_SP"); without one, the app's display name.
 */
export function pointerName(sp: SeedServicePrincipal): string {
  return sp.exchange?.displayName ?? sp.displayName;
}

/** One way a principal reaches the power to export mailboxes. */
export interface ExportPath {
  via: ExportPathVia;
  role: string;
  assignment: string;
}

export type AuditLogQueryStatus = 'notStarted' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** An audit log search: it matches the records of its window when created and completes as it is polled or time passes. */
export interface AuditLogQueryState {
  id: string;
  displayName: string;
  filterStartDateTime: string;
  filterEndDateTime: string;
  recordTypeFilters: string[];
  operationFilters: string[];
  createdAt: number;
  polls: number;
  /** Set to make the query end as failed (tests). */
  outcome?: 'failed' | 'cancelled';
  records: SeedAuditRecord[];
}

export class CmdletError extends Error {
  constructor(
    readonly typeName: string,
    message: string,
    readonly httpStatus: 400 | 404 = 400,
    /** The Exchange string id ("Ex6F9304") that leads the error detail; empty for exceptions that are not localized. */
    readonly stringId = '',
  ) {
    super(message);
  }
}

export function notFound(identity: string, tenant: string): CmdletError {
  return new CmdletError(
    'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
    `The operation couldn't be performed because object '${identity}' couldn't be found on '${tenant}'.`,
    404,
    // The id real answers carry with exactly this message (ErrorManagementObjectNotFoundWithSource).
    'Ex6F9304',
  );
}

const active = (l: Lifetime, at: number) => l.since <= at && (l.until === undefined || l.until > at);
const lower = (s: string) => s.toLowerCase();

export class TenantState {
  readonly tenant: string;
  readonly tenantId: string;
  readonly callerId: string;
  readonly users = new Map<string, SeedUser>();
  readonly groups = new Map<string, GroupState>();
  readonly servicePrincipals = new Map<string, SeedServicePrincipal>();
  readonly roles = new Map<string, SeedManagementRole>();
  readonly roleGroups = new Map<string, RoleGroupState>();
  /** Current assignments by Guid. */
  readonly assignments = new Map<string, AssignmentState>();
  /** Removed assignments, kept for the propagation view. */
  readonly removedAssignments: AssignmentState[] = [];
  readonly directoryRoleAssignments: SeedDirectoryRoleAssignment[];
  readonly directoryRoleEligibilities: SeedDirectoryRoleEligibility[];
  readonly appRoleAssignments: SeedAppRoleAssignment[];
  /** Purview role groups by lower-cased name (Security & Compliance). */
  readonly purviewRoleGroups = new Map<string, SeedPurviewRoleGroup>();
  /** Exchange admin audit history: seeded, and appended by the admin cmdlets that change RBAC. */
  readonly auditRecords: SeedAuditRecord[];
  readonly auditLogQueries = new Map<string, AuditLogQueryState>();
  /** Emulator-clock time after which an audit log query has succeeded even if nobody polled it twice. */
  auditLogQueryDelayMs = 10 * 60_000;
  /**
   * Whether Get-RoleGroupMember shows Organization Management's linked groups (TenantAdmins_*, ...) with an
   * ExternalDirectoryObjectId: the object id of the Entra directory role they mirror, not of a group. Off: no id.
   */
  linkedGroupsCarryObjectId = false;
  private readonly byAppId = new Map<string, SeedServicePrincipal>();
  /** Built on first lookup, so that even a 20,000-user tenant starts at once. */
  private recipientIndexCache?: Map<string, ExchangeRecipient>;
  /** Bumped on every write; caches derived from the state key on it. */
  private version = 0;
  private callerRolesCache?: { version: number; roles: Set<string> };

  constructor(
    seed: TenantSeed,
    readonly clock: Clock,
    public propagationDelayMs = 0,
  ) {
    this.tenant = lower(seed.tenant);
    this.tenantId = seed.tenantId;
    this.callerId = seed.caller.servicePrincipalId;
    const forever = { since: Number.NEGATIVE_INFINITY };
    // Users are never written, so the seed's objects are shared rather than copied.
    for (const u of seed.users) this.users.set(u.id, u);
    for (const g of seed.groups)
      this.groups.set(g.id, { ...g, members: g.members.map((member) => ({ member, ...forever })) });
    for (const sp of seed.servicePrincipals) {
      this.servicePrincipals.set(sp.id, { ...sp });
      this.byAppId.set(lower(sp.appId), sp);
    }
    for (const r of seed.managementRoles) this.roles.set(lower(r.name), { ...r });
    for (const rg of seed.roleGroups) {
      this.roleGroups.set(lower(rg.name), {
        name: rg.name,
        guid: rg.guid,
        description: rg.description,
        members: rg.members.map((member) => ({ member, ...forever })),
        linkedGroups: { ...(rg.linkedGroups ?? {}) },
        whenCreatedUtc: rg.whenCreatedUtc ?? '2021-01-10T08:00:00.000Z',
      });
    }
    for (const a of seed.roleAssignments) {
      this.assignments.set(lower(a.guid), { ...a, since: Number.NEGATIVE_INFINITY, whenChangedUtc: a.whenCreatedUtc });
    }
    this.directoryRoleAssignments = seed.directoryRoleAssignments.map((d) => ({ ...d }));
    this.directoryRoleEligibilities = (seed.directoryRoleEligibilities ?? []).map((d) => ({ ...d }));
    for (const g of seed.purviewRoleGroups ?? [])
      this.purviewRoleGroups.set(lower(g.name), { ...g, roles: [...g.roles], members: [...g.members] });
    this.appRoleAssignments = seed.appRoleAssignments.map((a) => ({ ...a }));
    this.auditRecords = (seed.auditRecords ?? []).map((r) => ({
      ...r,
      parameters: r.parameters.map((x) => ({ ...x })),
      ...(r.auditData ? { auditData: { ...r.auditData } } : {}),
    }));
  }

  private get recipientIndex(): Map<string, ExchangeRecipient> {
    if (this.recipientIndexCache) return this.recipientIndexCache;
    const index = new Map<string, ExchangeRecipient>();
    this.recipientIndexCache = index;
    const put = (keys: (string | undefined)[], r: ExchangeRecipient) => {
      for (const k of keys) {
        if (!k) continue;
        const key = lower(k);
        if (!index.has(key)) index.set(key, r);
      }
    };
    for (const user of this.users.values()) {
      put([user.id, user.userPrincipalName, user.name, user.exchangeGuid, user.displayName], {
        kind: 'user',
        id: user.id,
        name: user.name,
        user,
      });
    }
    for (const group of this.groups.values()) {
      put([group.id, group.name ?? group.displayName, group.displayName, group.mail, group.exchangeGuid], {
        kind: 'group',
        id: group.id,
        name: group.name ?? group.displayName,
        group,
      });
    }
    for (const sp of this.servicePrincipals.values()) {
      if (sp.exchange)
        put([sp.id, sp.appId, sp.exchange.exchangeGuid, pointerName(sp)], {
          kind: 'servicePrincipal',
          id: sp.id,
          name: pointerName(sp),
          sp,
        });
    }
    for (const rg of this.roleGroups.values())
      put([rg.guid, rg.name], { kind: 'roleGroup', id: rg.guid, name: rg.name, roleGroup: rg });
    for (const rg of this.roleGroups.values()) {
      for (const [name, roleDefinitionId] of Object.entries(rg.linkedGroups))
        put([name], { kind: 'linkedGroup', id: name, name, roleDefinitionId });
    }
    return index;
  }

  now(): number {
    return this.clock.now().getTime();
  }

  // ---- lookups ------------------------------------------------------------------------------

  userByUpnOrId(key: string): SeedUser | undefined {
    const direct = this.users.get(key) ?? this.users.get(lower(key));
    if (direct) return direct;
    const r = this.recipientIndex.get(lower(key));
    return r?.kind === 'user' && lower(r.user.userPrincipalName) === lower(key) ? r.user : undefined;
  }

  servicePrincipalByAppId(appId: string): SeedServicePrincipal | undefined {
    return this.byAppId.get(lower(appId));
  }

  /** Exchange's identity resolution: object id, Guid, Name, UPN, display name or SMTP address. */
  recipient(identity: string): ExchangeRecipient | undefined {
    return this.recipientIndex.get(lower(identity.trim()));
  }

  recipientById(id: string): ExchangeRecipient | undefined {
    return this.recipientIndex.get(lower(id));
  }

  role(name: string): SeedManagementRole | undefined {
    return this.roles.get(lower(name.trim()));
  }

  roleGroup(name: string): RoleGroupState | undefined {
    const byName = this.roleGroups.get(lower(name.trim()));
    if (byName) return byName;
    for (const rg of this.roleGroups.values()) if (lower(rg.guid) === lower(name.trim())) return rg;
    return undefined;
  }

  /** An assignment by Guid or Name (current ones only). */
  assignment(identity: string): AssignmentState | undefined {
    const key = lower(identity.trim());
    const byGuid = this.assignments.get(key);
    if (byGuid) return byGuid;
    for (const a of this.assignments.values()) if (lower(a.name) === key) return a;
    return undefined;
  }

  currentMembers(members: Membership[]): string[] {
    const out: string[] = [];
    for (const m of members) if (m.until === undefined) out.push(m.member);
    return out;
  }

  // ---- writes (stamped with the clock) -----------------------------------------------------

  addAssignment(input: Omit<SeedRoleAssignment, 'guid' | 'whenCreatedUtc'> & { guid: string }): AssignmentState {
    this.version++;
    const now = this.now();
    const at = new Date(now).toISOString();
    const created: AssignmentState = { ...input, whenCreatedUtc: at, whenChangedUtc: at, since: now };
    this.assignments.set(lower(input.guid), created);
    return created;
  }

  /** Set-ManagementRoleAssignment: the new scope and enabled state, stamped WhenChanged. */
  changeAssignment(
    assignment: AssignmentState,
    change: Partial<
      Pick<
        AssignmentState,
        'enabled' | 'customRecipientWriteScope' | 'recipientAdministrativeUnitScope' | 'customResourceScope'
      >
    >,
  ): void {
    this.version++;
    Object.assign(assignment, change, { whenChangedUtc: new Date(this.now()).toISOString() });
  }

  removeAssignment(assignment: AssignmentState): void {
    this.version++;
    this.assignments.delete(lower(assignment.guid));
    this.removedAssignments.push({ ...assignment, until: this.now() });
  }

  /** A new role group (New-RoleGroup); `members` are object ids or other role groups' Guids. */
  addRoleGroup(input: { name: string; guid: string; members?: string[]; description?: string }): RoleGroupState {
    this.version++;
    const now = this.now();
    const rg: RoleGroupState = {
      name: input.name,
      guid: input.guid,
      description: input.description,
      members: (input.members ?? []).map((member) => ({ member, since: now })),
      linkedGroups: {},
      whenCreatedUtc: new Date(now).toISOString(),
    };
    this.roleGroups.set(lower(rg.name), rg);
    // The name and Guid now identify a recipient.
    this.recipientIndexCache = undefined;
    return rg;
  }

  addRoleGroupMember(rg: RoleGroupState, memberId: string): void {
    this.version++;
    rg.members.push({ member: memberId, since: this.now() });
  }

  removeRoleGroupMember(rg: RoleGroupState, memberId: string): boolean {
    const m = rg.members.find((x) => x.member === memberId && x.until === undefined);
    if (!m) return false;
    this.version++;
    m.until = this.now();
    return true;
  }

  addGroupMember(groupId: string, memberId: string): void {
    this.version++;
    this.groups.get(groupId)?.members.push({ member: memberId, since: this.now() });
  }

  removeGroupMember(groupId: string, memberId: string): boolean {
    const m = this.groups.get(groupId)?.members.find((x) => x.member === memberId && x.until === undefined);
    if (!m) return false;
    this.version++;
    m.until = this.now();
    return true;
  }

  /**
   * Appends an exchangeAdmin audit record for a cmdlet run now, by `actor` (a UPN or an appId) or else by the caller
   * (the watchdog's app, by appId).
   */
  recordAdminAction(
    operation: string,
    objectId: string,
    parameters: Record<string, string | undefined>,
    actor?: string,
  ): void {
    const caller = this.servicePrincipals.get(this.callerId);
    this.auditRecords.push({
      id: randomUUID(),
      createdDateTime: new Date(this.now()).toISOString(),
      recordType: 'exchangeAdmin',
      operation,
      userPrincipalName: actor ?? caller?.appId ?? this.callerId,
      objectId,
      parameters: Object.entries(parameters)
        .filter((e): e is [string, string] => e[1] !== undefined)
        .map(([Name, Value]) => ({ Name, Value })),
    });
  }

  /** Starts an audit log search over the records of its window (start inclusive, end exclusive). */
  startAuditLogQuery(input: Omit<AuditLogQueryState, 'id' | 'createdAt' | 'polls' | 'records'>): AuditLogQueryState {
    const from = Date.parse(input.filterStartDateTime);
    const to = Date.parse(input.filterEndDateTime);
    const types = new Set(input.recordTypeFilters.map(lower));
    const operations = new Set(input.operationFilters.map(lower));
    const records = this.auditRecords
      .filter((r) => {
        const t = Date.parse(r.createdDateTime);
        return t >= from && t < to && t <= this.now();
      })
      .filter(
        (r) =>
          (!types.size || types.has(lower(r.recordType))) && (!operations.size || operations.has(lower(r.operation))),
      )
      .sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime));
    const query: AuditLogQueryState = { ...input, id: randomUUID(), createdAt: this.now(), polls: 0, records };
    this.auditLogQueries.set(query.id, query);
    return query;
  }

  /** notStarted until polled, running on the first poll, succeeded from the second poll or once the delay has passed. */
  auditLogQueryStatus(query: AuditLogQueryState): AuditLogQueryStatus {
    const done = query.polls >= 2 || this.now() - query.createdAt >= this.auditLogQueryDelayMs;
    if (done) return query.outcome ?? 'succeeded';
    return query.polls >= 1 ? 'running' : 'notStarted';
  }

  // ---- expansion ----------------------------------------------------------------------------

  /** Users (and apps) reached through a group, nested groups included, cycles ignored. */
  groupPrincipals(groupId: string, at?: number): string[] {
    const seen = new Set<string>([groupId]);
    const out: string[] = [];
    const stack = [groupId];
    while (stack.length) {
      const g = this.groups.get(stack.pop() as string);
      if (!g) continue;
      for (const m of g.members) {
        if (at === undefined ? m.until !== undefined : !active(m, at)) continue;
        if (seen.has(m.member)) continue;
        seen.add(m.member);
        if (this.groups.has(m.member)) stack.push(m.member);
        else out.push(m.member);
      }
    }
    return out;
  }

  /** Object ids holding a directory role now or at `at`, groups expanded. */
  directoryRolePrincipals(roleDefinitionId: string, at?: number): string[] {
    const out = new Set<string>();
    for (const d of this.directoryRoleAssignments) {
      if (d.roleDefinitionId !== roleDefinitionId) continue;
      if (this.groups.has(d.principalId)) for (const p of this.groupPrincipals(d.principalId, at)) out.add(p);
      else out.add(d.principalId);
    }
    return [...out];
  }

  /** Roles that carry Mailbox Import Export: the built-in role and every custom child of it. */
  mieRoles(): Set<string> {
    return this.descendantRoles(MIE_ROLE);
  }

  /** A role and all roles derived from it (lower-cased names). */
  descendantRoles(root: string): Set<string> {
    const names = new Set<string>([lower(root)]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const r of this.roles.values()) {
        if (r.parent && names.has(lower(r.parent)) && !names.has(lower(r.name))) {
          names.add(lower(r.name));
          grew = true;
        }
      }
    }
    return names;
  }

  /**
   * The Exchange roles the caller's app holds through its role assignments (direct or via role groups).
   * The admin API answers 401 when the app lacks the role a cmdlet needs.
   */
  callerRoles(): Set<string> {
    if (this.callerRolesCache?.version === this.version) return this.callerRolesCache.roles;
    const roles = new Set<string>();
    const groupsOfCaller = new Set<string>();
    for (const rg of this.roleGroups.values())
      if (this.roleGroupMembersDeep(rg).includes(this.callerId)) groupsOfCaller.add(lower(rg.name));
    for (const a of this.assignments.values()) {
      if (!a.enabled || a.delegationType !== 'Regular') continue;
      if (
        (a.assigneeType === 'ServicePrincipal' && a.assignee === this.callerId) ||
        (a.assigneeType === 'RoleGroup' && groupsOfCaller.has(lower(a.assignee)))
      ) {
        roles.add(lower(a.role));
      }
    }
    this.callerRolesCache = { version: this.version, roles };
    return roles;
  }

  /**
   * Role entries taken out of built-in roles ("role\\cmdlet", lower case; "*" for every role): the emulator's
   * stand-in for a role group whose custom role was trimmed too far (Remove-ManagementRoleEntry).
   */
  readonly withdrawnRoleEntries = new Set<string>();

  /** Whether the role (by name) still has the cmdlet's entry. Which roles have which cmdlet is exchange/cmdlets.ts. */
  roleEntryWithdrawn(role: string, cmdlet: string): boolean {
    return (
      this.withdrawnRoleEntries.has(`${lower(role)}\\${lower(cmdlet)}`) ||
      this.withdrawnRoleEntries.has(`*\\${lower(cmdlet)}`)
    );
  }

  /** Removes the caller's assignments of one app role (by value) of the resource app; false when it held none. */
  withdrawCallerAppRole(resourceAppId: string, value: string): boolean {
    const resource = this.servicePrincipalByAppId(resourceAppId);
    const role = resource?.appRoles?.find((r) => r.value.toLowerCase() === value.toLowerCase());
    if (!resource || !role) return false;
    const before = this.appRoleAssignments.length;
    for (let i = this.appRoleAssignments.length - 1; i >= 0; i--) {
      const a = this.appRoleAssignments[i];
      if (a && a.principalId === this.callerId && a.resourceId === resource.id && a.appRoleId === role.id)
        this.appRoleAssignments.splice(i, 1);
    }
    return this.appRoleAssignments.length < before;
  }

  /** Graph app roles (values) the caller's app holds on the resource app. */
  callerAppRoles(resourceAppId: string): Set<string> {
    const resource = this.servicePrincipalByAppId(resourceAppId);
    const out = new Set<string>();
    if (!resource) return out;
    for (const a of this.appRoleAssignments) {
      if (a.principalId !== this.callerId || a.resourceId !== resource.id) continue;
      const role = resource.appRoles?.find((r) => r.id === a.appRoleId);
      if (role) out.add(role.value);
    }
    return out;
  }

  // ---- effective permission ----------------------------------------------------------------

  /**
   * Every way `principal` (UPN, object id or appId) could export mailboxes at time `at`, as the
   * permission cache sees it: writes take effect, and removals stop working, `propagationDelayMs` late.
   */
  exportPaths(principal: string, at: Date = this.clock.now()): ExportPath[] {
    const t = at.getTime() - this.propagationDelayMs;
    const id = this.userByUpnOrId(principal)?.id ?? this.servicePrincipalByAppId(principal)?.id ?? principal;
    const mie = this.mieRoles();
    const paths: ExportPath[] = [];
    const assignments = [...this.assignments.values(), ...this.removedAssignments];
    for (const a of assignments) {
      if (!active(a, t) || !a.enabled || a.delegationType !== 'Regular' || !mie.has(lower(a.role))) continue;
      for (const via of this.assigneeReaches(a.assigneeType, a.assignee, id, t))
        paths.push({ via, role: a.role, assignment: a.name });
    }
    const graphSp = this.servicePrincipalByAppId(GRAPH_APP_ID);
    const mailboxRoles = [GRAPH_APP_ROLES.mailboxItemImportExportAll, GRAPH_APP_ROLES.mailboxItemExportAll];
    for (const a of this.appRoleAssignments) {
      const role = mailboxRoles.find((r) => r.id === a.appRoleId);
      if (a.principalId === id && graphSp && a.resourceId === graphSp.id && role)
        paths.push({ via: 'graph-app-role', role: role.value, assignment: a.id });
    }
    const applicationRoles = [lower(APPLICATION_EXPORT_ROLE), lower(APPLICATION_IMPORT_EXPORT_ROLE)];
    for (const a of assignments) {
      if (!active(a, t) || !a.enabled || a.delegationType !== 'Regular' || !applicationRoles.includes(lower(a.role)))
        continue;
      if (a.assigneeType === 'ServicePrincipal' && a.assignee === id)
        paths.push({ via: 'application-role', role: a.role, assignment: a.name });
    }
    for (const g of this.purviewRoleGroups.values()) {
      if (g.roles.some((r) => lower(r) === lower(EDISCOVERY_EXPORT_ROLE)) && g.members.includes(id))
        paths.push({ via: 'ediscovery-role-group', role: EDISCOVERY_EXPORT_ROLE, assignment: g.name });
    }
    return paths;
  }

  canExport(principal: string, at?: Date): boolean {
    return this.exportPaths(principal, at).length > 0;
  }

  private assigneeReaches(type: AssigneeType, assignee: string, id: string, t: number): ExportPath['via'][] {
    switch (type) {
      case 'User':
        return assignee === id ? ['direct'] : [];
      case 'ServicePrincipal':
        return assignee === id ? ['service-principal'] : [];
      case 'SecurityGroup':
        return this.groupPrincipals(assignee, t).includes(id) ? ['security-group'] : [];
      case 'RoleGroup': {
        const rg = this.roleGroup(assignee);
        return rg ? this.roleGroupReaches(rg, id, t, lower(rg.name) === lower(ORGANIZATION_MANAGEMENT)) : [];
      }
      case 'LinkedRoleGroup': {
        const r = this.recipientById(assignee);
        return r?.kind === 'linkedGroup' && this.directoryRolePrincipals(r.roleDefinitionId, t).includes(id)
          ? ['role-group']
          : [];
      }
      case 'PartnerLinkedRoleGroup':
        // The partner's agents live in the partner's tenant: nobody here.
        return [];
    }
  }

  /** How a role group reaches `id` at time `t`: members, their security groups, role groups inside it (cycles end), linked groups. */
  private roleGroupReaches(
    rg: RoleGroupState,
    id: string,
    t: number,
    underOrgManagement: boolean,
    seen = new Set<string>(),
  ): ExportPath['via'][] {
    if (seen.has(rg.guid)) return [];
    seen.add(rg.guid);
    const out: ExportPath['via'][] = [];
    for (const m of rg.members) {
      if (!active(m, t)) continue;
      const inner = this.roleGroupById(m.member);
      if (m.member === id) out.push('role-group');
      else if (this.groups.has(m.member) && this.groupPrincipals(m.member, t).includes(id)) out.push('role-group');
      else if (inner) out.push(...this.roleGroupReaches(inner, id, t, underOrgManagement, seen));
    }
    for (const roleId of Object.values(rg.linkedGroups)) {
      if (this.directoryRolePrincipals(roleId, t).includes(id))
        out.push(underOrgManagement ? 'organization-management' : 'role-group');
    }
    return out;
  }

  /** A role group by its Guid (how it is stored as a member of another role group). */
  roleGroupById(id: string): RoleGroupState | undefined {
    const r = this.recipientById(id);
    return r?.kind === 'roleGroup' ? r.roleGroup : undefined;
  }

  /** Current members of a role group and of the role groups inside it, transitively (cycles end); linked groups excluded. */
  roleGroupMembersDeep(rg: RoleGroupState, seen = new Set<string>()): string[] {
    if (seen.has(rg.guid)) return [];
    seen.add(rg.guid);
    const out: string[] = [];
    for (const member of this.currentMembers(rg.members)) {
      const inner = this.roleGroupById(member);
      if (inner) out.push(...this.roleGroupMembersDeep(inner, seen));
      else out.push(member);
    }
    return out;
  }

  /** GetEffectiveUsers rows (names) for one assignment, in Exchange's terms. */
  effectiveUsers(a: AssignmentState): { effectiveUserName: string; assignmentMethod: string }[] {
    switch (a.assigneeType) {
      case 'User':
      case 'ServicePrincipal': {
        const r = this.recipientById(a.assignee);
        return [{ effectiveUserName: r?.name ?? a.assignee, assignmentMethod: 'Direct' }];
      }
      case 'SecurityGroup': {
        const rows = [{ effectiveUserName: ALL_GROUP_MEMBERS, assignmentMethod: 'Direct' }];
        for (const id of this.groupPrincipals(a.assignee))
          rows.push({ effectiveUserName: this.recipientById(id)?.name ?? id, assignmentMethod: 'SecurityGroup' });
        return rows;
      }
      case 'RoleGroup': {
        const rows = [{ effectiveUserName: ALL_GROUP_MEMBERS, assignmentMethod: 'Direct' }];
        const rg = this.roleGroup(a.assignee);
        if (!rg) return rows;
        const seen = new Set<string>();
        for (const member of this.roleGroupMembersDeep(rg)) {
          const ids = this.groups.has(member) ? this.groupPrincipals(member) : [member];
          for (const id of ids) {
            if (seen.has(id)) continue;
            seen.add(id);
            rows.push({ effectiveUserName: this.recipientById(id)?.name ?? id, assignmentMethod: 'RoleGroup' });
          }
        }
        for (const name of Object.keys(rg.linkedGroups))
          rows.push({ effectiveUserName: name, assignmentMethod: 'RoleGroup' });
        return rows;
      }
      case 'LinkedRoleGroup':
      case 'PartnerLinkedRoleGroup':
        // Exchange cannot list the members of a group that lives in the directory or at a partner.
        return [{ effectiveUserName: ALL_GROUP_MEMBERS, assignmentMethod: 'Direct' }];
    }
  }
}
