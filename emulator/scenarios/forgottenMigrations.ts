/**
 * "forgotten-migrations": the seed tenant of the team brief. Mailbox Import Export reaches twelve
 * holders by every path the watchdog must understand, and every other door to mailbox content has at least one:
 * an app with Graph's MailboxItem.Export.All that is also scoped through an Exchange application role (the
 * misconfiguration), a backup app with a scoped application role only, an admin only PIM-eligible for Exchange
 * Administrator, an eDiscovery Manager, and a user who can grant the role. Tests import the ids and names from here.
 */
import {
  APPLICATION_EXPORT_ROLE,
  APPLICATION_IMPORT_EXPORT_ROLE,
  EXCHANGE_ADMINISTRATOR_ROLE_ID,
  GLOBAL_ADMINISTRATOR_ROLE_ID,
  GLOBAL_READER_ROLE_ID,
  MIE_ROLE,
  ORGANIZATION_MANAGEMENT,
} from '../../contract/microsoft.js';
import type { SeedAuditRecord, SeedUser, TenantSeed } from '../seed.js';
import { GRAPH_APP_ROLES, GRAPH_SP_ID, WATCHDOG_API, baseTenant, fixedGuid } from './baseTenant.js';

export const TENANT = 'contoso.onmicrosoft.com';
export const TENANT_ID = '3a7c1b9e-5d2f-4e8a-9b61-0c4d2e7f8a15';

function user(n: number, local: string, name: string, displayName: string): SeedUser {
  return {
    id: fixedGuid(0x0c0e0000, n),
    userPrincipalName: `${local}@${TENANT}`,
    name,
    displayName,
    exchangeGuid: fixedGuid(0xe0100000, n),
  };
}

export const USERS = {
  admin: user(1, 'admin', 'admin', 'MOD Administrator'),
  pattif: user(2, 'pattif', 'PattiF', 'Patti Fernandez'),
  breakglass1: user(3, 'breakglass1', 'breakglass1', 'Emergency Access 1'),
  alexw: user(4, 'alexw', 'AlexW', 'Alex Wilber'),
  diegos: user(5, 'diegos', 'DiegoS', 'Diego Siciliani'),
  lynner: user(6, 'lynner', 'LynneR', 'Lynne Robbins'),
  gradya: user(7, 'gradya', 'GradyA', 'Grady Archie'),
  johannal: user(8, 'johannal', 'JohannaL', 'Johanna Lorenz'),
  isaiahl: user(9, 'isaiahl', 'IsaiahL', 'Isaiah Langer'),
  nestorw: user(10, 'nestorw', 'NestorW', 'Nestor Wilke'),
  meganb: user(11, 'meganb', 'MeganB', 'Megan Bowen'),
  lidiah: user(12, 'lidiah', 'LidiaH', 'Lidia Holloway'),
  adelev: user(13, 'adelev', 'AdeleV', 'Adele Vance'),
  christiec: user(14, 'christiec', 'ChristieC', 'Christie Cline'),
  kennethb: user(15, 'kennethb', 'KennethB', 'Kenneth Bauer'),
  irvins: user(16, 'irvins', 'IrvinS', 'Irvin Sayers'),
} as const satisfies Record<string, SeedUser>;

export const GROUPS = {
  legacyMigrationTeam: {
    id: fixedGuid(0x0c0f0000, 1),
    displayName: 'Legacy Migration Team',
    mail: `LegacyMigrationTeam@${TENANT}`,
  },
  migrationContractors: { id: fixedGuid(0x0c0f0000, 2), displayName: 'Migration Contractors' },
} as const;

export const ROLE_GROUPS = {
  pstMigrationOperators: { name: 'PST Migration Operators', guid: fixedGuid(0xa0200000, 10) },
} as const;

export const CUSTOM_ROLE = {
  name: 'MIE Legal Hold Export',
  guid: fixedGuid(0xa0100000, 50),
  parent: MIE_ROLE,
} as const;

