/**
 * Exchange Online: that the identity holds Exchange.ManageAsApp (read through Graph, so the failure names it
 * rather than a 401 every cmdlet would give), one read-only call per cmdlet the watchdog reads with, and for
 * each cmdlet that writes, that a role the identity holds has its entry (Get-ManagementRoleEntry "*\<cmdlet>":
 * no write is ever made), and the delegating assignment of Mailbox Import Export that assigning it takes. Rows
 * are matched by role and cmdlet name: the reference warns that an identity that does not match may answer
 * every entry.
 */
import { EXCHANGE_ONLINE_APP_ID, MIE_ROLE, ORGANIZATION_MANAGEMENT } from '../domain.js';
import { PermissionError, type CmdletParameters, type DoctorProbes } from '../ports/index.js';
import { APP_ROLES_FIX, EXCHANGE_STEP, fail, messageOf, pass, skip, type CheckResult } from './doctorCheck.js';
import type { DoctorSettings } from './doctorSettings.js';

/** A read-only call for each cmdlet the watchdog reads with (Get-ManagementRoleEntry is doctor's own). */
export const EXCHANGE_READ_PROBES: { cmdlet: string; parameters: CmdletParameters }[] = [
  { cmdlet: 'Get-ManagementRole', parameters: { RoleType: 'MailboxImportExport' } },
  { cmdlet: 'Get-ManagementRoleAssignment', parameters: { Role: MIE_ROLE } },
  { cmdlet: 'Get-RoleGroup', parameters: { Identity: ORGANIZATION_MANAGEMENT } },
  { cmdlet: 'Get-RoleGroupMember', parameters: { Identity: ORGANIZATION_MANAGEMENT, ResultSize: 1 } },
  { cmdlet: 'Get-User', parameters: { ResultSize: 1 } },
  { cmdlet: 'Get-Recipient', parameters: { ResultSize: 1 } },
  { cmdlet: 'Get-ServicePrincipal', parameters: {} },
  { cmdlet: 'Get-ManagementRoleEntry', parameters: { Identity: '*\\Get-ManagementRoleEntry' } },
];

/** The cmdlets that change RBAC, checked by role entry only. */
export const EXCHANGE_WRITE_CMDLETS = [
  'New-ManagementRoleAssignment',
  'Remove-ManagementRoleAssignment',
  'Add-RoleGroupMember',
  'Remove-RoleGroupMember',
] as const;

const MANAGE_AS_APP = 'Exchange.ManageAsApp';

function cmdletFix(cmdlet: string): string {
  return `Give the watchdog's Exchange role group (MIE Watchdog) a role with the entry ${cmdlet}: ${EXCHANGE_STEP} (idempotent; it adds the missing role entry).`;
}

async function checkManageAsApp(config: DoctorSettings, probes: DoctorProbes): Promise<CheckResult> {
  const name = `Exchange ${MANAGE_AS_APP}`;
  if (!config.identityClientId)
    return fail(
      name,
      'WATCHDOG_IDENTITY_CLIENT_ID is not set, so the identity cannot be looked up.',
      'Set WATCHDOG_IDENTITY_CLIENT_ID to the client id of the user-assigned identity (azd provision sets it).',
    );
  const permission = 'the Microsoft Graph application permission Application.Read.All';
  try {
    const find = (appId: string) => probes.servicePrincipal({ appId }, ['id', 'appId', 'appRoles']);
    const identity = await find(config.identityClientId);
    if (!identity)
      return fail(
        name,
        `no service principal has appId ${config.identityClientId}.`,
        'Set WATCHDOG_IDENTITY_CLIENT_ID to the client id of the watchdog identity.',
      );
    const exchange = await find(EXCHANGE_ONLINE_APP_ID);
    const role = (exchange?.appRoles as { id?: string; value?: string }[] | undefined)?.find(
      (r) => r.value === MANAGE_AS_APP,
    );
    if (!role?.id)
      return fail(
        name,
        'Office 365 Exchange Online has no service principal (or no Exchange.ManageAsApp role) in this tenant.',
        'Exchange Online must be licensed in the tenant.',
      );
    const held = await probes.graph(
      `/servicePrincipals/${encodeURIComponent(String(identity.id))}/appRoleAssignments`,
      permission,
    );
    const has = ((held.value as { appRoleId?: string }[] | undefined) ?? []).some(
      (a) => a.appRoleId?.toLowerCase() === role.id?.toLowerCase(),
    );
    if (!has)
      return fail(
        name,
        `the identity ${config.identityClientId} has no ${MANAGE_AS_APP} app role assignment; every Exchange call answers 401.`,
        `Grant the watchdog's identity the application permission ${MANAGE_AS_APP} on Office 365 Exchange Online (${EXCHANGE_ONLINE_APP_ID}): ${APP_ROLES_FIX}.`,
      );
    return pass(name, `the identity ${config.identityClientId} holds ${MANAGE_AS_APP} on Office 365 Exchange Online.`);
  } catch (error) {
    return fail(
      name,
      messageOf(error),
      error instanceof PermissionError
        ? 'Grant the Graph permission Application.Read.All first (see its line).'
        : 'Run doctor again.',
    );
  }
}

