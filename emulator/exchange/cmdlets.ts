/**
 * The Exchange RBAC and recipient cmdlets the watchdog runs, executed against the tenant state with
 * the behaviour the public cmdlet reference documents: strict parameter binding, identity resolution,
 * every object for an unknown -Identity where the reference cautions so (else ManagementObjectNotFoundException),
 * name uniqueness, delegating assignments.
 */
import { asText } from '../asText.js';
import { randomUUID } from 'node:crypto';
import {
  CmdletError,
  notFound,
  type AssignmentState,
  type ExchangeRecipient,
  type TenantState,
} from '../tenantState.js';
import { parseOpathFilter } from './opathFilter.js';
import { setManagementRoleAssignment } from './setManagementRoleAssignment.js';
import { DIRECTORY_ROLE_OBJECT_IDS } from '../scenarios/baseTenant.js';
import {
  assignmentRecord,
  assigneeName,
  recipientRecord,
  roleGroupRecord,
  roleRecord,
  servicePrincipalRecord,
} from './records.js';

export type Params = Record<string, unknown>;
export type Row = Record<string, unknown>;

export const BINDING = 'System.Management.Automation.ParameterBindingException';
/** Filterable properties of Get-User the emulator evaluates. */
const USER_FILTER_PROPERTIES = ['Name', 'UserPrincipalName', 'ExternalDirectoryObjectId'] as const;

/** Exchange roles that allow a cmdlet (any one of them); the admin API answers 401 without one. */
const ROLE_READ = ['role management', 'view-only configuration', 'organization configuration'];
const RECIPIENT_READ = ['view-only recipients', 'mail recipients', 'role management'];
const ROLE_WRITE = ['role management'];
/** "This cmdlet is available only in the Mailbox Import Export role" (Get-RecoverableItems, Restore-RecoverableItems). */
const MAILBOX_IMPORT_EXPORT = ['mailbox import export'];
/** The *-ServicePrincipal cmdlets sit in the Role Management role. */
const POINTER_READ = ['role management'];

/** What a cmdlet run may depend on besides the tenant and its parameters. */
export interface CmdletRunContext {
  /** The documented hazard: an unknown -Identity answers every object (emulator/exchange/behaviour.ts). */
  identityReturnsAll: boolean;
  /** Who runs it when not the watchdog's app (`POST /_emulator/act`): a UPN or an appId, for the audit record. */
  actor?: string;
}

export interface CmdletSpec {
  params: Record<string, 'string' | 'switch' | 'any'>;
  required?: string[];
  roles: string[];
  /** The cmdlet reference cautions that a $null or non-existent -Identity returns all objects. */
  identityHazard?: true;
  run(state: TenantState, p: Params, ctx: CmdletRunContext): Row[];
}

export const COMMON = { ErrorAction: 'any', WarningAction: 'any', Confirm: 'switch', WhatIf: 'switch' } as const;

/** What Get-RecoverableItems and Restore-RecoverableItems both take (Restore adds NoOutput and RestoreTargetFolder). */
const RECOVERABLE_ITEMS_PARAMS: CmdletSpec['params'] = {
  ...COMMON,
  Identity: 'string',
  EntryID: 'string',
  FilterEndTime: 'any',
  FilterItemType: 'string',
  FilterStartTime: 'any',
  LastParentFolderID: 'string',
  ResultSize: 'any',
  SourceFolder: 'string',
  SubjectContains: 'string',
};

