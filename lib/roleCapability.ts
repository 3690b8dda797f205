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
