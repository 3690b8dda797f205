/**
 * WATCHDOG_UNAPPROVED_ACTION=revoke on the seed tenant: what the last audit found unapproved is removed
 * after the grace period, except break-glass, delegating assignments, the watchdog's own access and
 * group paths; and the mass-removal guard. Real audit + revocation jobs on the emulator and Azurite.
 */
import { describe, expect, it } from 'vitest';
import { auditOptions } from '../../../lib/runtime.js';
import { runAudit } from '../../../lib/audit/runAudit.js';
import { MIE_ROLE, ORGANIZATION_MANAGEMENT } from '../../../lib/domain.js';
import { DEFAULT_DELEGATING_ASSIGNMENT, WATCHDOG_APP } from '../../../emulator/scenarios/baseTenant.js';
import {
  ASSIGNMENTS,
  CONTOSO_BACKUP,
  CONTOSO_MIGRATION_TOOL,
  GROUPS,
  LEGACY_ARCHIVER,
  ROLE_GROUPS,
  USERS,
} from '../../../emulator/scenarios/forgottenMigrations.js';
import { addMieAssignment, HOUR, journalEntries, upn } from '../../../testkit/fixtures.js';
import { runtimesPerTest, type TestRuntime } from '../../support/runtime.js';
import { emailsAbout, revoke, startRevokeRuntime } from '../../support/revokeRuntime.js';

const runtimes = runtimesPerTest(startRevokeRuntime);

const WATCHDOG_ASSIGNMENT = '0000a55e-0000-4000-8000-00000000f00d';
const BREAK_GLASS_ASSIGNMENT = '0000a55e-0000-4000-8000-00000000b6b6';
const DIRECT = [ASSIGNMENTS.alexw, ASSIGNMENTS.diegos, ASSIGNMENTS.nestorw, ASSIGNMENTS.legacyArchiver];
const KEPT = [
  ASSIGNMENTS.pstMigrationOperators,
  ASSIGNMENTS.legacyMigrationTeam,
  ASSIGNMENTS.organizationManagement,
  DEFAULT_DELEGATING_ASSIGNMENT,
  { guid: WATCHDOG_ASSIGNMENT },
  { guid: BREAK_GLASS_ASSIGNMENT },
];

/** The seed tenant, plus direct MIE assignments of break-glass and of the watchdog's own app, audited once at the start. */
async function auditedTenant(env: Record<string, string>): Promise<TestRuntime> {
  const r = await runtimes.start({
    env: { WATCHDOG_UNAPPROVED_ACTION: 'revoke', WATCHDOG_UNAPPROVED_GRACE: 'PT1H', ...env },
  });
  addMieAssignment(r.emulator, {
    guid: BREAK_GLASS_ASSIGNMENT,
    name: `${MIE_ROLE}-breakglass1`,
    assignee: USERS.breakglass1.id,
  });
  addMieAssignment(r.emulator, {
    guid: WATCHDOG_ASSIGNMENT,
    name: `${MIE_ROLE}-MIE Watchdog`,
    assigneeType: 'ServicePrincipal',
    assignee: WATCHDOG_APP.id,
  });
  const audit = await runAudit(r, auditOptions(r.config));
  expect(audit.holders).toHaveLength(18);
  // Exchange names the watchdog's app by its pointer (MIE Watchdog_SP); the audit resolves it to the app's ids.
  expect(audit.holders.find((h) => h.assignmentGuid === WATCHDOG_ASSIGNMENT)).toMatchObject({
    principal: WATCHDOG_APP.appId,
    principalId: WATCHDOG_APP.id,
  });
  return r;
}

const present = (r: TestRuntime, guid: string) => r.emulator.state.assignment(guid) !== undefined;
const removeCalls = (r: TestRuntime) =>
  r.emulator.calls.count({ api: 'exchange', name: 'Remove-ManagementRoleAssignment' });