export const CMDLETS: Record<string, CmdletSpec> = {
  'Get-ManagementRoleAssignment': {
    params: {
      ...COMMON,
      Identity: 'string',
      Role: 'string',
      RoleAssignee: 'string',
      RoleAssigneeType: 'string',
      Delegating: 'switch',
      Enabled: 'switch',
      GetEffectiveUsers: 'switch',
      AssignmentMethod: 'any',
      ResultSize: 'any',
    },
    roles: ROLE_READ,
    identityHazard: true,
    run: getManagementRoleAssignment,
  },
  'New-ManagementRoleAssignment': {
    params: {
      ...COMMON,
      Name: 'string',
      Role: 'string',
      User: 'string',
      SecurityGroup: 'string',
      App: 'string',
      Delegating: 'switch',
      CustomRecipientWriteScope: 'string',
      RecipientAdministrativeUnitScope: 'string',
      CustomResourceScope: 'string',
    },
    required: ['Role'],
    roles: ROLE_WRITE,
    run: newManagementRoleAssignment,
  },
  'Set-ManagementRoleAssignment': {
    params: {
      ...COMMON,
      Identity: 'string',
      Enabled: 'any',
      CustomRecipientWriteScope: 'any',
      RecipientAdministrativeUnitScope: 'any',
      RecipientRelativeWriteScope: 'any',
      CustomResourceScope: 'any',
      RecipientOrganizationalUnitScope: 'any',
      ExclusiveRecipientWriteScope: 'any',
      CustomConfigWriteScope: 'any',
      ExclusiveConfigWriteScope: 'any',
      Force: 'switch',
    },
    required: ['Identity'],
    roles: ROLE_WRITE,
    run: setManagementRoleAssignment,
  },
  'Remove-ManagementRoleAssignment': {
    params: { ...COMMON, Identity: 'string' },
    required: ['Identity'],
    roles: ROLE_WRITE,
    run: removeManagementRoleAssignment,
  },
  'Get-ManagementRole': {
    params: { ...COMMON, Identity: 'string', RoleType: 'string', Recurse: 'switch', GetChildren: 'switch' },
    roles: ROLE_READ,
    run: getManagementRole,
  },
  'Get-ManagementRoleEntry': {
    params: { ...COMMON, Identity: 'string', Parameters: 'any', Type: 'any', PSSnapinName: 'string' },
    required: ['Identity'],
    roles: ROLE_READ,
    identityHazard: true,
    run: getManagementRoleEntry,
  },
  'Get-RoleGroup': {
    params: { ...COMMON, Identity: 'string', ResultSize: 'any' },
    roles: ROLE_READ,
    identityHazard: true,
    run: (state, p, ctx) => {
      const all = () => [...state.roleGroups.values()].map((rg) => roleGroupRecord(state, rg));
      if (p.Identity === undefined) return all();
      const rg = state.roleGroup(p.Identity as string);
      if (!rg) return unknownIdentity(state, p, ctx, all);
      return [roleGroupRecord(state, rg)];
    },
  },
  'Get-RoleGroupMember': {
    params: { ...COMMON, Identity: 'string', ResultSize: 'any' },
    roles: ROLE_READ,
    identityHazard: true,
    run: getRoleGroupMember,
  },
  'Add-RoleGroupMember': {
    params: { ...COMMON, Identity: 'string', Member: 'string', BypassSecurityGroupManagerCheck: 'switch' },
    required: ['Identity', 'Member'],
    roles: ROLE_WRITE,
    run: (state, p) => changeRoleGroupMember(state, p, 'add'),
  },
  'Remove-RoleGroupMember': {
    params: { ...COMMON, Identity: 'string', Member: 'string', BypassSecurityGroupManagerCheck: 'switch' },
    required: ['Identity', 'Member'],
    roles: ROLE_WRITE,
    run: (state, p) => changeRoleGroupMember(state, p, 'remove'),
  },
  'Get-RecoverableItems': {
    params: RECOVERABLE_ITEMS_PARAMS,
    required: ['Identity'],
    roles: MAILBOX_IMPORT_EXPORT,
    run: (state, p, ctx) => recoverableItems(state, p, ctx, 'Get-RecoverableItems'),
  },
  'Restore-RecoverableItems': {
    params: { ...RECOVERABLE_ITEMS_PARAMS, NoOutput: 'switch', RestoreTargetFolder: 'string' },
    required: ['Identity'],
    roles: MAILBOX_IMPORT_EXPORT,
    run: (state, p, ctx) => recoverableItems(state, p, ctx, 'Restore-RecoverableItems'),
  },
  'Get-ServicePrincipal': {
    params: { ...COMMON, Identity: 'string', Organization: 'any' },
    roles: POINTER_READ,
    identityHazard: true,
    run: (state, p, ctx) => {
      const all = () => [...state.servicePrincipals.values()].filter((sp) => sp.exchange).map(servicePrincipalRecord);
      if (p.Identity === undefined) return all();
      const r = state.recipient(p.Identity as string);
      // Documented hazard: a non-existent Identity returns every pointer, as if no Identity had been given.
      if (r?.kind !== 'servicePrincipal') return unknownIdentity(state, p, ctx, all);
      return [servicePrincipalRecord(r.sp)];
    },
  },
  'Get-User': {
    params: { ...COMMON, Identity: 'string', Filter: 'string', ResultSize: 'any' },
    roles: RECIPIENT_READ,
    identityHazard: true,
    run: (state, p, ctx) => {
      if (p.Identity !== undefined && p.Filter !== undefined)
        throw new CmdletError(BINDING, 'Parameter set cannot be resolved using the specified named parameters.');
      const all = () =>
        [...state.users.values()].map((u) =>
          recipientRecord({ kind: 'user', id: u.id, name: u.name, user: u }, 'Get-User'),
        );
      if (p.Filter !== undefined) {
        const terms = parseOpathFilter(p.Filter as string, USER_FILTER_PROPERTIES);
        return all().filter((row) =>
          terms.some((t) => asText(row[t.property]).toLowerCase() === t.value.toLowerCase()),
        );
      }
      if (p.Identity === undefined) return all();
      const r = state.recipient(p.Identity as string);
      if (r?.kind !== 'user') return unknownIdentity(state, p, ctx, all);
      return [recipientRecord(r, 'Get-User')];
    },
  },
  'Get-Recipient': {
    params: { ...COMMON, Identity: 'string', ResultSize: 'any', RecipientTypeDetails: 'any' },
    roles: RECIPIENT_READ,
    identityHazard: true,
    run: (state, p, ctx) => {
      const isRecipient = (r: ExchangeRecipient) => r.kind === 'user' || (r.kind === 'group' && r.group.mailEnabled);
      const all = () => {
        const every: ExchangeRecipient[] = [
          ...[...state.users.values()].map((u) => ({ kind: 'user' as const, id: u.id, name: u.name, user: u })),
          ...[...state.groups.values()].map((g) => ({
            kind: 'group' as const,
            id: g.id,
            name: g.name ?? g.displayName,
            group: g,
          })),
        ];
        return every.filter(isRecipient).map((r) => recipientRecord(r, 'Get-Recipient'));
      };
      if (p.Identity === undefined) return all();
      const r = state.recipient(p.Identity as string);
      if (!r || !isRecipient(r)) return unknownIdentity(state, p, ctx, all);
      return [recipientRecord(r, 'Get-Recipient')];
    },
  },
};

