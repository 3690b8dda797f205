/**
 * Microsoft's own names and ids that both the watchdog (lib/) and the tenant emulator (emulator/) depend on:
 * facts about Exchange Online and Entra ID, not choices of either side, so they are written down once here.
 * This module imports nothing.
 */

export const MIE_ROLE = 'Mailbox Import Export';
export const ORGANIZATION_MANAGEMENT = 'Organization Management';
/** The EffectiveUserName of the row that stands for a group itself in Get-ManagementRoleAssignment -GetEffectiveUsers. */
export const ALL_GROUP_MEMBERS = 'All Group Members';
/** Graph's own service principal; its app role below is MIE's power without PST. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const MAILBOX_IMPORT_EXPORT_APP_ROLE = 'MailboxItem.ImportExport.All';
/** Office 365 Exchange Online, the resource of Exchange.ManageAsApp. */
export const EXCHANGE_ONLINE_APP_ID = '00000002-0000-0ff1-ce00-000000000000';
/** Directory role template ids whose holders inherit Organization Management through linked groups. */
export const GLOBAL_ADMINISTRATOR_ROLE_ID = '62e90394-69f5-4237-9190-012177145e10';
export const EXCHANGE_ADMINISTRATOR_ROLE_ID = '29232cdf-9323-42fd-ade2-1d097af3e4de';
/** Global Reader: the read-only Entra role Security & Compliance PowerShell accepts for app-only role group reads. */
export const GLOBAL_READER_ROLE_ID = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';

/**
 * Graph's mailbox import/export API (v1.0): MailboxItem.Export.All is the least-privileged application permission
 * of mailbox exportItems, MailboxItem.ImportExport.All the higher one that also imports
 * (https://learn.microsoft.com/graph/api/mailbox-exportitems). App role ids as Graph's service principal lists them;
 * the watchdog matches by value and checks the id it reads.
 */
export const MAILBOX_EXPORT_APP_ROLE = 'MailboxItem.Export.All';
export const GRAPH_MAILBOX_APP_ROLE_IDS: Record<string, string> = {
  [MAILBOX_EXPORT_APP_ROLE]: '937550e9-33a3-494b-88ae-d9cd394b1fbb',
  [MAILBOX_IMPORT_EXPORT_APP_ROLE]: '76577085-e73d-4f1d-b26a-85fb33892327',
};
/**
 * Exchange "RBAC for Applications" roles carrying the same powers, assigned to service principal pointers with a
 * resource scope. Names as the "Supported Application Roles" table of
 * https://learn.microsoft.com/exchange/permissions-exo/application-rbac lists them (each scopes the Graph permission
 * of the same name with ".All"). The same page: these grants add to any unscoped Entra consent (a union), which is
 * why an app holding both is flagged.
 */
export const APPLICATION_EXPORT_ROLE = 'Application MailboxItem.Export';
export const APPLICATION_IMPORT_EXPORT_ROLE = 'Application MailboxItem.ImportExport';
/** The Purview eDiscovery role that exports search results (eDiscovery Manager and Administrators by default). */
export const EDISCOVERY_EXPORT_ROLE = 'Export';
/** Security & Compliance PowerShell's admin API host (its own token audience; it may redirect to a regional host). */
export const COMPLIANCE_URL = 'https://ps.compliance.protection.outlook.com';