/** Exchange-registered service principal holding MIE directly. */
export const LEGACY_ARCHIVER = {
  id: fixedGuid(0x5e0000, 20),
  appId: fixedGuid(0xa9900000, 20),
  displayName: 'Legacy Archiver',
} as const;
/** Enterprise app holding Graph's MailboxItem.ImportExport.All. */
export const CONTOSO_MIGRATION_TOOL = {
  id: fixedGuid(0x5e0000, 21),
  appId: fixedGuid(0xa9900000, 21),
  displayName: 'Contoso Migration Tool',
} as const;
export const MIGRATION_TOOL_APP_ROLE_ASSIGNMENT_ID = 'cMt0oLmIEaPpRoLeAsSiGnMeNt000000000000000001';
/**
 * Holds Graph's MailboxItem.Export.All tenant-wide and the Exchange application role of the same power scoped to the
 * legal custodians: the scope limits nothing.
 */
export const ARCHIVE_EXPORTER = {
  id: fixedGuid(0x5e0000, 22),
  appId: fixedGuid(0xa9900000, 22),
  displayName: 'Legal Archive Exporter',
} as const;
export const ARCHIVE_EXPORTER_APP_ROLE_ASSIGNMENT_ID = 'lAe0oLmIEaPpRoLeAsSiGnMeNt000000000000000002';
/** Backs up and restores the finance mailboxes through a scoped Exchange application role only. */
export const CONTOSO_BACKUP = {
  id: fixedGuid(0x5e0000, 23),
  appId: fixedGuid(0xa9900000, 23),
  displayName: 'Contoso Mailbox Backup',
} as const;
export const MANAGEMENT_SCOPES = { legalCustodians: 'Legal Custodians' } as const;
export const FINANCE_ADMINISTRATIVE_UNIT = fixedGuid(0xa0400000, 1);
/** Only eligible (PIM) for Exchange Administrator: can activate it, and with it Organization Management, at any time. */
export const ELIGIBLE_ADMIN = USERS.kennethb;
/** A member of Purview's eDiscovery Manager role group, which carries the Export role. */
export const EDISCOVERY_MANAGER = USERS.irvins;
/** Given a delegating assignment of Mailbox Import Export in 2023: can grant the role to anyone, herself included. */
export const GRANTOR = USERS.christiec;

export const ASSIGNMENTS = {
  alexw: { guid: fixedGuid(0xa5500000, 1001), name: `${MIE_ROLE}-AlexW` },
  diegos: { guid: fixedGuid(0xa5500000, 1002), name: `${MIE_ROLE}-DiegoS` },
  pstMigrationOperators: { guid: fixedGuid(0xa5500000, 1003), name: `${MIE_ROLE}-PST Migration Operators` },
  legacyMigrationTeam: { guid: fixedGuid(0xa5500000, 1004), name: `${MIE_ROLE}-Legacy Migration Team` },
  nestorw: { guid: fixedGuid(0xa5500000, 1005), name: `${CUSTOM_ROLE.name}-NestorW` },
  legacyArchiver: { guid: fixedGuid(0xa5500000, 1006), name: `${MIE_ROLE}-Legacy Archiver` },
  organizationManagement: { guid: fixedGuid(0xa5500000, 1007), name: `${MIE_ROLE}-${ORGANIZATION_MANAGEMENT}` },
  archiveExporter: { guid: fixedGuid(0xa5500000, 1008), name: `${APPLICATION_EXPORT_ROLE}-Legal Archive Exporter` },
  contosoBackup: {
    guid: fixedGuid(0xa5500000, 1009),
    name: `${APPLICATION_IMPORT_EXPORT_ROLE}-Contoso Mailbox Backup`,
  },
  grantor: { guid: fixedGuid(0xa5500000, 1010), name: `${MIE_ROLE}-ChristieC-Delegating` },
} as const;

