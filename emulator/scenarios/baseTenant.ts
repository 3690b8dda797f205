/**
 * What every emulated tenant starts with: the Microsoft first-party service principals, the built-in
 * Exchange roles and role groups, the default delegating assignment of Mailbox Import Export, and the
 * watchdog's own app with exactly the access the README asks an operator to give it.
 */
import {
  APPLICATION_EXPORT_ROLE,
  APPLICATION_IMPORT_EXPORT_ROLE,
  EDISCOVERY_EXPORT_ROLE,
  EXCHANGE_ADMINISTRATOR_ROLE_ID,
  EXCHANGE_ONLINE_APP_ID,
  GLOBAL_ADMINISTRATOR_ROLE_ID,
  GRAPH_APP_ID,
  GRAPH_MAILBOX_APP_ROLE_IDS,
  MAILBOX_EXPORT_APP_ROLE,
  MAILBOX_IMPORT_EXPORT_APP_ROLE,
  MIE_ROLE,
  ORGANIZATION_MANAGEMENT,
} from '../../contract/microsoft.js';
import type { SeedAppRole, TenantSeed } from '../seed.js';

/** A readable, deterministic GUID: `kind` picks the family, `n` the member. */
export function fixedGuid(kind: number, n: number): string {
  const k = kind.toString(16).padStart(8, '0');
  return `${k}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export const EXCHANGE_MANAGE_AS_APP_ROLE_ID = 'dc50a0fb-09a3-484d-be87-e023b12c6440';
/** Graph application permission ids as published by Microsoft Graph's service principal. */
export const GRAPH_APP_ROLES = {
  mailboxItemImportExportAll: {
    id: GRAPH_MAILBOX_APP_ROLE_IDS[MAILBOX_IMPORT_EXPORT_APP_ROLE] as string,
    value: MAILBOX_IMPORT_EXPORT_APP_ROLE,
    displayName: 'Import and export mailbox items',
  },
  mailboxItemExportAll: {
    id: GRAPH_MAILBOX_APP_ROLE_IDS[MAILBOX_EXPORT_APP_ROLE] as string,
    value: MAILBOX_EXPORT_APP_ROLE,
    displayName: 'Export mailbox items',
  },
  directoryReadAll: {
    id: '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
    value: 'Directory.Read.All',
    displayName: 'Read directory data',
  },
  userReadAll: {
    id: 'df021288-bdef-4463-88db-98f22de89214',
    value: 'User.Read.All',
    displayName: "Read all users' full profiles",
  },
  groupMemberReadAll: {
    id: '98830695-27a2-44f7-8c18-0c3ebc9698f6',
    value: 'GroupMember.Read.All',
    displayName: 'Read all group memberships',
  },
  roleManagementReadDirectory: {
    id: '483bed4a-2ad3-4361-a73b-c83ccdbdc53c',
    value: 'RoleManagement.Read.Directory',
    displayName: 'Read all directory RBAC settings',
  },
  applicationReadAll: {
    id: '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
    value: 'Application.Read.All',
    displayName: 'Read all applications',
  },
  /** Not granted to the watchdog by default: tests that use audit log queries add it. */
  auditLogsQueryExchangeReadAll: {
    id: '6b0d2622-d34e-4470-935b-b96550e5ca8d',
    value: 'AuditLogsQuery-Exchange.Read.All',
    displayName: 'Read Exchange data from audit logs',
  },
} as const satisfies Record<string, SeedAppRole>;

export const GRAPH_SP_ID = fixedGuid(0x5e0000, 1);
export const EXCHANGE_SP_ID = fixedGuid(0x5e0000, 2);
/** The watchdog's own app registration (the principal behind the emulator token). */
export const WATCHDOG_APP = {
  id: fixedGuid(0x5e0000, 3),
  appId: fixedGuid(0xa9900000, 3),
  displayName: 'MIE Watchdog',
} as const;
export const WATCHDOG_ROLE_GROUP = 'MIE Watchdog';
/**
 * The watchdog API's app registration, as infra/ creates it: the app roles the code enforces (for users and
 * groups) and the delegated scope access_as_user. Its client id is the local stack's WATCHDOG_AUTH_AUDIENCE.
 */
export const WATCHDOG_API = {
  id: fixedGuid(0x5e0000, 4),
  appId: fixedGuid(0xa9900000, 4),
  displayName: 'MIE Watchdog API',
  appRoles: (['Grant.Request', 'Grant.Approve', 'Audit.Read'] as const).map((value, i) => ({
    id: fixedGuid(0xa7700000, i + 1),
    value,
    displayName: value,
    allowedMemberTypes: ['User' as const],
  })),
  oauth2PermissionScopes: [
    {
      id: fixedGuid(0xa7700000, 100),
      value: 'access_as_user',
      adminConsentDisplayName: 'Use the MIE watchdog API as the signed-in user',
    },
  ],
};
/** The watchdog's Exchange pointer (New-ServicePrincipal -DisplayName), in the "<name>_SP" style many admins use. */
export const WATCHDOG_POINTER = 'MIE Watchdog_SP';

/** Exchange's linked groups for the two directory roles that are members of Organization Management. */
export const LINKED_GROUPS = {
  tenantAdmins: 'TenantAdmins_1738292045',
  exchangeServiceAdmins: 'ExchangeServiceAdmins_-1284451923',
} as const;

/**
 * Object ids of the activated directory roles (Graph /directoryRoles/{id}), which differ from the role template
 * ids: what a linked group may show as its ExternalDirectoryObjectId. They are no group's id.
 */
export const DIRECTORY_ROLE_OBJECT_IDS: Record<string, string> = {
  [GLOBAL_ADMINISTRATOR_ROLE_ID]: fixedGuid(0xd1200000, 1),
  [EXCHANGE_ADMINISTRATOR_ROLE_ID]: fixedGuid(0xd1200000, 2),
};

export const DEFAULT_DELEGATING_ASSIGNMENT = {
  guid: fixedGuid(0xa5500000, 1),
  name: `${MIE_ROLE}-${ORGANIZATION_MANAGEMENT}-Delegating`,
} as const;

/** What the permissions script creates: assigning a role takes a delegating assignment of it (it grants no mailbox access). */
export const WATCHDOG_DELEGATING_ASSIGNMENT = {
  guid: fixedGuid(0xa5500000, 2),
  name: `${MIE_ROLE}-${WATCHDOG_ROLE_GROUP}-Delegating`,
} as const;

const CREATED = '2021-01-10T08:00:00.000Z';

export function baseTenant(tenant: string, tenantId: string): TenantSeed {
  const roles = [
    { name: MIE_ROLE, roleType: 'MailboxImportExport' },
    { name: 'Role Management', roleType: 'RoleManagement' },
    { name: 'View-Only Recipients', roleType: 'ViewOnlyRecipients' },
    { name: 'View-Only Configuration', roleType: 'ViewOnlyConfiguration' },
    { name: 'Mail Recipients', roleType: 'MailRecipients' },
    { name: 'Organization Configuration', roleType: 'OrganizationConfiguration' },
    // RBAC for Applications: every tenant has the application roles; Organization Management may delegate them.
    { name: APPLICATION_EXPORT_ROLE, roleType: 'Custom' },
    { name: APPLICATION_IMPORT_EXPORT_ROLE, roleType: 'Custom' },
  ].map((r, i) => ({ ...r, guid: fixedGuid(0xa0100000, i + 1), whenCreatedUtc: CREATED }));

  let assignmentNo = 100;
  const regular = (role: string, roleGroup: string) => ({
    guid: fixedGuid(0xa5500000, ++assignmentNo),
    name: `${role}-${roleGroup}`,
    role,
    assigneeType: 'RoleGroup' as const,
    assignee: roleGroup,
    delegationType: 'Regular' as const,
    enabled: true,
    whenCreatedUtc: CREATED,
  });

  return {
    tenant,
    tenantId,
    caller: { servicePrincipalId: WATCHDOG_APP.id },
    users: [],
    groups: [],
    servicePrincipals: [
      {
        id: GRAPH_SP_ID,
        appId: GRAPH_APP_ID,
        displayName: 'Microsoft Graph',
        appRoles: Object.values(GRAPH_APP_ROLES),
      },
      {
        id: EXCHANGE_SP_ID,
        appId: EXCHANGE_ONLINE_APP_ID,
        displayName: 'Office 365 Exchange Online',
        appRoles: [
          {
            id: EXCHANGE_MANAGE_AS_APP_ROLE_ID,
            value: 'Exchange.ManageAsApp',
            displayName: 'Manage Exchange As Application',
          },
        ],
      },
      { ...WATCHDOG_APP, exchange: { exchangeGuid: fixedGuid(0xe0000000, 3), displayName: WATCHDOG_POINTER } },
      {
        ...WATCHDOG_API,
        appRoles: [...WATCHDOG_API.appRoles],
        oauth2PermissionScopes: [...WATCHDOG_API.oauth2PermissionScopes],
      },
    ],
    managementRoles: roles,
    roleGroups: [
      {
        name: ORGANIZATION_MANAGEMENT,
        guid: fixedGuid(0xa0200000, 1),
        description:
          'Members of this management role group have permissions to manage Exchange objects and their properties in the Exchange organization.',
        members: [],
        linkedGroups: {
          [LINKED_GROUPS.tenantAdmins]: GLOBAL_ADMINISTRATOR_ROLE_ID,
          [LINKED_GROUPS.exchangeServiceAdmins]: EXCHANGE_ADMINISTRATOR_ROLE_ID,
        },
        whenCreatedUtc: CREATED,
      },
      {
        name: 'View-Only Organization Management',
        guid: fixedGuid(0xa0200000, 2),
        members: [],
        whenCreatedUtc: CREATED,
      },
      {
        name: WATCHDOG_ROLE_GROUP,
        guid: fixedGuid(0xa0200000, 3),
        description:
          'The MIE watchdog: reads role assignments and recipients, and manages Mailbox Import Export assignments.',
        members: [WATCHDOG_APP.id],
        whenCreatedUtc: CREATED,
      },
    ],
    roleAssignments: [
      {
        ...DEFAULT_DELEGATING_ASSIGNMENT,
        role: MIE_ROLE,
        assigneeType: 'RoleGroup',
        assignee: ORGANIZATION_MANAGEMENT,
        delegationType: 'DelegatingOrgWide',
        enabled: true,
        whenCreatedUtc: CREATED,
      },
      regular('Role Management', ORGANIZATION_MANAGEMENT),
      regular('Mail Recipients', ORGANIZATION_MANAGEMENT),
      regular('Organization Configuration', ORGANIZATION_MANAGEMENT),
      regular('View-Only Recipients', 'View-Only Organization Management'),
      regular('View-Only Configuration', 'View-Only Organization Management'),
      {
        ...WATCHDOG_DELEGATING_ASSIGNMENT,
        role: MIE_ROLE,
        assigneeType: 'RoleGroup',
        assignee: WATCHDOG_ROLE_GROUP,
        delegationType: 'DelegatingOrgWide',
        enabled: true,
        whenCreatedUtc: CREATED,
      },
      regular('Role Management', WATCHDOG_ROLE_GROUP),
      regular('View-Only Recipients', WATCHDOG_ROLE_GROUP),
      regular('View-Only Configuration', WATCHDOG_ROLE_GROUP),
      ...[APPLICATION_EXPORT_ROLE, APPLICATION_IMPORT_EXPORT_ROLE].map((role) => ({
        guid: fixedGuid(0xa5500000, ++assignmentNo),
        name: `${role}-${ORGANIZATION_MANAGEMENT}-Delegating`,
        role,
        assigneeType: 'RoleGroup' as const,
        assignee: ORGANIZATION_MANAGEMENT,
        delegationType: 'DelegatingOrgWide' as const,
        enabled: true,
        whenCreatedUtc: CREATED,
      })),
    ],
    directoryRoleAssignments: [],
    directoryRoleEligibilities: [],
    // Purview's default eDiscovery role groups (Security & Compliance Get-RoleGroup shows them by these names).
    purviewRoleGroups: [
      {
        name: 'eDiscoveryManager',
        displayName: 'eDiscovery Manager',
        guid: fixedGuid(0xa0300000, 1),
        roles: [
          'Case Management',
          'Compliance Search',
          EDISCOVERY_EXPORT_ROLE,
          'Hold',
          'Preview',
          'Review',
          'RMS Decrypt',
        ],
        members: [],
      },
      {
        name: 'ComplianceAdministrator',
        displayName: 'Compliance Administrator',
        guid: fixedGuid(0xa0300000, 2),
        roles: ['Case Management', 'Compliance Administrator', 'Hold', 'View-Only Audit Logs'],
        members: [],
      },
    ],
    appRoleAssignments: [
      {
        id: 'wdExManageAsApp',
        resourceId: EXCHANGE_SP_ID,
        appRoleId: EXCHANGE_MANAGE_AS_APP_ROLE_ID,
        principalId: WATCHDOG_APP.id,
        createdDateTime: CREATED,
      },
      // The least-privilege set the README documents: no Directory.Read.All.
      {
        id: 'wdUserReadAll',
        resourceId: GRAPH_SP_ID,
        appRoleId: GRAPH_APP_ROLES.userReadAll.id,
        principalId: WATCHDOG_APP.id,
        createdDateTime: CREATED,
      },
      {
        id: 'wdGroupMemberReadAll',
        resourceId: GRAPH_SP_ID,
        appRoleId: GRAPH_APP_ROLES.groupMemberReadAll.id,
        principalId: WATCHDOG_APP.id,
        createdDateTime: CREATED,
      },
      {
        id: 'wdRoleManagementRead',
        resourceId: GRAPH_SP_ID,
        appRoleId: GRAPH_APP_ROLES.roleManagementReadDirectory.id,
        principalId: WATCHDOG_APP.id,
        createdDateTime: CREATED,
      },
      {
        id: 'wdApplicationReadAll',
        resourceId: GRAPH_SP_ID,
        appRoleId: GRAPH_APP_ROLES.applicationReadAll.id,
        principalId: WATCHDOG_APP.id,
        createdDateTime: CREATED,
      },
    ],
  };
}
