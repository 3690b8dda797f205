/**
 * Security & Compliance PowerShell's admin API: the InvokeCommand shape of Exchange Online's (same body, paging,
 * errors and anchor mailbox) on its own host, with the Purview role group cmdlets. The global endpoint answers every
 * call with a redirect to the tenant's regional endpoint, which serves it; the emulator's region is a path segment.
 * App-only callers need Exchange.ManageAsApp and a Microsoft Entra role that Security & Compliance honours
 * (https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2).
 */
import type { IncomingMessage } from 'node:http';
import {
  EXCHANGE_ONLINE_APP_ID,
  GLOBAL_ADMINISTRATOR_ROLE_ID,
  GLOBAL_READER_ROLE_ID,
} from '../../contract/microsoft.js';
import type { EmulatorContext } from '../context.js';
import { COMMON, unknownIdentity, type CmdletSpec, type Params, type Row } from '../exchange/cmdlets.js';
import { invokeCommand, unauthorized, type AdminApi } from '../exchange/route.js';
import type { Reply } from '../http.js';
import type { SeedPurviewRoleGroup } from '../seed.js';
import type { TenantState } from '../tenantState.js';

/** /compliance/adminapi/... (global, redirects) or /compliance/{region}/adminapi/... (regional, serves). */
export const COMPLIANCE_INVOKE = /^\/compliance(?:\/([a-z0-9]+))?\/adminapi\/beta\/([^/]+)\/InvokeCommand$/i;
export const COMPLIANCE_REGION = 'emu01b';

/** Directory role template ids Security & Compliance accepts for app-only access that can read role groups. */
export const COMPLIANCE_READER_ROLES: Record<string, string> = {
  [GLOBAL_READER_ROLE_ID]: 'Global Reader',
  '17315797-102d-40b4-93e0-432062caca18': 'Compliance Administrator',
  [GLOBAL_ADMINISTRATOR_ROLE_ID]: 'Global Administrator',
};

function roleGroupRow(state: TenantState, g: SeedPurviewRoleGroup): Row {
  return {
    'Guid@data.type': 'System.Guid',
    Guid: g.guid,
    Name: g.name,
    DisplayName: g.displayName ?? g.name,
    Identity: g.name,
    'Roles@data.type': 'Microsoft.Exchange.Data.MultiValuedProperty`1[[System.String]]',
    Roles: g.roles,
    Members: g.members.map((id) => state.recipientById(id)?.name ?? id),
    RoleGroupType: 'Standard',
    IsValid: true,
  };
}

function memberRow(state: TenantState, id: string): Row | undefined {
  const r = state.recipientById(id);
  if (!r) return undefined;
  const base = { Name: r.name, Identity: r.name, ExternalDirectoryObjectId: id };
  if (r.kind === 'user')
    return {
      ...base,
      DisplayName: r.user.displayName,
      PrimarySmtpAddress: r.user.userPrincipalName,
      WindowsLiveID: r.user.userPrincipalName,
      RecipientType: 'UserMailbox',
      RecipientTypeDetails: 'UserMailbox',
    };
  if (r.kind === 'group')
    return { ...base, DisplayName: r.group.displayName, RecipientType: 'Group', RecipientTypeDetails: 'SecurityGroup' };
  return undefined;
}

/** The Entra role check in COMPLIANCE_API.authorize stands for these; the emulator has no Purview roles of its own. */
const ROLE_GROUP_READ = Object.values(COMPLIANCE_READER_ROLES);

const COMPLIANCE_CMDLETS: Record<string, CmdletSpec> = {
  'Get-RoleGroup': {
    params: { ...COMMON, Identity: 'string', ResultSize: 'any' },
    roles: ROLE_GROUP_READ,
    identityHazard: true,
    run: (state, p: Params, ctx) => {
      const all = () => [...state.purviewRoleGroups.values()].map((g) => roleGroupRow(state, g));
      if (p.Identity === undefined) return all();
      const g = state.purviewRoleGroups.get((p.Identity as string).toLowerCase());
      return g ? [roleGroupRow(state, g)] : unknownIdentity(state, p, ctx, all);
    },
  },
  'Get-RoleGroupMember': {
    params: { ...COMMON, Identity: 'string', ResultSize: 'any' },
    roles: ROLE_GROUP_READ,
    identityHazard: true,
    run: (state, p: Params, ctx) => {
      const g =
        p.Identity === undefined ? undefined : state.purviewRoleGroups.get((p.Identity as string).toLowerCase());
      const everyone = () => [...state.purviewRoleGroups.values()];
      const groups: SeedPurviewRoleGroup[] = g
        ? [g]
        : p.Identity === undefined
          ? everyone()
          : unknownIdentity(state, p, ctx, everyone);
      const ids = [...new Set(groups.flatMap((x) => x.members))];
      return ids.flatMap((id): Row[] => {
        const row = memberRow(state, id);
        return row ? [row] : [];
      });
    },
  },
};

const COMPLIANCE_API: AdminApi = {
  audience: 'https://ps.compliance.protection.outlook.com/.default',
  cmdlets: COMPLIANCE_CMDLETS,
  authorize(ctx) {
    const { state } = ctx;
    if (!state.callerAppRoles(EXCHANGE_ONLINE_APP_ID).has('Exchange.ManageAsApp'))
      return unauthorized('The app has no Exchange.ManageAsApp application permission on Office 365 Exchange Online.');
    const held = new Set(
      state.directoryRoleAssignments.filter((d) => d.principalId === state.callerId).map((d) => d.roleDefinitionId),
    );
    if (!Object.keys(COMPLIANCE_READER_ROLES).some((r) => held.has(r)))
      return unauthorized(
        `The app holds no Microsoft Entra role that Security & Compliance accepts for reading role groups; assign one of: ${Object.values(COMPLIANCE_READER_ROLES).join(', ')}.`,
      );
    return undefined;
  },
};

export function complianceInvoke(
  ctx: EmulatorContext,
  req: IncomingMessage,
  url: URL,
  match: RegExpExecArray,
  body: unknown,
  warnings: string[],
): Reply {
  const [, region, tenant] = match;
  if (!region) {
    // The global host sends every call to the tenant's region; callers re-POST there (the EXO module does).
    const location = `${ctx.baseUrl}/compliance/${COMPLIANCE_REGION}/adminapi/beta/${tenant}/InvokeCommand${url.search}`;
    return { status: 302, headers: { Location: location }, body: { error: { code: 'Redirect', message: location } } };
  }
  return invokeCommand(ctx, req.headers, url, tenant as string, body, warnings, COMPLIANCE_API);
}
