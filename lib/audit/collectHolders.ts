/**
 * Everybody who can export mailboxes, and how: reads Mailbox Import Export (and its custom child
 * roles) from Exchange, expands role groups and security groups, resolves Organization Management
 * through the Entra directory roles that are its linked groups, and adds apps holding Graph's
 * MailboxItem.ImportExport.All. Every read pages to the end or throws: the result is complete or
 * there is no result.
 *
 * Role groups can contain role groups (Organization Management is the everyday case): they are expanded
 * transitively, each read once, a cycle ending where it closes. Apps appear as service-principal pointers,
 * resolved to their appId and object id through one Get-ServicePrincipal listing.
 *
 * Round trips: one Get-ManagementRole, one assignment read per role, one member read per role group reached
 * (nested ones included), one Get-Recipient + one transitiveMembers per security group, one directory-role read,
 * one app-role read, and one Get-ServicePrincipal listing when an app holds the role through Exchange. Names become
 * UPNs by one filtered Get-User per 20 directly assigned users and a Graph $batch for member object ids, or, past
 * BULK_USERS, by one paged Get-User listing for all of them. Independent reads run concurrently (bounded).
 */
import {
  EXCHANGE_ADMINISTRATOR_ROLE_ID,
  GLOBAL_ADMINISTRATOR_ROLE_ID,
  GRAPH_APP_ID,
  MAILBOX_IMPORT_EXPORT_APP_ROLE,
  MIE_ROLE,
  ORGANIZATION_MANAGEMENT,
  type DirectoryPrincipal,
  type Holder,
  type HolderVia,
  type Recipient,
  type RoleAssignment,
  type ServicePrincipalPointer,
  type Snapshot,
} from '../domain.js';
import { mapLimited } from '../http/limiter.js';
import type { Directory, ExchangeRbac, Logger } from '../ports.js';
import { linkedGroupRole } from './linkedGroups.js';
import { pointerIndex, type PointerIndex } from './servicePrincipalPointers.js';

export interface CollectHoldersDeps {
  exchange: ExchangeRbac;
  directory: Directory;
  logger?: Logger;
  /** Lookups in flight at once (the adapters bound their own connections too). Default 8. */
  concurrency?: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIRECTORY_ROLE_NAMES: Record<string, string> = {
  [GLOBAL_ADMINISTRATOR_ROLE_ID]: 'Global Administrator',
  [EXCHANGE_ADMINISTRATOR_ROLE_ID]: 'Exchange Administrator',
};

/** Above this many users to map from Exchange names, one paged Get-User listing replaces filtered lookups (20 names a call). */
const BULK_USERS = 50;

interface Unresolved {
  assignment: RoleAssignment;
  objectId?: string;
  /** Exchange recipient name: the fallback principal when nothing resolves it. */
  name: string;
  spec: PathSpec;
  type: Holder['principalType'];
}

interface UserIndex {
  byName: Map<string, Recipient>;
  byObjectId: Map<string, Recipient>;
}

async function indexUsers(exchange: ExchangeRbac): Promise<UserIndex> {
  const index: UserIndex = { byName: new Map(), byObjectId: new Map() };
  for (const u of await exchange.listUsers()) {
    index.byName.set(u.name.toLowerCase(), u);
    if (u.identity) index.byName.set(u.identity.toLowerCase(), u);
    if (u.externalDirectoryObjectId) index.byObjectId.set(u.externalDirectoryObjectId.toLowerCase(), u);
  }
  return index;
}

export class IncompleteReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncompleteReadError';
  }
}

export function holderKey(principal: string, assignmentGuid: string): string {
  return `${principal.toLowerCase()}|${assignmentGuid.toLowerCase()}`;
}

/** The scope an assignment writes in, as one readable string ("Organization" when unrestricted). */
export function scopeOf(a: RoleAssignment): string {
  if (a.customRecipientWriteScope) return `CustomRecipientWriteScope:${a.customRecipientWriteScope}`;
  if (a.recipientAdministrativeUnitScope) return `AdministrativeUnit:${a.recipientAdministrativeUnitScope}`;
  return a.recipientWriteScope || 'Organization';
}