/**
 * Binds parameters the way PowerShell would: unknown names and wrong types are errors. With the identity
 * hazard on, a null or blank -Identity of the cmdlets the reference warns about is taken as no -Identity.
 */
export function bindParameters(cmdlet: string, spec: CmdletSpec, raw: unknown, ctx: CmdletRunContext): Params {
  if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) {
    throw new CmdletError(BINDING, `Parameters of ${cmdlet} must be a JSON object.`);
  }
  const out: Params = {};
  for (const [given, value] of Object.entries((raw ?? {}) as Params)) {
    const name = Object.keys(spec.params).find((k) => k.toLowerCase() === given.toLowerCase());
    if (!name) throw new CmdletError(BINDING, `A parameter cannot be found that matches parameter name '${given}'.`);
    if (
      name === 'Identity' &&
      spec.identityHazard &&
      ctx.identityReturnsAll &&
      (value === null || (typeof value === 'string' && value.trim() === ''))
    )
      continue;
    const kind = spec.params[name];
    if (kind === 'switch' && typeof value !== 'boolean') {
      throw new CmdletError(
        BINDING,
        `Cannot convert '${JSON.stringify(value)}' to the type 'System.Management.Automation.SwitchParameter' required by parameter '${name}'. Switch parameters are JSON booleans.`,
      );
    }
    if (kind === 'string' && (typeof value !== 'string' || value.trim() === '')) {
      throw new CmdletError(
        BINDING,
        `Cannot validate argument on parameter '${name}'. The argument is null or empty. Provide an argument that is not null or empty, and then try the command again.`,
      );
    }
    out[name] = value;
  }
  const missing = (spec.required ?? []).filter((r) => out[r] === undefined);
  if (missing.length)
    throw new CmdletError(
      BINDING,
      `Cannot process command because of one or more missing mandatory parameters: ${missing.join(' ')}.`,
    );
  return out;
}

/** An -Identity that names nothing: every object under the documented hazard, else not found. */
export function unknownIdentity<T>(state: TenantState, p: Params, ctx: CmdletRunContext, all: () => T): T {
  if (ctx.identityReturnsAll) return all();
  throw notFound(p.Identity as string, state.tenant);
}

