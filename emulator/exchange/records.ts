/**
 * Exchange objects as the admin API serialises them: PascalCase properties, with a
 * `Property@data.type` annotation key written just before each typed value.
 */
import type { SeedManagementRole } from '../seed.js';
import type { SeedServicePrincipal } from '../seed.js';
import {
  pointerName,
  type AssignmentState,
  type ExchangeRecipient,
  type RoleGroupState,
  type TenantState,
} from '../tenantState.js';

type Field = readonly [name: string, value: unknown, type?: string];

const T = {
  guid: 'System.Guid',
  date: 'System.DateTime',
  assigneeType: 'Microsoft.Exchange.Data.Directory.SystemConfiguration.RoleAssigneeType',
  delegation: 'Microsoft.Exchange.Data.Directory.SystemConfiguration.RoleAssignmentDelegationType',
  method: 'Microsoft.Exchange.Data.Directory.SystemConfiguration.AssignmentMethod',
  recipientScope: 'Microsoft.Exchange.Data.Directory.SystemConfiguration.RecipientWriteScopeType',
  configScope: 'Microsoft.Exchange.Data.Directory.SystemConfiguration.ConfigWriteScopeType',
  roleType: 'Microsoft.Exchange.Data.Directory.SystemConfiguration.RoleType',
  recipientType: 'Microsoft.Exchange.Data.Directory.Recipient.RecipientType',
  recipientTypeDetails: 'Microsoft.Exchange.Data.Directory.Recipient.RecipientTypeDetails',
  multiValued: 'Microsoft.Exchange.Data.MultiValuedProperty`1[[System.String]]',
} as const;

function annotated(fields: readonly Field[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value, type] of fields) {
    if (type !== undefined && value !== null && value !== undefined) out[`${name}@data.type`] = type;
    out[name] = value ?? null;
  }
  return out;
}

/** Exchange shows local time beside UTC; the emulated servers run on UTC. */
const dates = (created: string, changed: string): Field[] => [
  ['WhenChanged', changed, T.date],
  ['WhenCreated', created, T.date],
  ['WhenChangedUTC', changed, T.date],
  ['WhenCreatedUTC', created, T.date],
];

export function assigneeName(state: TenantState, a: AssignmentState): string {
  if (a.assigneeType === 'RoleGroup') return state.roleGroup(a.assignee)?.name ?? a.assignee;
  return state.recipientById(a.assignee)?.name ?? a.assignee;
}

export function assignmentRecord(
  state: TenantState,
  a: AssignmentState,
  effective?: { effectiveUserName: string; assignmentMethod: string },
  assignee = assigneeName(state, a),
): Record<string, unknown> {
  const scoped = a.customRecipientWriteScope
    ? 'CustomRecipientScope'
    : a.recipientAdministrativeUnitScope
      ? 'AdministrativeUnit'
      : 'Organization';
  return annotated([
    ['RoleAssigneeType', a.assigneeType, T.assigneeType],
    ['RoleAssigneeName', assignee],
    ['Role', a.role],
    ['RoleAssignmentDelegationType', a.delegationType, T.delegation],
    ['CustomRecipientWriteScope', a.customRecipientWriteScope ?? null],
    ['CustomConfigWriteScope', null],
    ['RecipientAdministrativeUnitScope', a.recipientAdministrativeUnitScope ?? null],
    ['SharedConfiguration', null],
    ['RecipientOrganizationalUnitScope', null],
    ['CustomResourceScope', a.customResourceScope ?? null],
    ['RoleAssignee', assignee],
    ['Enabled', a.enabled],
    ['RecipientWriteScope', scoped, T.recipientScope],
    ['ConfigWriteScope', 'OrganizationConfig', T.configScope],
    ['AssignmentMethod', effective?.assignmentMethod ?? 'Direct', T.method],
    ['EffectiveUserName', effective?.effectiveUserName ?? null],
    ['AdminDisplayName', ''],
    ['ExchangeVersion', '0.12 (14.0.451.0)'],
    ['Name', a.name],
    ['DistinguishedName', `CN=${a.name},CN=Role Assignments,CN=RBAC,CN=Configuration`],
    ['Identity', a.name],
    ['Guid', a.guid, T.guid],
    ['ObjectCategory', 'ms-Exch-Role-Assignment'],
    ['ObjectClass', ['top', 'msExchRoleAssignment'], T.multiValued],
    ...dates(a.whenCreatedUtc, a.whenChangedUtc),
    ['OrganizationId', ''],
    ['Id', a.name],
    ['OriginatingServer', 'emulator.prod.outlook.com'],
    ['IsValid', true],
    ['ObjectState', 'Unchanged'],
  ]);
}

export function roleRecord(r: SeedManagementRole): Record<string, unknown> {
  const created = r.whenCreatedUtc ?? '2021-01-10T08:00:00.000Z';
  return annotated([
    ['RoleEntries', [], T.multiValued],
    ['RoleType', r.roleType, T.roleType],
    ['ImplicitRecipientReadScope', 'Organization', T.recipientScope],
    ['ImplicitRecipientWriteScope', 'Organization', T.recipientScope],
    ['ImplicitConfigReadScope', 'OrganizationConfig', T.configScope],
    ['ImplicitConfigWriteScope', 'OrganizationConfig', T.configScope],
    ['IsRootRole', !r.parent],
    ['IsEndUserRole', false],
    ['MailboxPlanIndex', ''],
    [
      'Description',
      r.parent
        ? `Custom role derived from ${r.parent}.`
        : `This role enables administrators to use the ${r.name} cmdlets.`,
    ],
    ['Parent', r.parent ?? null],
    ['IsDeprecated', false],
    ['Name', r.name],
    ['Identity', r.name],
    ['Guid', r.guid, T.guid],
    ['ObjectCategory', 'ms-Exch-Role'],
    ...dates(created, created),
    ['Id', r.name],
    ['IsValid', true],
    ['ObjectState', 'Unchanged'],
  ]);
}

