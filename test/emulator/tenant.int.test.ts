/** Scenarios, the propagation model, the large-tenant generator, localEnv and the CLI command. */
import { describe, expect, it, onTestFinished } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { loadConfig } from '../../lib/config.js';
import { MIE_ROLE } from '../../lib/domain.js';
import { run } from '../../cli/emulator.js';
import { localEnv } from '../../cli/local/localEnv.js';
import { startEmulator } from '../../emulator/server.js';
import { LARGE_ROLE_GROUP, largeTenant } from '../../emulator/scenarios/largeTenant.js';
import {
  BREAK_GLASS,
  EDISCOVERY_HOLDER_PRINCIPALS,
  ELIGIBLE_ADMIN,
  EXPECTED_HOLDER_PRINCIPALS,
  ROLE_GROUPS,
  TENANT,
  USERS,
} from '../../emulator/scenarios/forgottenMigrations.js';
import { control, invoke, invokeAll } from '../support/emulatorHttp.js';

const started = async (options: Parameters<typeof startEmulator>[0] = {}) => {
  const emu = await startEmulator(options);
  onTestFinished(() => emu.stop());
  return emu;
};

describe('scenarios', () => {
  it('forgotten-migrations: every expected holder can export but the disabled assignment and the merely eligible admin', async () => {
    const emu = await started();
    const everyone = [
      ...Object.values(USERS).map((u) => u.userPrincipalName),
      ...new Set(EXPECTED_HOLDER_PRINCIPALS.filter((p) => !p.includes('@'))),
    ];
    const holders = everyone.filter((p) => emu.state.canExport(p));
    const cannot: string[] = [USERS.diegos.userPrincipalName, ELIGIBLE_ADMIN.userPrincipalName];
    expect(holders.sort()).toEqual(
      [...new Set([...EXPECTED_HOLDER_PRINCIPALS, ...EDISCOVERY_HOLDER_PRINCIPALS])]
        .filter((p) => !cannot.includes(p))
        .sort(),
    );
    expect(emu.state.canExport(USERS.diegos.userPrincipalName)).toBe(false);
    expect(emu.state.exportPaths(USERS.isaiahl.userPrincipalName)).toEqual([
      { via: 'security-group', role: MIE_ROLE, assignment: `${MIE_ROLE}-Legacy Migration Team` },
    ]);
    expect(emu.state.exportPaths(USERS.pattif.userPrincipalName)[0]?.via).toBe('organization-management');
    expect(emu.tenant).toBe(TENANT);
  });

  it('empty: no regular MIE assignment, only the delegating ones (built-in and the watchdog role group)', async () => {
    const emu = await started({ scenario: 'empty' });
    const rows = (await invoke(emu, 'Get-ManagementRoleAssignment', { Role: MIE_ROLE })).body.value;
    expect(rows.map((r: { RoleAssignmentDelegationType: string }) => r.RoleAssignmentDelegationType)).toEqual([
      'DelegatingOrgWide',
      'DelegatingOrgWide',
    ]);
  });

  it('refuses an unknown scenario', async () => {
    await expect(startEmulator({ scenario: 'nope' })).rejects.toThrow(/Unknown emulator scenario 'nope'/);
  });
});

describe('propagation', () => {
  it('a new assignment works only after the delay; a removed one keeps working until then', async () => {
    const clock = new ManualClock('2026-11-01T09:00:00Z');
    const emu = await started({ clock, propagationDelayMs: 30 * 60_000 });
    const adele = USERS.adelev.userPrincipalName;
    const created = await invoke(emu, 'New-ManagementRoleAssignment', { Role: MIE_ROLE, User: adele });
    expect(created.body.value[0].WhenCreatedUTC).toBe('2026-11-01T09:00:00.000Z');
    expect(emu.state.canExport(adele)).toBe(false);
    clock.advance(30 * 60_000);
    expect(emu.state.canExport(adele)).toBe(true);
    expect(emu.state.canExport(adele, new Date('2026-11-01T09:10:00Z'))).toBe(false);

    await invoke(emu, 'Remove-ManagementRoleAssignment', { Identity: created.body.value[0].Guid, Confirm: false });
    expect(emu.state.canExport(adele)).toBe(true);
    clock.advance(30 * 60_000);
    expect(emu.state.canExport(adele)).toBe(false);

    await invoke(emu, 'Remove-RoleGroupMember', {
      Identity: ROLE_GROUPS.pstMigrationOperators.name,
      Member: USERS.lynner.name,
      Confirm: false,
    });
    const over = await control(emu, 'GET', `/can-export?principal=${USERS.lynner.userPrincipalName}`);
    expect(over.body).toMatchObject({
      canExport: true,
      paths: [{ via: 'role-group' }],
      propagationDelayMs: 30 * 60_000,
    });
    expect((await control(emu, 'POST', '/clock', { advanceMs: 30 * 60_000 })).body.now).toBe(
      '2026-11-01T10:30:00.000Z',
    );
    expect((await control(emu, 'GET', `/can-export?principal=${USERS.lynner.userPrincipalName}`)).body.canExport).toBe(
      false,
    );
    expect((await control(emu, 'PUT', '/propagation', { delayMs: 0 })).body.delayMs).toBe(0);
  });
});

