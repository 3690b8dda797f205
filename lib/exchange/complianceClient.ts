/**
 * Purview role groups over Security & Compliance PowerShell's admin API: the same InvokeCommand shape as Exchange
 * Online's, on its own host (COMPLIANCE_URL) with a token for that host's audience. The global host answers with a
 * redirect to the tenant's regional host, which is followed (only to a host under the global one) and kept.
 * The app reads role groups with a Microsoft Entra role that Security & Compliance honours for app-only access
 * (docs/permissions.md); without it the cmdlets are not found (401), which fails the audit.
 * https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2
 */
import type { Recipient } from '../domain.js';
import { NotFoundError, type ComplianceRoleGroups, type PurviewRoleGroup } from '../ports/index.js';
import { checkMembersOfGroup } from './exchangeAdminClient.js';
import { InvokeCommandClient, type CmdletRow, type InvokeCommandOptions } from './invokeCommand.js';
import { text, toRecipient } from './rows.js';

const SERVICE = 'Security & Compliance';

export type ComplianceClientOptions = Omit<
  InvokeCommandOptions,
  'exchangeUrl' | 'service' | 'permission' | 'followRegionalRedirect' | 'batch'
> & {
  complianceUrl: string;
};

/** What a 401 or a hidden cmdlet means here: the app lacks the Entra role that lets it read Purview role groups. */
export function compliancePermission(cmdlet: string): string {
  return (
    `the app role Exchange.ManageAsApp on Office 365 Exchange Online and the Microsoft Entra role Global Reader for its ` +
    `service principal, which lets Security & Compliance PowerShell run ${cmdlet} (or set WATCHDOG_EDISCOVERY_AUDIT=false)`
  );
}

function list(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v) => {
    const t = text(v)?.trim();
    return t ? [t] : [];
  });
}

function toRoleGroup(row: CmdletRow): PurviewRoleGroup & { members: string[] } {
  const name = text(row.Name);
  const guid = text(row.Guid);
  if (!name || !guid)
    throw new Error(
      'Security & Compliance returned a role group without Name or Guid; the response is not in the expected shape.',
    );
  return {
    name,
    guid: guid.toLowerCase(),
    displayName: text(row.DisplayName) || undefined,
    roles: list(row.Roles),
    members: list(row.Members),
  };
}

/** Member rows name the user's sign-in address WindowsLiveID where Exchange's would carry UserPrincipalName. */
function toMember(row: CmdletRow): Recipient {
  const r = toRecipient(row);
  const upn = r.userPrincipalName ?? text(row.WindowsLiveID);
  return upn ? { ...r, userPrincipalName: upn.toLowerCase() } : r;
}

export class ComplianceClient implements ComplianceRoleGroups {
  private readonly api: InvokeCommandClient;
  /** Members each listed group shows, to check a member read answered that group and no other. */
  private readonly listed = new Map<string, string[]>();

  constructor(options: ComplianceClientOptions) {
    const { complianceUrl, ...rest } = options;
    this.api = new InvokeCommandClient({
      ...rest,
      exchangeUrl: complianceUrl,
      service: SERVICE,
      permission: compliancePermission,
      followRegionalRedirect: true,
      // Each call alone: a regional redirect is followed per request, and the reads are few.
      batch: false,
    });
  }

  async listRoleGroups(): Promise<PurviewRoleGroup[]> {
    const groups = (await this.api.invoke('Get-RoleGroup', { ResultSize: 'Unlimited' })).map(toRoleGroup);
    return groups.map(({ members, ...group }) => {
      this.listed.set(group.name.toLowerCase(), members);
      return group;
    });
  }

  async getRoleGroupMembers(group: PurviewRoleGroup): Promise<Recipient[]> {
    const members = this.listed.get(group.name.toLowerCase());
    if (!members)
      throw new NotFoundError(
        { service: SERVICE, operation: 'Get-RoleGroupMember' },
        `role group '${group.name}' was not among those Get-RoleGroup listed`,
      );
    const rows = await this.api.invoke('Get-RoleGroupMember', { Identity: group.name, ResultSize: 'Unlimited' });
    checkMembersOfGroup(members, group.name, rows, SERVICE);
    return rows.map(toMember);
  }
}