/** Anything not delegating gives the role, an unknown delegation type included (removal refuses all but Regular). */
export function isRegular(a: RoleAssignment): boolean {
  return !a.delegationType.toLowerCase().startsWith('delegating');
}

interface PathSpec {
  via: HolderVia;
  viaName?: string;
  path: string;
}

function holderFor(assignment: RoleAssignment, who: { principal: string; principalId?: string; principalType: Holder['principalType']; displayName?: string }, spec: PathSpec): Holder {
  return {
    key: holderKey(who.principal, assignment.guid),
    principal: who.principal.toLowerCase(),
    principalId: who.principalId?.toLowerCase(),
    principalType: who.principalType,
    displayName: who.displayName,
    role: assignment.role,
    via: spec.via,
    viaName: spec.viaName,
    path: spec.path,
    assignmentGuid: assignment.guid,
    assignmentName: assignment.name,
    scope: scopeOf(assignment),
    enabled: assignment.enabled,
  };
}

function fromRecipient(r: Recipient): { principal: string; principalId?: string; principalType: 'User'; displayName?: string } | undefined {
  const upn = r.userPrincipalName;
  if (!upn) return undefined;
  return { principal: upn, principalId: r.externalDirectoryObjectId, principalType: 'User', displayName: r.displayName };
}

function fromDirectory(p: DirectoryPrincipal): { principal: string; principalId: string; principalType: Holder['principalType']; displayName?: string } | undefined {
  if (p.type === 'user' && p.userPrincipalName) return { principal: p.userPrincipalName, principalId: p.id, principalType: 'User', displayName: p.displayName };
  if (p.type === 'servicePrincipal' && p.appId) return { principal: p.appId, principalId: p.id, principalType: 'ServicePrincipal', displayName: p.displayName };
  return undefined;
}

function fromPointer(p: ServicePrincipalPointer): { principal: string; principalId: string; principalType: 'ServicePrincipal'; displayName?: string } {
  return { principal: p.appId, principalId: p.objectId, principalType: 'ServicePrincipal', displayName: p.displayName ?? p.name };
}

function isGroupRecipient(r: Recipient): boolean {
  return /group/i.test(r.recipientTypeDetails ?? r.recipientType ?? '');
}

function isRoleGroupRecipient(r: Recipient): boolean {
  return /^rolegroup$/i.test(r.recipientTypeDetails ?? '');
}

function isServicePrincipalRecipient(r: Recipient): boolean {
  return /serviceprincipal/i.test(r.recipientTypeDetails ?? r.recipientType ?? '');
}

/** "via role group A > role group B": how a member of B reaches an assignment of A. */
function roleGroupSpec(chain: string[], orgManagement: boolean): PathSpec {
  const path = `via role group ${chain.join(' > role group ')}`;
  const viaName = chain[chain.length - 1] as string;
  return orgManagement ? { via: 'organization-management', viaName, path } : { via: 'role-group', viaName, path };
}