describe('large tenants', () => {
  it('starts fast and serves 20,000 effective holders through paging', async () => {
    const seed = largeTenant({
      directAssignments: 5_000,
      roleGroupMembers: 5_000,
      securityGroupMembers: 10_000,
      nestingDepth: 4,
    });
    const t0 = performance.now();
    const emu = await started({ scenario: seed });
    const startupMs = performance.now() - t0;
    expect(startupMs).toBeLessThan(500);
    const t1 = performance.now();
    const { rows, pages } = await invokeAll(
      emu,
      'Get-ManagementRoleAssignment',
      { Role: MIE_ROLE, GetEffectiveUsers: true },
      1000,
    );
    const readMs = performance.now() - t1;
    const people = rows.filter(
      (r: { EffectiveUserName: string; RoleAssignmentDelegationType: string }) =>
        r.RoleAssignmentDelegationType === 'Regular' && r.EffectiveUserName !== 'All Group Members',
    );
    expect(people).toHaveLength(20_000);
    expect(pages).toBe(Math.ceil(rows.length / 1000));
    expect((await invoke(emu, 'Get-RoleGroup', { Identity: LARGE_ROLE_GROUP })).status).toBe(200);
    expect(emu.state.canExport('user20000@northwind.onmicrosoft.com')).toBe(true);
    process.stdout.write(
      `large tenant: startup ${startupMs.toFixed(1)} ms, ${rows.length} effective rows in ${pages} pages in ${readMs.toFixed(0)} ms\n`,
    );
  });

  it('the default scenario starts in well under 100 ms', async () => {
    const t0 = performance.now();
    await started();
    expect(performance.now() - t0).toBeLessThan(100);
  });
});

describe('localEnv and the CLI', () => {
  it('gives settings loadConfig accepts, all on loopback with the emulator credential', async () => {
    const emu = await started();
    const env = localEnv({ emulator: emu, storageConnectionString: 'UseDevelopmentStorage=true' });
    const config = loadConfig(env);
    expect(config).toMatchObject({
      tenant: TENANT,
      exchangeUrl: emu.url,
      graphUrl: emu.url,
      credential: 'emulator',
      breakGlass: BREAK_GLASS,
    });
    expect(config.email.connectionString).toBe(emu.emailConnectionString);
    expect(
      localEnv({ emulator: emu, storageConnectionString: 'x', overrides: { WATCHDOG_UNAPPROVED_ACTION: 'revoke' } })
        .WATCHDOG_UNAPPROVED_ACTION,
    ).toBe('revoke');
    const withChannels = loadConfig(
      localEnv({ emulator: emu, storageConnectionString: 'UseDevelopmentStorage=true', channels: true }),
    );
    expect(withChannels.notify).toMatchObject({
      teamsWebhookUrl: emu.channels.teamsWebhookUrl,
      webhook: { url: emu.channels.webhookUrl, secret: emu.channels.webhookSecret },
      logs: { endpoint: emu.url, ruleId: emu.channels.logsRuleId, stream: emu.channels.logsStream },
    });
  });

  it('mie-watchdog emulator listens, prints its settings and stops', async () => {
    const out: string[] = [];
    let stop: () => void = () => undefined;
    const until = new Promise<void>((resolve) => (stop = resolve));
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t), env: {} };
    const done = run(['--port', '0', '--scenario', 'empty', '--json'], io, { until });
    await expect.poll(() => out.length).toBe(1);
    const info = JSON.parse(out[0] as string) as { url: string; tenant: string; settings: Record<string, string> };
    expect(info.tenant).toBe('fabrikam.onmicrosoft.com');
    expect(info.settings.WATCHDOG_CREDENTIAL).toBe('emulator');
    expect(info.settings.WATCHDOG_WEBHOOK_URL).toBe(`${info.url}/webhook/watchdog`);
    expect((await fetch(`${info.url}/_emulator/health`)).status).toBe(200);
    stop();
    expect(await done).toBe(0);
    await expect(run(['--scenario', 'nope'], io)).rejects.toThrow(/unknown/);
    await expect(run(['--port', '70000'], io)).rejects.toThrow(/--port/);
  });
});