function getManagementRoleAssignment(state: TenantState, p: Params, ctx: CmdletRunContext): Row[] {
  let list: AssignmentState[] = [...state.assignments.values()];
  if (p.Identity !== undefined) {
    const a = state.assignment(p.Identity as string);
    list = a ? [a] : unknownIdentity(state, p, ctx, () => list);
  }
  if (p.Role !== undefined) {
    const role = state.role(p.Role as string);
    if (!role) throw notFound(p.Role as string, state.tenant);
    list = list.filter((a) => a.role.toLowerCase() === role.name.toLowerCase());
  }
  if (p.RoleAssignee !== undefined) list = list.filter(reachesAssignee(state, p.RoleAssignee as string));
  if (p.RoleAssigneeType !== undefined)
    list = list.filter((a) => a.assigneeType.toLowerCase() === (p.RoleAssigneeType as string).toLowerCase());
  if (p.Delegating !== undefined) list = list.filter((a) => (a.delegationType !== 'Regular') === p.Delegating);
  if (p.Enabled !== undefined) list = list.filter((a) => a.enabled === p.Enabled);
  if (!p.GetEffectiveUsers) return list.map((a) => assignmentRecord(state, a));
  const rows: Row[] = [];
  for (const a of list) {
    const assignee = assigneeName(state, a);
    for (const eff of state.effectiveUsers(a)) rows.push(assignmentRecord(state, a, eff, assignee));
  }
  return rows;
}

/** -RoleAssignee lists what reaches the assignee: direct, through role groups and security groups. */
function reachesAssignee(state: TenantState, identity: string): (a: AssignmentState) => boolean {
  const rg = state.roleGroup(identity);
  if (rg) return (a) => a.assigneeType === 'RoleGroup' && a.assignee.toLowerCase() === rg.name.toLowerCase();
  const r = state.recipient(identity);
  if (!r) throw notFound(identity, state.tenant);
  const viaRoleGroups = new Set<string>();
  for (const g of state.roleGroups.values()) {
    const members = state.roleGroupMembersDeep(g);
    if (members.includes(r.id) || members.some((m) => state.groups.has(m) && state.groupPrincipals(m).includes(r.id)))
      viaRoleGroups.add(g.name.toLowerCase());
  }
  return (a) => {
    if (a.assigneeType === 'RoleGroup') return viaRoleGroups.has(a.assignee.toLowerCase());
    if (a.assigneeType === 'SecurityGroup')
      return a.assignee === r.id || state.groupPrincipals(a.assignee).includes(r.id);
    return a.assignee === r.id;
  };
}

function newManagementRoleAssignment(state: TenantState, p: Params): Row[] {
  const role = state.role(p.Role as string);
  if (!role) throw notFound(p.Role as string, state.tenant);
  const targets = (['User', 'SecurityGroup', 'App'] as const).filter((k) => p[k] !== undefined);
  if (targets.length !== 1) {
    throw new CmdletError(
      BINDING,
      'Parameter set cannot be resolved using the specified named parameters. Specify exactly one of User, SecurityGroup or App.',
    );
  }
  const target = targets[0] as 'User' | 'SecurityGroup' | 'App';
  const identity = p[target] as string;
  let assigneeType: AssignmentState['assigneeType'];
  let assignee: string;
  let displayName: string;
  if (target === 'SecurityGroup' && state.roleGroup(identity)) {
    const rg = state.roleGroup(identity)!;
    [assigneeType, assignee, displayName] = ['RoleGroup', rg.name, rg.name];
  } else {
    const r = state.recipient(identity);
    const expected = target === 'User' ? 'user' : target === 'App' ? 'servicePrincipal' : 'group';
    if (!r || r.kind !== expected || (r.kind === 'group' && !r.group.securityEnabled))
      throw notFound(identity, state.tenant);
    assigneeType = target === 'User' ? 'User' : target === 'App' ? 'ServicePrincipal' : 'SecurityGroup';
    assignee = r.id;
    displayName = r.name;
  }
  const scoped =
    p.CustomRecipientWriteScope !== undefined ||
    p.RecipientAdministrativeUnitScope !== undefined ||
    p.CustomResourceScope !== undefined;
  const delegationType = p.Delegating ? (scoped ? 'Delegating' : 'DelegatingOrgWide') : 'Regular';
  const nameTaken = (n: string) => state.assignment(n) !== undefined;
  let name = p.Name as string | undefined;
  if (name !== undefined) {
    if (nameTaken(name)) {
      throw new CmdletError(
        'Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException',
        `The role assignment "${name}" already exists. Specify a different name.`,
      );
    }
  } else {
    // Exchange derives the name from role and assignee and numbers it when that name is taken.
    const base = `${role.name}-${displayName}${p.Delegating ? '-Delegating' : ''}`.slice(0, 64);
    name = base;
    for (let n = 1; nameTaken(name); n++) name = `${base.slice(0, 64 - String(n).length)}${n}`;
  }
  const created = state.addAssignment({
    guid: randomUUID(),
    name,
    role: role.name,
    assigneeType,
    assignee,
    delegationType,
    enabled: true,
    customRecipientWriteScope: p.CustomRecipientWriteScope as string | undefined,
    recipientAdministrativeUnitScope: p.RecipientAdministrativeUnitScope as string | undefined,
    customResourceScope: p.CustomResourceScope as string | undefined,
  });
  state.recordAdminAction('New-ManagementRoleAssignment', name, {
    Name: name,
    Role: role.name,
    [target]: String(identity),
  });
  return [assignmentRecord(state, created)];
}

