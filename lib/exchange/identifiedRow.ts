/**
 * No lookup trusts the first row. The cmdlet reference of Get-ManagementRoleAssignment, Get-User,
 * Get-Recipient, Get-RoleGroup and Get-RoleGroupMember cautions: "The value $null or a non-existent value
 * for the Identity parameter returns *all* objects as if you ran the Get- command without the Identity
 * parameter." So the rows an -Identity lookup returns are kept only when they *are* the object asked for,
 * by the properties Exchange resolves that kind of identity by: rows of other objects mean "not found",
 * and two rows that both claim the identity are an error, never a guess.
 */
import { RequestError, type CallContext } from '../ports/index.js';
import type { CmdletRow } from './invokeCommand.js';
import { text } from './rows.js';

export type IdentityKind = 'assignment' | 'recipient' | 'roleGroup';

/** Properties whose value an -Identity of each kind may be (Guid, Name, ExternalDirectoryObjectId, addresses...). */
const IDENTIFYING: Record<IdentityKind, readonly string[]> = {
  assignment: ['Guid', 'Name', 'Identity', 'DistinguishedName'],
  roleGroup: ['Guid', 'Name', 'Identity', 'DistinguishedName', 'ExternalDirectoryObjectId'],
  recipient: [
    'Guid',
    'ExchangeObjectId',
    'ExternalDirectoryObjectId',
    'Name',
    'Identity',
    'Alias',
    'UserPrincipalName',
    'PrimarySmtpAddress',
    'WindowsEmailAddress',
    'DistinguishedName',
    'EmailAddresses',
  ],
};

/** Every value the row can be named by, lower case; proxy addresses lose their "smtp:" prefix. */
export function identitiesOf(row: CmdletRow, kind: IdentityKind): Set<string> {
  const out = new Set<string>();
  for (const key of IDENTIFYING[kind]) {
    const raw = row[key];
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      const v = text(value)
        ?.trim()
        .replace(/^smtp:/i, '')
        .toLowerCase();
      if (v) out.add(v);
    }
  }
  return out;
}

export function isIdentifiedAs(row: CmdletRow, kind: IdentityKind, wanted: string): boolean {
  return identitiesOf(row, kind).has(wanted.trim().toLowerCase());
}

/** The one row that is `wanted`; undefined when none is (whatever else came back); an error when several are. */
export function identifiedRow(
  rows: CmdletRow[],
  kind: IdentityKind,
  wanted: string,
  context: CallContext,
): CmdletRow | undefined {
  const matching = rows.filter((row) => isIdentifiedAs(row, kind, wanted));
  if (matching.length > 1) {
    throw new RequestError(
      context,
      `-Identity '${wanted}' answered ${matching.length} objects that all carry that identity (${matching.map((r) => text(r.Name) ?? '?').join(', ')}); refusing to pick one. Use the object's Guid.`,
    );
  }
  return matching[0];
}