/** A migration contractor whose account was deleted when the 2023 project ended: only the audit log remembers it. */
export const DEPARTED_CONTRACTOR_UPN = 'm.okafor.ext@contoso.onmicrosoft.com';

function adminRecord(
  n: number,
  at: string,
  by: string,
  operation: string,
  objectId: string,
  parameters: Record<string, string>,
): SeedAuditRecord {
  return {
    id: fixedGuid(0xa0d10000, n),
    createdDateTime: at,
    recordType: 'exchangeAdmin',
    operation,
    userPrincipalName: by,
    objectId,
    parameters: Object.entries(parameters).map(([Name, Value]) => ({ Name, Value })),
  };
}

/** Who made the 2023 changes (seconds after each assignment's WhenCreated), as Purview audit search returns them. */
export const AUDIT_HISTORY: SeedAuditRecord[] = [
  adminRecord(
    1,
    '2023-03-14T09:12:43.000Z',
    USERS.admin.userPrincipalName,
    'New-ManagementRoleAssignment',
    ASSIGNMENTS.alexw.name,
    { Name: ASSIGNMENTS.alexw.name, Role: MIE_ROLE, User: USERS.alexw.name },
  ),
  adminRecord(
    2,
    '2023-04-18T10:31:12.000Z',
    USERS.admin.userPrincipalName,
    'New-ManagementRoleAssignment',
    ASSIGNMENTS.pstMigrationOperators.name,
    {
      Name: ASSIGNMENTS.pstMigrationOperators.name,
      Role: MIE_ROLE,
      SecurityGroup: ROLE_GROUPS.pstMigrationOperators.name,
    },
  ),
  adminRecord(
    3,
    '2023-04-18T10:36:40.000Z',
    DEPARTED_CONTRACTOR_UPN,
    'Add-RoleGroupMember',
    ROLE_GROUPS.pstMigrationOperators.name,
    { Identity: ROLE_GROUPS.pstMigrationOperators.name, Member: USERS.lynner.name },
  ),
  adminRecord(
    4,
    '2023-04-18T10:37:05.000Z',
    DEPARTED_CONTRACTOR_UPN,
    'Add-RoleGroupMember',
    ROLE_GROUPS.pstMigrationOperators.name,
    { Identity: ROLE_GROUPS.pstMigrationOperators.name, Member: USERS.gradya.userPrincipalName },
  ),
  adminRecord(
    5,
    '2023-06-02T15:47:05.000Z',
    DEPARTED_CONTRACTOR_UPN,
    'New-ManagementRoleAssignment',
    ASSIGNMENTS.diegos.name,
    { Name: ASSIGNMENTS.diegos.name, Role: MIE_ROLE, User: USERS.diegos.userPrincipalName },
  ),
  adminRecord(
    6,
    '2023-09-20T13:09:31.000Z',
    USERS.admin.userPrincipalName,
    'New-ManagementRoleAssignment',
    ASSIGNMENTS.nestorw.name,
    { Name: ASSIGNMENTS.nestorw.name, Role: CUSTOM_ROLE.name, User: USERS.nestorw.name },
  ),
];

export const SENDER = `watchdog@${TENANT}`;
export const SECURITY_TEAM = `security@${TENANT}`;
export const BREAK_GLASS = [USERS.breakglass1.userPrincipalName];

/**
 * The expected effective holders with no grants, one per principal and cause, UPNs for people and appIds for apps:
 * MIE's twelve, the two apps of the Graph and Exchange application doors and the PIM-eligible admin. The eDiscovery manager is read only with
 * WATCHDOG_EDISCOVERY_AUDIT=true (EDISCOVERY_HOLDER_PRINCIPALS).
 */
