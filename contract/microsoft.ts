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