function removeManagementRoleAssignment(state: TenantState, p: Params): Row[] {
  const a = state.assignment(p.Identity as string);
  if (!a) throw notFound(p.Identity as string, state.tenant);
  if (a.delegationType === 'DelegatingOrgWide') {
    const others = [...state.assignments.values()].filter(
      (x) => x !== a && x.delegationType === 'DelegatingOrgWide' && x.role.toLowerCase() === a.role.toLowerCase(),
    );
    if (others.length === 0) {
      throw new CmdletError(
        'Microsoft.Exchange.Management.RbacTasks.RemoveManagementRoleAssignment+LastDelegatingAssignmentException',
        `The role assignment "${a.name}" is the last delegating role assignment of role "${a.role}" and can't be removed: nobody could assign the role any more.`,
      );
    }
  }
  state.removeAssignment(a);
  state.recordAdminAction('Remove-ManagementRoleAssignment', a.name, { Identity: String(p.Identity) });
  return [];
}

const ROLE_TYPES = new Set(
  [
    'MailboxImportExport',
    'RoleManagement',
    'ViewOnlyRecipients',
    'ViewOnlyConfiguration',
    'MailRecipients',
    'OrganizationConfiguration',
    'MailRecipientCreation',
    'DistributionGroups',
    'SecurityGroupCreationAndMembership',
    'LegalHold',
    'MailboxSearch',
    'Custom',
    'UnScoped',
    'ApplicationImpersonation',
    'TransportRules',
    'AuditLogs',
    'ViewOnlyAuditLogs',
    'ResetPassword',
    'UserOptions',
  ].map((t) => t.toLowerCase()),
);

/**
 * `<role>\\<cmdlet>`, either part may be `*` (cmdlet reference, -Identity). A role's entries are the cmdlets whose
 * spec lists it, less the entries withdrawn through the emulator control. An identity without a wildcard that
 * matches nothing may answer every entry (the documented hazard), else it is not found.
 */
function getManagementRoleEntry(state: TenantState, p: Params, ctx: CmdletRunContext): Row[] {
  const id = (p.Identity as string).trim();
  const cut = id.lastIndexOf('\\');
  const pattern = (text: string) =>
    new RegExp(
      `^${text
        .split('*')
        .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
      'i',
    );
  const rolePart = cut >= 0 ? id.slice(0, cut) : '*';
  const namePart = cut >= 0 ? id.slice(cut + 1) : id;
  const all: Row[] = [];
  for (const role of state.roles.values()) {
    for (const [cmdlet, spec] of Object.entries(CMDLETS)) {
      if (!spec.roles.includes(role.name.toLowerCase()) || state.roleEntryWithdrawn(role.name, cmdlet)) continue;
      all.push({
        Name: cmdlet,
        Role: role.name,
        Identity: `${role.name}\\${cmdlet}`,
        Type: 'Cmdlet',
        PSSnapinName: 'Microsoft.Exchange.Management.PowerShell.E2010',
        Parameters: Object.keys(spec.params),
      });
    }
  }
  const matches = all.filter((e) => pattern(rolePart).test(String(e.Role)) && pattern(namePart).test(String(e.Name)));
  if (matches.length || id.includes('*')) return matches;
  return unknownIdentity(state, p, ctx, () => all);
}

function getManagementRole(state: TenantState, p: Params): Row[] {
  let roles = [...state.roles.values()];
  if (p.RoleType !== undefined) {
    const type = (p.RoleType as string).toLowerCase();
    if (!ROLE_TYPES.has(type)) {
      throw new CmdletError(
        BINDING,
        `Cannot bind parameter 'RoleType'. Cannot convert value "${asText(p.RoleType)}" to type "Microsoft.Exchange.Data.Directory.SystemConfiguration.RoleType".`,
      );
    }
    roles = roles.filter((r) => r.roleType.toLowerCase() === type);
  }
  if (p.Identity !== undefined) {
    const id = (p.Identity as string).trim();
    if (id.includes('*')) {
      const re = new RegExp(
        `^${id
          .split('*')
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
        'i',
      );
      roles = roles.filter((r) => re.test(r.name));
    } else {
      const role = state.role(id);
      if (!role) throw notFound(id, state.tenant);
      if (p.GetChildren || p.Recurse) {
        const parent = role.name.toLowerCase();
        roles = roles.filter((r) =>
          p.Recurse
            ? state.descendantRoles(role.name).has(r.name.toLowerCase()) && r !== role
            : r.parent?.toLowerCase() === parent,
        );
      } else {
        roles = roles.filter((r) => r === role);
      }
    }
  }
  return roles.map(roleRecord);
}