async function checkRead(probes: DoctorProbes, cmdlet: string, parameters: CmdletParameters): Promise<CheckResult> {
  const name = `Exchange ${cmdlet}`;
  try {
    await probes.exchange(cmdlet, parameters);
    return pass(name, 'ran (read-only).');
  } catch (error) {
    return fail(
      name,
      messageOf(error),
      error instanceof PermissionError
        ? cmdletFix(cmdlet)
        : 'Exchange could not be reached or refused the call; run doctor again.',
    );
  }
}

/** The roles the identity holds in Exchange (regular, enabled assignments, through role groups too). */
async function heldRoles(
  config: DoctorSettings,
  probes: DoctorProbes,
): Promise<{ roles: Set<string>; assignee: string } | { problem: CheckResult }> {
  const name = 'Exchange write cmdlets';
  const appId = config.identityClientId?.toLowerCase();
  if (!appId) return { problem: skip(name, 'not checked: WATCHDOG_IDENTITY_CLIENT_ID is not set.') };
  try {
    const pointer = (await probes.exchangeServicePrincipals()).find((p) => p.appId.toLowerCase() === appId);
    if (!pointer) {
      return {
        problem: fail(
          name,
          `Exchange has no service principal pointer for appId ${config.identityClientId}.`,
          `Register the identity in Exchange (New-ServicePrincipal) and add it to the role group MIE Watchdog: ${EXCHANGE_STEP}.`,
        ),
      };
    }
    const assignee = pointer.identity ?? pointer.name;
    const assignments = await probes.exchangeRoleAssignments({
      RoleAssignee: assignee,
      Delegating: false,
      Enabled: true,
    });
    return { roles: new Set(assignments.map((a) => a.role.toLowerCase())), assignee };
  } catch (error) {
    return { problem: skip(name, `not checked: ${messageOf(error)}`) };
  }
}

async function checkWrite(probes: DoctorProbes, cmdlet: string, roles: Set<string>): Promise<CheckResult> {
  const name = `Exchange ${cmdlet}`;
  try {
    const entries = await probes.exchangeRoleEntries(cmdlet);
    const holding = entries
      .filter((e) => e.name?.toLowerCase() === cmdlet.toLowerCase() && roles.has(e.role?.toLowerCase() ?? ''))
      .map((e) => e.role);
    if (holding.length)
      return pass(
        name,
        `role entry present in ${holding.join(', ')} (checked with Get-ManagementRoleEntry; nothing written).`,
      );
    return fail(
      name,
      `none of the identity's Exchange roles (${[...roles].join(', ') || 'none'}) has the entry ${cmdlet}.`,
      cmdletFix(cmdlet),
    );
  } catch (error) {
    return skip(name, `not checked: ${messageOf(error)}`);
  }
}

const DELEGATING_CHECK = `Exchange delegating assignment of ${MIE_ROLE}`;

/**
 * Assigning a role in Exchange takes a delegating assignment of that role (Role Management alone is not
 * enough), so without it every grant activation fails at New-ManagementRoleAssignment. Rows are matched by
 * role and delegation type, never taken on trust.
 */
async function checkDelegating(probes: DoctorProbes, assignee: string): Promise<CheckResult> {
  try {
    const assignments = await probes.exchangeRoleAssignments({
      Role: MIE_ROLE,
      RoleAssignee: assignee,
      Delegating: true,
      Enabled: true,
    });
    const held = assignments.filter(
      (a) => a.role.toLowerCase() === MIE_ROLE.toLowerCase() && a.delegationType.startsWith('Delegating'),
    );
    if (held.length)
      return pass(
        DELEGATING_CHECK,
        `held through ${held.map((a) => a.name).join(', ')}; it lets the watchdog assign the role and grants no mailbox access.`,
      );
    return fail(
      DELEGATING_CHECK,
      `the identity holds no delegating assignment of ${MIE_ROLE}, so every grant activation (New-ManagementRoleAssignment) would be refused.`,
      `Give the role group MIE Watchdog a delegating assignment of ${MIE_ROLE}: ${EXCHANGE_STEP} (idempotent; it adds the missing assignment).`,
    );
  } catch (error) {
    return skip(DELEGATING_CHECK, `not checked: ${messageOf(error)}`);
  }
}

export async function checkExchange(config: DoctorSettings, probes: DoctorProbes): Promise<CheckResult[]> {
  const [manageAsApp, ...reads] = await Promise.all([
    checkManageAsApp(config, probes),
    ...EXCHANGE_READ_PROBES.map((p) => checkRead(probes, p.cmdlet, p.parameters)),
  ]);
  const held = await heldRoles(config, probes);
  const writes =
    'problem' in held
      ? [...EXCHANGE_WRITE_CMDLETS.map((c) => `Exchange ${c}`), DELEGATING_CHECK].map((name) => ({
          ...held.problem,
          name,
        }))
      : await Promise.all([
          ...EXCHANGE_WRITE_CMDLETS.map((c) => checkWrite(probes, c, held.roles)),
          checkDelegating(probes, held.assignee),
        ]);
  return [manageAsApp, ...reads, ...writes];
}