export const EXPECTED_HOLDER_PRINCIPALS = [
  USERS.alexw.userPrincipalName,
  USERS.diegos.userPrincipalName,
  USERS.lynner.userPrincipalName,
  USERS.gradya.userPrincipalName,
  USERS.johannal.userPrincipalName,
  USERS.isaiahl.userPrincipalName,
  USERS.nestorw.userPrincipalName,
  USERS.admin.userPrincipalName,
  USERS.pattif.userPrincipalName,
  USERS.breakglass1.userPrincipalName,
  LEGACY_ARCHIVER.appId,
  CONTOSO_MIGRATION_TOOL.appId,
  // Twice: through the Graph permission and through the Exchange application role.
  ARCHIVE_EXPORTER.appId,
  ARCHIVE_EXPORTER.appId,
  CONTOSO_BACKUP.appId,
  ELIGIBLE_ADMIN.userPrincipalName,
] as const;
export const EDISCOVERY_HOLDER_PRINCIPALS = [EDISCOVERY_MANAGER.userPrincipalName] as const;
/**
 * The open findings of a first audit without grants, by cause (`principal`): three direct assignments, the role
 * group, the security group and Organization Management (admin, pattif and the eligible kennethb; breakglass1 is
 * reported apart), five apps' doors, and the user who can grant the role.
 */
export const EXPECTED_FINDING_PRINCIPALS = [
  USERS.alexw.userPrincipalName,
  USERS.diegos.userPrincipalName,
  USERS.nestorw.userPrincipalName,
  ROLE_GROUPS.pstMigrationOperators.name.toLowerCase(),
  GROUPS.legacyMigrationTeam.displayName.toLowerCase(),
  ORGANIZATION_MANAGEMENT.toLowerCase(),
  LEGACY_ARCHIVER.appId,
  CONTOSO_MIGRATION_TOOL.appId,
  ARCHIVE_EXPORTER.appId,
  ARCHIVE_EXPORTER.appId,
  CONTOSO_BACKUP.appId,
  GRANTOR.name.toLowerCase(),
] as const;
/** The Purview role group's finding, with WATCHDOG_EDISCOVERY_AUDIT=true. */
export const EDISCOVERY_FINDING_PRINCIPALS = ['ediscovery manager'] as const;

/** `kind:principal` of every finding of a first audit without grants (with or without the Purview read). */
export function expectedFindings(ediscovery: boolean): string[] {
  const principals = [...EXPECTED_FINDING_PRINCIPALS, ...(ediscovery ? EDISCOVERY_FINDING_PRINCIPALS : [])];
  return principals.map((p) => `${p === GRANTOR.name.toLowerCase() ? 'can-grant' : 'unapproved'}:${p}`).sort();
}

