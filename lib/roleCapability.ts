import {
  APPLICATION_EXPORT_ROLE,
  APPLICATION_IMPORT_EXPORT_ROLE,
  EDISCOVERY_EXPORT_ROLE,
  MAILBOX_EXPORT_APP_ROLE,
  MAILBOX_IMPORT_EXPORT_APP_ROLE,
  type Capability,
} from './domain.js';

/**
 * What holding Mailbox Import Export lets someone do, told the same way in every text a person reads
 * (alert and grant emails, the evidence report, the README). From the cmdlet reference:
 * - New-MailboxExportRequest: "This cmdlet is available only in on-premises Exchange."
 *   https://learn.microsoft.com/powershell/module/exchange/new-mailboxexportrequest
 * - Get-RecoverableItems / Restore-RecoverableItems: in Exchange Online too, and "available only in the
 *   Mailbox Import Export role". https://learn.microsoft.com/powershell/module/exchange/get-recoverableitems
 * - Purview PST import: "You have to be assigned the Mailbox Import Export role in Exchange Online to import
 *   PST files". https://learn.microsoft.com/purview/use-network-upload-to-import-pst-files
 * New-MailboxImportRequest is retired in Exchange Online.
 */
export const ROLE_CAPABILITY =
  'In Exchange Online, Mailbox Import Export lets its holder search and restore deleted items in any mailbox in scope ' +
  '(Get-RecoverableItems, Restore-RecoverableItems) and import PST files into mailboxes through the Microsoft Purview import service; ' +
  'mailbox export to PST (New-MailboxExportRequest) exists only in on-premises Exchange, where the role still grants it, hybrid organizations included.';

const BY_ROLE: Record<string, Capability[]> = {
  [MAILBOX_EXPORT_APP_ROLE.toLowerCase()]: ['export'],
  [MAILBOX_IMPORT_EXPORT_APP_ROLE.toLowerCase()]: ['export', 'import'],
  [APPLICATION_EXPORT_ROLE.toLowerCase()]: ['export'],
  [APPLICATION_IMPORT_EXPORT_ROLE.toLowerCase()]: ['export', 'import'],
  [EDISCOVERY_EXPORT_ROLE.toLowerCase()]: ['export'],
};

/**
 * What holding a role lets one do, by the role's name. Anything else the audit reads is Mailbox Import Export or a
 * custom child of it (whose name the admin chose): PST import through Purview and restoring deleted items.
 */
export function capabilityOf(role: string): Capability[] {
  return BY_ROLE[role.trim().toLowerCase()] ?? ['import', 'restore-deleted-items'];
}

/** Two holders' powers overlap: a tenant-wide grant of one makes a scope on the other meaningless. */
export function sharesCapability(a: Capability[], b: Capability[]): boolean {
  return a.some((c) => b.includes(c));
}