describe('revokeExpired: unapproved holders', () => {
  it('removes direct unapproved assignments after the grace period and never the protected ones', async () => {
    const rt = await auditedTenant({});
    rt.clock.advance(30 * 60_000);
    const early = await revoke(rt);
    expect(early.revocation.planned).toEqual([]);
    expect(
      early.revocation.protected
        .filter((p) => p.reason === 'in-grace')
        .map((p) => p.principal)
        .sort(),
    ).toEqual([upn('alexw'), upn('diegos'), upn('nestorw'), LEGACY_ARCHIVER.appId].sort());

    rt.clock.advance(31 * 60_000);
    const { revocation } = await revoke(rt);
    expect(revocation.blocked).toBeUndefined();
    expect(revocation.failed).toEqual([]);
    expect(revocation.removed.map((r) => r.assignmentGuid).sort()).toEqual(DIRECT.map((a) => a.guid).sort());
    for (const a of DIRECT) expect(present(rt, a.guid)).toBe(false);
    for (const a of KEPT) expect(present(rt, a.guid)).toBe(true);

    const reasons = Object.fromEntries(revocation.protected.map((p) => [p.principal, p.reason]));
    // Findings by cause: a group's protection names the group's assignee.
    expect(reasons).toMatchObject({
      [WATCHDOG_APP.appId]: 'watchdog-identity',
      [ROLE_GROUPS.pstMigrationOperators.name.toLowerCase()]: 'group-path',
      [GROUPS.legacyMigrationTeam.displayName.toLowerCase()]: 'group-path',
      [ORGANIZATION_MANAGEMENT.toLowerCase()]: 'group-path',
      [CONTOSO_MIGRATION_TOOL.appId]: 'graph-app-role',
      [CONTOSO_BACKUP.appId]: 'other-door',
    });
    expect(reasons[upn('breakglass1')]).toBeUndefined();
    expect(emailsAbout(rt, 'Unapproved Mailbox Import Export removed from')).toHaveLength(3);
    expect(emailsAbout(rt, 'Unapproved MIE Legal Hold Export removed from nestorw')).toHaveLength(1);
    expect(emailsAbout(rt, 'need a person')).toHaveLength(1);
    expect((await journalEntries(rt.store)).filter((e) => e.type === 'unapproved.revoked')).toHaveLength(4);

    rt.clock.advance(5 * 60_000);
    const audit = await runAudit(rt, auditOptions(rt.config));
    expect(audit.holders.map((h) => h.principal)).not.toContain(upn('alexw'));
    expect(audit.resolved.map((f) => f.principal).sort()).toEqual(
      expect.arrayContaining([upn('alexw'), upn('diegos'), upn('nestorw'), LEGACY_ARCHIVER.appId]),
    );
    const emails = rt.emulator.sentEmails().length;
    const again = await revoke(rt);
    expect(again.revocation.planned).toEqual([]);
    expect(rt.emulator.sentEmails()).toHaveLength(emails);
  });

  it('only alerts in the default alert mode', async () => {
    const rt = await auditedTenant({ WATCHDOG_UNAPPROVED_ACTION: 'alert' });
    rt.clock.advance(2 * HOUR);
    const { revocation } = await revoke(rt);
    expect(revocation.planned).toEqual([]);
    expect(removeCalls(rt)).toBe(0);
  });

  it('removes nothing and alerts once when the run would remove too large a share of holders', async () => {
    const rt = await auditedTenant({ WATCHDOG_REVOKE_MAX_SHARE: '0.2' });
    rt.clock.advance(2 * HOUR);
    const { revocation } = await revoke(rt);
    expect(revocation.blocked).toMatchObject({ removals: 4, currentHolders: 16, maxShare: 0.2 });
    expect(revocation.removed).toEqual([]);
    expect(removeCalls(rt)).toBe(0);
    for (const a of DIRECT) expect(present(rt, a.guid)).toBe(true);
    const [alert, ...more] = emailsAbout(rt, 'Revocation stopped');
    expect(more).toEqual([]);
    expect(alert?.subject).toContain('[CRITICAL]');
    expect(alert?.to).toEqual([upn('security')]);
    expect(alert?.text).toContain('alexw@contoso.onmicrosoft.com');

    rt.clock.advance(5 * 60_000);
    await revoke(rt);
    expect(emailsAbout(rt, 'Revocation stopped')).toHaveLength(1);
    expect((await journalEntries(rt.store)).filter((e) => e.type === 'revoke.blocked')).toHaveLength(1);
  });

  it('removes nothing over WATCHDOG_REVOKE_MAX_COUNT', async () => {
    const rt = await auditedTenant({ WATCHDOG_REVOKE_MAX_COUNT: '3' });
    rt.clock.advance(2 * HOUR);
    const { revocation } = await revoke(rt);
    expect(revocation.blocked?.reason).toContain('WATCHDOG_REVOKE_MAX_COUNT (3)');
    expect(removeCalls(rt)).toBe(0);
  });
});