export function forgottenMigrations(): TenantSeed {
  const seed = baseTenant(TENANT, TENANT_ID);
  seed.users.push(...Object.values(USERS));
  seed.groups.push(
    {
      ...GROUPS.legacyMigrationTeam,
      mailEnabled: true,
      securityEnabled: true,
      exchangeGuid: fixedGuid(0xe0200000, 1),
      members: [USERS.johannal.id, GROUPS.migrationContractors.id],
    },
    {
      ...GROUPS.migrationContractors,
      mailEnabled: false,
      securityEnabled: true,
      exchangeGuid: fixedGuid(0xe0200000, 2),
      members: [USERS.isaiahl.id],
    },
  );
  seed.servicePrincipals.push(
    { ...LEGACY_ARCHIVER, exchange: { exchangeGuid: fixedGuid(0xe0000000, 20) } },
    { ...CONTOSO_MIGRATION_TOOL },
    { ...ARCHIVE_EXPORTER, exchange: { exchangeGuid: fixedGuid(0xe0000000, 22) } },
    { ...CONTOSO_BACKUP, exchange: { exchangeGuid: fixedGuid(0xe0000000, 23) } },
  );
  seed.managementRoles.push({
    name: CUSTOM_ROLE.name,
    guid: CUSTOM_ROLE.guid,
    roleType: 'MailboxImportExport',
    parent: MIE_ROLE,
    whenCreatedUtc: '2023-09-20T13:05:00.000Z',
  });
  seed.roleGroups.push({
    ...ROLE_GROUPS.pstMigrationOperators,
    description: 'PST imports for the 2023 file-server migration.',
    members: [USERS.lynner.id, USERS.gradya.id],
    whenCreatedUtc: '2023-04-18T10:30:00.000Z',
  });
  const regular = { delegationType: 'Regular' as const, enabled: true };
  seed.roleAssignments.push(
    {
      ...ASSIGNMENTS.alexw,
      ...regular,
      role: MIE_ROLE,
      assigneeType: 'User',
      assignee: USERS.alexw.id,
      whenCreatedUtc: '2023-03-14T09:12:41.000Z',
    },
    {
      ...ASSIGNMENTS.diegos,
      ...regular,
      enabled: false,
      role: MIE_ROLE,
      assigneeType: 'User',
      assignee: USERS.diegos.id,
      whenCreatedUtc: '2023-06-02T15:47:03.000Z',
    },
    {
      ...ASSIGNMENTS.pstMigrationOperators,
      ...regular,
      role: MIE_ROLE,
      assigneeType: 'RoleGroup',
      assignee: ROLE_GROUPS.pstMigrationOperators.name,
      whenCreatedUtc: '2023-04-18T10:31:10.000Z',
    },
    {
      ...ASSIGNMENTS.legacyMigrationTeam,
      ...regular,
      role: MIE_ROLE,
      assigneeType: 'SecurityGroup',
      assignee: GROUPS.legacyMigrationTeam.id,
      whenCreatedUtc: '2022-11-07T08:20:55.000Z',
    },
    {
      ...ASSIGNMENTS.nestorw,
      ...regular,
      role: CUSTOM_ROLE.name,
      assigneeType: 'User',
      assignee: USERS.nestorw.id,
      whenCreatedUtc: '2023-09-20T13:09:30.000Z',
    },
    {
      ...ASSIGNMENTS.legacyArchiver,
      ...regular,
      role: MIE_ROLE,
      assigneeType: 'ServicePrincipal',
      assignee: LEGACY_ARCHIVER.id,
      whenCreatedUtc: '2022-05-30T17:02:12.000Z',
    },
    {
      ...ASSIGNMENTS.organizationManagement,
      ...regular,
      role: MIE_ROLE,
      assigneeType: 'RoleGroup',
      assignee: ORGANIZATION_MANAGEMENT,
      whenCreatedUtc: '2022-02-21T11:45:00.000Z',
    },
    {
      ...ASSIGNMENTS.archiveExporter,
      ...regular,
      role: APPLICATION_EXPORT_ROLE,
      assigneeType: 'ServicePrincipal',
      assignee: ARCHIVE_EXPORTER.id,
      customResourceScope: MANAGEMENT_SCOPES.legalCustodians,
      whenCreatedUtc: '2024-02-12T09:00:00.000Z',
    },
    {
      ...ASSIGNMENTS.contosoBackup,
      ...regular,
      role: APPLICATION_IMPORT_EXPORT_ROLE,
      assigneeType: 'ServicePrincipal',
      assignee: CONTOSO_BACKUP.id,
      recipientAdministrativeUnitScope: FINANCE_ADMINISTRATIVE_UNIT,
      whenCreatedUtc: '2024-05-06T14:20:00.000Z',
    },
    {
      ...ASSIGNMENTS.grantor,
      delegationType: 'DelegatingOrgWide',
      enabled: true,
      role: MIE_ROLE,
      assigneeType: 'User',
      assignee: GRANTOR.id,
      whenCreatedUtc: '2023-05-10T08:15:00.000Z',
    },
  );
  seed.directoryRoleAssignments.push(
    {
      id: 'lAPpKOhG7kSz5bGYwEo8aMTmYQ1bNtlPr5XfmlZyNfE-1',
      roleDefinitionId: GLOBAL_ADMINISTRATOR_ROLE_ID,
      principalId: USERS.admin.id,
    },
    {
      id: 'lAPpKOhG7kSz5bGYwEo8aMTmYQ1bNtlPr5XfmlZyNfE-3',
      roleDefinitionId: GLOBAL_ADMINISTRATOR_ROLE_ID,
      principalId: USERS.breakglass1.id,
    },
    {
      id: 'zyMjKSOTp0Kt6h0Jfe3L3sTmYQ1bNtlPr5XfmlZyNfE-2',
      roleDefinitionId: EXCHANGE_ADMINISTRATOR_ROLE_ID,
      principalId: USERS.pattif.id,
    },
    // Lets the watchdog read Purview role groups (WATCHDOG_EDISCOVERY_AUDIT).
    { id: 'wdGlobalReader', roleDefinitionId: GLOBAL_READER_ROLE_ID, principalId: seed.caller.servicePrincipalId },
  );
  seed.directoryRoleEligibilities = [
    {
      id: 'zyMjKSOTp0Kt6h0Jfe3L3sTmYQ1bNtlPr5XfmlZyNfE-e1',
      roleDefinitionId: EXCHANGE_ADMINISTRATOR_ROLE_ID,
      principalId: ELIGIBLE_ADMIN.id,
      startDateTime: '2024-01-08T09:00:00.000Z',
    },
  ];
  seed.purviewRoleGroups = (seed.purviewRoleGroups ?? []).map((g) =>
    g.name === 'eDiscoveryManager' ? { ...g, members: [...g.members, EDISCOVERY_MANAGER.id] } : g,
  );
  seed.appRoleAssignments.push(
    {
      id: MIGRATION_TOOL_APP_ROLE_ASSIGNMENT_ID,
      resourceId: GRAPH_SP_ID,
      appRoleId: GRAPH_APP_ROLES.mailboxItemImportExportAll.id,
      principalId: CONTOSO_MIGRATION_TOOL.id,
      createdDateTime: '2023-01-25T12:00:00.000Z',
    },
    {
      id: ARCHIVE_EXPORTER_APP_ROLE_ASSIGNMENT_ID,
      resourceId: GRAPH_SP_ID,
      appRoleId: GRAPH_APP_ROLES.mailboxItemExportAll.id,
      principalId: ARCHIVE_EXPORTER.id,
      createdDateTime: '2024-02-12T08:40:00.000Z',
    },
  );
  seed.appRoleAssignments.push(...watchdogApiRoles());
  seed.auditRecords = AUDIT_HISTORY.map((r) => ({ ...r }));
  return seed;
}

/**
 * Who holds which app role of the watchdog API (what sign-in through the emulator puts in `roles`): Megan leads
 * the migrations and requests, Lidia and Patti approve, Grady does both (and may never approve his own), Johanna
 * audits; Adele requests too.
 */
export const API_ROLE_HOLDERS = {
  meganb: ['Grant.Request'],
  adelev: ['Grant.Request'],
  lidiah: ['Grant.Approve'],
  pattif: ['Grant.Approve'],
  gradya: ['Grant.Request', 'Grant.Approve'],
  johannal: ['Audit.Read'],
} as const satisfies Partial<Record<keyof typeof USERS, readonly string[]>>;

function watchdogApiRoles(): TenantSeed['appRoleAssignments'] {
  return Object.entries(API_ROLE_HOLDERS).flatMap(([who, values]) =>
    values.map((value) => ({
      id: `wdApi-${who}-${value}`,
      resourceId: WATCHDOG_API.id,
      appRoleId: WATCHDOG_API.appRoles.find((r) => r.value === value)?.id ?? '',
      principalId: USERS[who as keyof typeof API_ROLE_HOLDERS].id,
      createdDateTime: '2025-06-01T09:00:00.000Z',
    })),
  );
}