/** Reads every effective holder of Mailbox Import Export and its custom child roles. */
export async function collectHolders(deps: CollectHoldersDeps, now: Date): Promise<Snapshot> {
  const { exchange, directory } = deps;
  const limit = deps.concurrency ?? 8;

  // The Graph app-role read does not depend on Exchange: start it at once.
  const appHoldersPending = directory.getAppRoleHolders(GRAPH_APP_ID, MAILBOX_IMPORT_EXPORT_APP_ROLE);
  appHoldersPending.catch(() => undefined);

  const roles = await exchange.getMieRoles();
  if (!roles.some((r) => r.name.toLowerCase() === MIE_ROLE.toLowerCase())) {
    throw new IncompleteReadError(
      `Get-ManagementRole -RoleType MailboxImportExport did not return '${MIE_ROLE}'; the read is incomplete. Check that the watchdog's Exchange role group allows Get-ManagementRole.`,
    );
  }
  const assignmentLists = await mapLimited(roles, limit, (r) => exchange.getRoleAssignments(r.name));
  const byGuid = new Map<string, RoleAssignment>();
  for (const a of assignmentLists.flat()) byGuid.set(a.guid.toLowerCase(), a);
  const assignments = [...byGuid.values()].sort((a, b) => a.guid.localeCompare(b.guid));
  const regular = assignments.filter(isRegular);

  // One principal can reach the same assignment twice (e.g. Global and Exchange Administrator): one holder, every path.
  const holders = new Map<string, { holder: Holder; paths: Set<string> }>();
  const add = (h: Holder) => {
    const existing = holders.get(h.key);
    if (existing) existing.paths.add(h.path);
    else holders.set(h.key, { holder: h, paths: new Set([h.path]) });
  };

  const users = regular.filter((a) => a.roleAssigneeType === 'User');
  const roleGroups = regular.filter((a) => a.roleAssigneeType === 'RoleGroup');
  const securityGroups = regular.filter((a) => a.roleAssigneeType === 'SecurityGroup');
  const servicePrincipals = regular.filter((a) => a.roleAssigneeType === 'ServicePrincipal');
  const others = regular.filter((a) => !['User', 'RoleGroup', 'SecurityGroup', 'ServicePrincipal'].includes(a.roleAssigneeType));
  const orgManagement = roleGroups.filter((a) => a.roleAssignee.toLowerCase() === ORGANIZATION_MANAGEMENT.toLowerCase() || a.roleAssigneeName.toLowerCase() === ORGANIZATION_MANAGEMENT.toLowerCase());

  const directoryRolesPending = orgManagement.length
    ? directory.getDirectoryRoleHolders([GLOBAL_ADMINISTRATOR_ROLE_ID, EXCHANGE_ADMINISTRATOR_ROLE_ID])
    : Promise.resolve([]);
  directoryRolesPending.catch(() => undefined);

  // Many names to map to UPNs: one paged Get-User listing beats a Get-User (or Graph lookup) per user.
  let userIndex: Promise<UserIndex> | undefined = users.length > BULK_USERS ? indexUsers(exchange) : undefined;
  userIndex?.catch(() => undefined);

  // Member rows carry the Entra object id but no UPN; they are resolved together after the reads.
  const toResolve: Unresolved[] = [];

  // Every pointer, listed once and only when an app shows up.
  let pointersPending: Promise<PointerIndex> | undefined;
  const pointers = () => (pointersPending ??= exchange.listServicePrincipals().then(pointerIndex));
  /** Adds the app a pointer names; false when no pointer fits (the caller falls back to the object id, if any). */
  const addPointer = async (a: RoleAssignment, names: (string | undefined)[], spec: PathSpec): Promise<boolean> => {
    const match = (await pointers()).find(names);
    if (!match) return false;
    if ('pointer' in match) {
      add(holderFor(a, fromPointer(match.pointer), spec));
      return true;
    }
    // Two pointers answer to the name: report it under that name for a person to sort out (revocation will not act on it).
    const name = names.find((n) => n?.trim()) ?? a.roleAssignee;
    deps.logger?.warn('More than one Exchange service principal fits an assignee; it is reported under its Exchange name.', { assignment: a.name, name, appIds: match.ambiguous.map((p) => p.appId) });
    add(holderFor(a, { principal: name, principalType: 'ServicePrincipal' }, spec));
    return true;
  };

  // Each role group's members are read once, however many assignments or parent groups reach it.
  const memberReads = new Map<string, Promise<Recipient[]>>();
  const membersOf = (group: string) => {
    const key = group.toLowerCase();
    let read = memberReads.get(key);
    if (!read) memberReads.set(key, (read = exchange.getRoleGroupMembers(group)));
    return read;
  };

  /** Every holder `chain`'s innermost role group gives through assignment `a`, role groups inside it expanded. */
  const expandRoleGroup = async (a: RoleAssignment, chain: string[], underOrgManagement: boolean): Promise<void> => {
    const group = chain[chain.length - 1] as string;
    const spec = chain.length === 1 && underOrgManagement ? { via: 'organization-management' as const, viaName: ORGANIZATION_MANAGEMENT, path: `via role group ${ORGANIZATION_MANAGEMENT}` } : roleGroupSpec(chain, underOrgManagement);
    const where = chain.join(' > ');
    await mapLimited(await membersOf(group), limit, async (m) => {
      const who = fromRecipient(m);
      if (who) return add(holderFor(a, who, spec));
      if (isServicePrincipalRecipient(m)) {
        if (await addPointer(a, [m.externalDirectoryObjectId, m.identity, m.name, m.displayName], spec)) return;
        if (!m.externalDirectoryObjectId) throw new IncompleteReadError(`Member ${m.name} of role group ${where} is an app that no Exchange service principal (Get-ServicePrincipal) and no Entra object id identifies, so its holders cannot be read; the audit stops rather than report fewer holders.`);
        toResolve.push({ assignment: a, objectId: m.externalDirectoryObjectId, name: m.name, spec, type: 'ServicePrincipal' });
        return;
      }
      const linkedRole = linkedGroupRole(m.name);
      if (linkedRole) {
        // Organization Management's linked groups: their people come from the Graph directory roles read below.
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
          deps.logger?.warn('Role groups contain each other; the cycle is read once.', { assignment: a.name, cycle: `${where} > ${m.name}` });
          return;
        }
        return expandRoleGroup(a, [...chain, m.name], underOrgManagement);
      }
      if (!m.externalDirectoryObjectId) {
        throw new IncompleteReadError(`Member ${m.name} of role group ${where} has neither a UPN nor an Entra object id, so its holders cannot be read; the audit stops rather than report fewer holders.`);
      }
      if (isGroupRecipient(m)) {
        for (const p of await directory.getTransitiveMembers(m.externalDirectoryObjectId)) {
          const inner = fromDirectory(p);
          if (inner) add(holderFor(a, inner, { ...spec, path: `${spec.path} (through group ${m.displayName ?? m.name})` }));
        }
        return;
      }
      toResolve.push({ assignment: a, objectId: m.externalDirectoryObjectId, name: m.name, spec, type: 'User' });
    });
  };

  if (servicePrincipals.length) pointers().catch(() => undefined);

  await Promise.all([
    userIndex
      ? Promise.resolve()
      : (async () => {
          if (!users.length) return;
          const found = new Map<string, Recipient>();
          for (const u of await exchange.findUsersByName(users.map((a) => a.roleAssigneeName || a.roleAssignee))) found.set(u.name.toLowerCase(), u);
          for (const a of users) {
            const identity = a.roleAssigneeName || a.roleAssignee;
            const user = found.get(identity.toLowerCase());
            const who = user && fromRecipient(user);
            const spec: PathSpec = { via: 'direct', path: `direct assignment ${a.name}` };
            if (who) add(holderFor(a, who, spec));
            else toResolve.push({ assignment: a, objectId: user?.externalDirectoryObjectId, name: identity, spec, type: 'User' });
          }
        })(),
    mapLimited(roleGroups, limit, async (a) => {
      const isOrgManagement = orgManagement.includes(a);
      const group = isOrgManagement ? ORGANIZATION_MANAGEMENT : a.roleAssigneeName || a.roleAssignee;
      await expandRoleGroup(a, [group], isOrgManagement);
    }),
    mapLimited(securityGroups, limit, async (a) => {
      const group = a.roleAssigneeName || a.roleAssignee;
      const recipient = GUID.test(a.roleAssignee) ? { name: group, externalDirectoryObjectId: a.roleAssignee } : await exchange.getRecipient(group);
      const objectId = recipient?.externalDirectoryObjectId;
      if (!objectId) {
        throw new IncompleteReadError(
          `Security group '${group}' (assignment ${a.name}) has no Entra object id in Exchange (Get-Recipient ExternalDirectoryObjectId); its members cannot be read, so the audit stops rather than report a partial holder list.`,
        );
      }
      for (const p of await directory.getTransitiveMembers(objectId)) {
        const who = fromDirectory(p);
        if (who) add(holderFor(a, who, { via: 'security-group', viaName: group, path: `via security group ${group}` }));
      }
    }),
    (async () => {
      const roleHolders = await directoryRolesPending;
      for (const a of orgManagement) {
        for (const rh of roleHolders) {
          const who = fromDirectory(rh.principal);
          if (!who) continue;
          const roleName = DIRECTORY_ROLE_NAMES[rh.roleDefinitionId] ?? rh.roleDefinitionId;
          const through = rh.viaGroup ? `, through group ${rh.viaGroup.displayName ?? rh.viaGroup.id}` : '';
          add(holderFor(a, who, { via: 'organization-management', viaName: ORGANIZATION_MANAGEMENT, path: `via ${ORGANIZATION_MANAGEMENT} (${roleName}${through})` }));
        }
      }
    })(),
  ]);

  if (userIndex) {
    for (const a of users) {
      const identity = a.roleAssigneeName || a.roleAssignee;
      toResolve.push({ assignment: a, name: identity, spec: { via: 'direct', path: `direct assignment ${a.name}` }, type: 'User' });
    }
  }
  // Exchange names an app by its pointer (a name or an id); failing a pointer, an id is taken as the Entra object id.
  await mapLimited(servicePrincipals, limit, async (a) => {
    const spec: PathSpec = { via: 'service-principal', path: `service principal assignment ${a.name}` };
    if (await addPointer(a, [a.roleAssignee, a.roleAssigneeName], spec)) return;
    const objectId = GUID.test(a.roleAssignee) ? a.roleAssignee : undefined;
    toResolve.push({ assignment: a, objectId, name: a.roleAssigneeName || a.roleAssignee, spec, type: 'ServicePrincipal' });
  });

  const resolvedFromIndex = new Set<Unresolved>();
  if (!userIndex && toResolve.filter((r) => r.type === 'User').length > BULK_USERS) userIndex = indexUsers(exchange);
  if (userIndex) {
    const index = await userIndex;
    for (const r of toResolve) {
      if (r.type !== 'User') continue;
      const user = (r.objectId && index.byObjectId.get(r.objectId.toLowerCase())) || index.byName.get(r.name.toLowerCase());
      const who = user && fromRecipient(user);
      if (!who) continue;
      add(holderFor(r.assignment, who, r.spec));
      resolvedFromIndex.add(r);
    }
  }
  const remaining = toResolve.filter((r) => !resolvedFromIndex.has(r));
  const ids = [...new Set(remaining.flatMap((r) => (r.objectId ? [r.objectId.toLowerCase()] : [])))];
  const principals = ids.length ? await directory.getPrincipals(ids) : new Map<string, DirectoryPrincipal>();
  const found = new Map([...principals].map(([id, p]) => [id.toLowerCase(), p]));
  for (const r of remaining) {
    const p = r.objectId ? found.get(r.objectId.toLowerCase()) : undefined;
    const who = p && fromDirectory(p);
    if (!who) deps.logger?.warn('A holder could not be resolved to a UPN or appId; it is reported under its Exchange name.', { assignment: r.assignment.name, name: r.name });
    add(holderFor(r.assignment, who ?? { principal: r.name, principalId: r.objectId, principalType: r.type }, r.spec));
  }

  for (const a of others) {
    deps.logger?.warn('The role is assigned to an assignee type the watchdog does not expand; it is reported as one holder.', { assignment: a.name, type: a.roleAssigneeType });
    add(holderFor(a, { principal: a.roleAssigneeName || a.roleAssignee, principalType: 'User' }, { via: 'unexpanded-assignee', path: `${a.roleAssigneeType} assignment ${a.name}` }));
  }

  for (const app of await appHoldersPending) {
    const who = fromDirectory(app.principal);
    if (!who) continue;
    const pseudoAssignment: RoleAssignment = {
      guid: app.assignmentId,
      name: `${app.appRoleValue} (Microsoft Graph application permission)`,
      role: app.appRoleValue,
      roleAssignee: app.principal.id,
      roleAssigneeName: app.principal.displayName ?? app.principal.id,
      roleAssigneeType: 'ServicePrincipal',
      delegationType: 'Regular',
      enabled: true,
      recipientWriteScope: 'Organization',
    };
    add(holderFor(pseudoAssignment, who, { via: 'graph-app-role', path: `via Graph application permission ${app.appRoleValue}` }));
  }

  return {
    takenAt: now.toISOString(),
    // Paths sorted: reads finish in any order, and the snapshot hash must not depend on it.
    holders: [...holders.values()].map(({ holder, paths }) => ({ ...holder, path: [...paths].sort().join('; ') })).sort((a, b) => a.key.localeCompare(b.key)),
    assignments,
  };
}