function getRoleGroupMember(state: TenantState, p: Params, ctx: CmdletRunContext): Row[] {
  const rg = p.Identity === undefined ? undefined : state.roleGroup(p.Identity as string);
  // With no Identity, or (under the hazard) one that matches no role group, every role group's members come back.
  const groups = rg
    ? [rg]
    : p.Identity === undefined
      ? [...state.roleGroups.values()]
      : unknownIdentity(state, p, ctx, () => [...state.roleGroups.values()]);
  const seen = new Set<string>();
  const rows: Row[] = [];
  for (const g of groups) {
    const ids = [...state.currentMembers(g.members), ...Object.keys(g.linkedGroups)];
    for (const id of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      const r = state.recipientById(id);
      if (!r) continue;
      const row = recipientRecord(r, 'Get-RoleGroupMember');
      if (r.kind === 'linkedGroup' && state.linkedGroupsCarryObjectId)
        row.ExternalDirectoryObjectId = DIRECTORY_ROLE_OBJECT_IDS[r.roleDefinitionId] ?? '';
      rows.push(row);
    }
  }
  return rows;
}

/**
 * The emulated tenant holds no mailbox content, so a search of a mailbox's Recoverable Items finds nothing and a restore
 * restores nothing; the run is recorded in the audit log with who ran it, as Exchange records every admin cmdlet.
 */
function recoverableItems(state: TenantState, p: Params, ctx: CmdletRunContext, cmdlet: string): Row[] {
  const mailbox = state.recipient(p.Identity as string);
  if (mailbox?.kind !== 'user') throw notFound(p.Identity as string, state.tenant);
  const recorded = Object.fromEntries(
    Object.entries(p)
      .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
      .map(([k, v]) => [k, String(v)]),
  );
  state.recordAdminAction(cmdlet, mailbox.user.userPrincipalName, recorded, ctx.actor);
  return [];
}

function changeRoleGroupMember(state: TenantState, p: Params, change: 'add' | 'remove'): Row[] {
  const rg = state.roleGroup(p.Identity as string);
  if (!rg) throw notFound(p.Identity as string, state.tenant);
  const member = state.recipient(p.Member as string);
  if (!member || member.kind === 'linkedGroup') {
    throw new CmdletError(
      'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
      `Couldn't find object "${String(p.Member)}". Please make sure that it was spelled correctly or specify a different object.`,
      404,
    );
  }
  const isMember = state.currentMembers(rg.members).includes(member.id);
  if (change === 'add') {
    if (isMember)
      throw new CmdletError(
        'Microsoft.Exchange.Management.Tasks.MemberAlreadyExistsException',
        `The recipient "${member.name}" is already a member of the group "${rg.name}".`,
      );
    state.addRoleGroupMember(rg, member.id);
    state.recordAdminAction('Add-RoleGroupMember', rg.name, { Identity: rg.name, Member: String(p.Member) });
  } else {
    if (!isMember)
      throw new CmdletError(
        'Microsoft.Exchange.Management.Tasks.MemberNotFoundException',
        `The recipient "${member.name}" isn't a member of the group "${rg.name}".`,
      );
    state.removeRoleGroupMember(rg, member.id);
    state.recordAdminAction('Remove-RoleGroupMember', rg.name, { Identity: rg.name, Member: String(p.Member) });
  }
  return [];
}
