/**
 * A tenant as plain data: what Entra ID and Exchange Online hold before the emulator starts.
 * Scenarios (emulator/scenarios) are values of this type; the emulator copies them into mutable state.
 */

export interface SeedUser {
  /** Entra ID object id (Exchange: ExternalDirectoryObjectId). */
  id: string;
  userPrincipalName: string;
  /** Exchange recipient Name: what EffectiveUserName rows carry. Deliberately not the UPN. */
  name: string;
  displayName: string;
  /** Exchange object Guid (not the Entra id). */
  exchangeGuid: string;
  accountEnabled?: boolean;
}

export interface SeedGroup {
  id: string;
  displayName: string;
  /** Mail-enabled groups are Exchange recipients (Get-Recipient); all security groups are Get-User-invisible. */
  mailEnabled: boolean;
  securityEnabled: boolean;
  /** Exchange recipient Name (defaults to displayName). */
  name?: string;
  mail?: string;
  isAssignableToRole?: boolean;
  exchangeGuid: string;
  /** Object ids of users, groups and service principals. */
  members: string[];
}

export interface SeedAppRole {
  id: string;
  value: string;
  displayName: string;
  /** Who can be given the role: apps (application permissions, the default) or users and groups. */
  allowedMemberTypes?: ('Application' | 'User')[];
}

/** A delegated permission an API exposes (its app registration's api.oauth2PermissionScopes). */
export interface SeedPermissionScope {
  id: string;
  value: string;
  adminConsentDisplayName: string;
}

export interface SeedServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  appRoles?: SeedAppRole[];
  oauth2PermissionScopes?: SeedPermissionScope[];
  /**
   * Registered in Exchange with New-ServicePrincipal: can be a role assignee and role group member. The pointer's
   * `displayName` (New-ServicePrincipal -DisplayName, the admin's choice) is what assignments and member lists show.
   */
  exchange?: { exchangeGuid: string; displayName?: string };
}

export interface SeedManagementRole {
  name: string;
  guid: string;
  roleType: string;
  /** Name of the parent role for custom child roles. */
  parent?: string;
  whenCreatedUtc?: string;
}

export interface SeedRoleGroup {
  name: string;
  guid: string;
  description?: string;
  /** Object ids of users, groups or service principals, or Guids of other role groups (role groups can nest). */
  members: string[];
  /**
   * Members that are the linked groups Entra ID roles surface as in Exchange (Organization Management's
   * TenantAdmins_* and ExchangeServiceAdmins_*): name -> directory role template id.
   */
  linkedGroups?: Record<string, string>;
  whenCreatedUtc?: string;
}

/** LinkedRoleGroup / PartnerLinkedRoleGroup: assignees whose members only the directory (or a partner) knows. */
export type AssigneeType =
  'User' | 'RoleGroup' | 'SecurityGroup' | 'ServicePrincipal' | 'LinkedRoleGroup' | 'PartnerLinkedRoleGroup';

export interface SeedRoleAssignment {
  guid: string;
  name: string;
  role: string;
  assigneeType: AssigneeType;
  /** Object id (user, group, service principal) or role group name. */
  assignee: string;
  delegationType: 'Regular' | 'DelegatingOrgWide' | 'Delegating';
  enabled: boolean;
  customRecipientWriteScope?: string;
  recipientAdministrativeUnitScope?: string;
  /** RBAC for Applications: the management scope an application role assignment is limited to. */
  customResourceScope?: string;
  whenCreatedUtc: string;
}

export interface SeedDirectoryRoleAssignment {
  id: string;
  roleDefinitionId: string;
  principalId: string;
}

/** A PIM eligibility (Graph unifiedRoleEligibilityScheduleInstance): the principal can activate the role. */
export interface SeedDirectoryRoleEligibility {
  id: string;
  roleDefinitionId: string;
  principalId: string;
  /** "/" for the whole directory, or "/administrativeUnits/{id}". */
  directoryScopeId?: string;
  startDateTime: string;
  /** Absent for a permanent eligibility. */
  endDateTime?: string;
}

/** A Purview (Security & Compliance) role group and the roles it carries. */
export interface SeedPurviewRoleGroup {
  name: string;
  guid: string;
  displayName?: string;
  /** Role names, e.g. "Export", "Review", "Case Management". */
  roles: string[];
  /** Object ids of users, groups or service principals. */
  members: string[];
}

export interface SeedAppRoleAssignment {
  id: string;
  /** Object id of the resource service principal (e.g. Microsoft Graph's). */
  resourceId: string;
  appRoleId: string;
  principalId: string;
  createdDateTime: string;
}

/** One record of the unified audit log (what Purview audit search returns): an Exchange admin action, or any other. */
export interface SeedAuditRecord {
  id: string;
  createdDateTime: string;
  /** Graph's auditLogRecordType, e.g. exchangeAdmin. */
  recordType: string;
  /** The cmdlet, e.g. New-ManagementRoleAssignment. */
  operation: string;
  /** Who ran it: a UPN, or the appId of an app. */
  userPrincipalName: string;
  /** The object the cmdlet changed (an assignment name, a role group). */
  objectId: string;
  /** The cmdlet parameters as Exchange records them. */
  parameters: { Name: string; Value: string }[];
  /** Further AuditData properties of the workload's record (MailItemsAccessed: AppId, MailboxOwnerUPN, ...). */
  auditData?: Record<string, string | number>;
}

export interface TenantSeed {
  /** Initial domain, the {tenant} of the Exchange admin API URL. */
  tenant: string;
  tenantId: string;
  /** The service principal the emulator token stands for: the watchdog itself. */
  caller: { servicePrincipalId: string };
  users: SeedUser[];
  groups: SeedGroup[];
  servicePrincipals: SeedServicePrincipal[];
  managementRoles: SeedManagementRole[];
  roleGroups: SeedRoleGroup[];
  roleAssignments: SeedRoleAssignment[];
  directoryRoleAssignments: SeedDirectoryRoleAssignment[];
  /** PIM eligibilities (optional). */
  directoryRoleEligibilities?: SeedDirectoryRoleEligibility[];
  appRoleAssignments: SeedAppRoleAssignment[];
  /** Purview role groups (optional); the default eDiscovery ones come from the base tenant. */
  purviewRoleGroups?: SeedPurviewRoleGroup[];
  /** Exchange admin audit history (optional): what the audit log query routes search. */
  auditRecords?: SeedAuditRecord[];
}