export function roleGroupRecord(state: TenantState, rg: RoleGroupState): Record<string, unknown> {
  const members = [
    ...state.currentMembers(rg.members).map((m) => state.recipientById(m)?.name ?? m),
    ...Object.keys(rg.linkedGroups),
  ];
  const roles: string[] = [];
  const assignments: string[] = [];
  for (const a of state.assignments.values()) {
    if (a.assigneeType === 'RoleGroup' && a.assignee.toLowerCase() === rg.name.toLowerCase()) {
      assignments.push(a.name);
      if (!roles.includes(a.role)) roles.push(a.role);
    }
  }
  return annotated([
    ['ManagedBy', [], T.multiValued],
    ['RoleAssignments', assignments, T.multiValued],
    ['Roles', roles, T.multiValued],
    ['DisplayName', rg.name],
    ['ExternalDirectoryObjectId', ''],
    ['Members', members, T.multiValued],
    ['SamAccountName', rg.name.replace(/\s+/g, '')],
    ['Description', rg.description ?? ''],
    ['RoleGroupType', 'Standard'],
    ['LinkedGroup', [], T.multiValued],
    ['Capabilities', [], T.multiValued],
    ['LinkedPartnerGroupId', ''],
    ['LinkedPartnerOrganizationId', ''],
    ['Name', rg.name],
    ['Identity', rg.name],
    ['Guid', rg.guid, T.guid],
    ...dates(rg.whenCreatedUtc, rg.whenCreatedUtc),
    ['IsValid', true],
  ]);
}

function recipientTypes(r: ExchangeRecipient): { type: string; details: string } {
  switch (r.kind) {
    case 'user':
      return { type: 'UserMailbox', details: 'UserMailbox' };
    case 'group':
      return r.group.mailEnabled
        ? { type: 'MailUniversalSecurityGroup', details: 'MailUniversalSecurityGroup' }
        : { type: 'Group', details: 'UniversalSecurityGroup' };
    case 'servicePrincipal':
      return { type: 'ServicePrincipal', details: 'ServicePrincipal' };
    case 'roleGroup':
    case 'linkedGroup':
      return { type: 'Group', details: 'RoleGroup' };
  }
}

/** Get-User / Get-Recipient / Get-RoleGroupMember rows share these properties. */
export function recipientRecord(
  r: ExchangeRecipient,
  cmdlet: 'Get-User' | 'Get-Recipient' | 'Get-RoleGroupMember',
): Record<string, unknown> {
  const { type, details } = recipientTypes(r);
  const common = (displayName: string, smtp: string | null, guid: string | null, objectId: string): Field[] => [
    ['Name', r.name],
    ['DisplayName', displayName],
    // A pointer's Identity is its Entra ObjectId, as Get-ServicePrincipal shows it.
    ['Identity', r.kind === 'servicePrincipal' ? r.id : r.name],
    ['Guid', guid, T.guid],
    ['ExternalDirectoryObjectId', objectId],
    ['PrimarySmtpAddress', smtp],
    ['WindowsEmailAddress', smtp],
    ['RecipientType', type, T.recipientType],
    ['RecipientTypeDetails', details, T.recipientTypeDetails],
  ];
  switch (r.kind) {
    case 'user': {
      const u = r.user;
      const fields = common(u.displayName, u.userPrincipalName, u.exchangeGuid, u.id);
      if (cmdlet === 'Get-User')
        fields.push(
          ['UserPrincipalName', u.userPrincipalName],
          ['AccountDisabled', u.accountEnabled === false],
          ['IsDirSynced', false],
        );
      else fields.push(['Alias', u.userPrincipalName.split('@')[0] ?? u.name]);
      return annotated(fields);
    }
    case 'group':
      return annotated(common(r.group.displayName, r.group.mail ?? null, r.group.exchangeGuid, r.group.id));
    case 'servicePrincipal':
      return annotated([
        ...common(pointerName(r.sp), null, r.sp.exchange?.exchangeGuid ?? null, r.sp.id),
        ['AppId', r.sp.appId],
        ['ObjectId', r.sp.id],
      ]);
    case 'roleGroup':
      return annotated(common(r.name, null, r.roleGroup.guid, ''));
    case 'linkedGroup':
      return annotated(common(r.name, null, null, ''));
  }
}

/**
 * A Get-ServicePrincipal row: the Exchange pointer to an Entra service principal. Name and DisplayName are what
 * New-ServicePrincipal -DisplayName set; AppId and ObjectId are the Entra ids, and Identity is the ObjectId (real
 * callers pass a pointer's Identity to Graph as the service principal id).
 * https://learn.microsoft.com/powershell/module/exchangepowershell/get-serviceprincipal
 */
export function servicePrincipalRecord(sp: SeedServicePrincipal): Record<string, unknown> {
  const created = '2021-01-10T08:00:00.000Z';
  return annotated([
    ['AppId', sp.appId],
    ['ObjectId', sp.id],
    ['DisplayName', pointerName(sp)],
    ['Name', pointerName(sp)],
    ['Identity', sp.id],
    ['Id', sp.id],
    ['Guid', sp.exchange?.exchangeGuid ?? null, T.guid],
    ['ObjectCategory', 'ms-Exch-Service-Principal'],
    ...dates(created, created),
    ['IsValid', true],
    ['ObjectState', 'Unchanged'],
  ]);
}
