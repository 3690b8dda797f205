/**
 * doctor against the tenant emulator and Azurite: all green on the seeded tenant, and with each permission the
 * watchdog needs taken away in turn (through the emulator's control API, so the services answer as they do:
 * Graph 403 Authorization_RequestDenied, Exchange 401), exactly the check for that permission fails and names it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Env } from '../../../lib/config.js';
import { systemClock } from '../../../lib/clock.js';
import type { DoctorReport } from '../../../lib/doctor/doctorCheck.js';
import { createDoctorProbes } from '../../../lib/doctorProbes.js';
import { EXCHANGE_READ_PROBES, EXCHANGE_WRITE_CMDLETS } from '../../../lib/doctor/exchangeChecks.js';
import { GRAPH_PERMISSION_PROBES } from '../../../lib/doctor/graphPermissionChecks.js';
import { runDoctor } from '../../../lib/doctor/runDoctor.js';
import {
  GRAPH_APP_ROLES,
  WATCHDOG_API,
  WATCHDOG_APP,
  WATCHDOG_DELEGATING_ASSIGNMENT,
} from '../../../emulator/scenarios/baseTenant.js';
import { MIE_ROLE } from '../../../lib/domain.js';
import { projectRoot, runCli } from '../../support/cli.js';
import { emulatorEnv, useEmulator } from '../../support/emulator.js';

const FAST = { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 };

async function doctor(env: Env): Promise<DoctorReport> {
  const config = loadConfig(env);
  return runDoctor({ config, probes: createDoctorProbes(config, { policy: FAST }), clock: systemClock, platform: {} });
}

function notPassing(report: DoctorReport) {
  return report.checks.filter((c) => c.status !== 'pass');
}

async function control(url: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}/_emulator/permissions/withdraw`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

describe('mie-watchdog doctor', () => {
  const emulator = useEmulator();

  it('passes every check on the seeded tenant, through the real CLI, with exit code 0', async () => {
    const run = await runCli(['doctor', '--json'], emulatorEnv(emulator(), { WATCHDOG_AUDIT_LOG_QUERY: 'false' }));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(notPassing(report)).toEqual([]);
    const names = report.checks.map((c) => c.name);
    for (const p of GRAPH_PERMISSION_PROBES.filter((x) => !x.when)) expect(names).toContain(`Graph ${p.permission}`);
    for (const c of [...EXCHANGE_READ_PROBES.map((p) => p.cmdlet), ...EXCHANGE_WRITE_CMDLETS])
      expect(names).toContain(`Exchange ${c}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'Settings',
        'Table Storage read/write',
        'Exchange Exchange.ManageAsApp',
        `Exchange delegating assignment of ${MIE_ROLE}`,
        'API tokens accepted',
        'API app registration',
      ]),
    );
    // Nothing was written to Exchange: doctor's write checks read role entries (the $batch envelopes carry only reads).
    const exchangeCalls = emulator().calls.where({ api: 'exchange' });
    expect(exchangeCalls.map((c) => c.name).filter((n) => n !== '$batch' && !/^Get-/.test(n))).toEqual([]);
    // Its independent checks travel together in admin API $batch requests.
    expect(exchangeCalls.filter((c) => c.batch).length).toBeGreaterThan(1);
  });

  it.each(
    Object.values(GRAPH_APP_ROLES).filter((r) =>
      ['User.Read.All', 'GroupMember.Read.All', 'RoleManagement.Read.Directory', 'Application.Read.All'].includes(
        r.value,
      ),
    ),
  )('without the Graph permission $value, fails naming it and the script', async ({ value }) => {
    await control(emulator().url, { api: 'graph', appRole: value });
    const failed = notPassing(await doctor(emulatorEnv(emulator())));
    expect(failed.filter((c) => c.status === 'fail').map((c) => c.name)).toContain(`Graph ${value}`);
    const line = failed.find((c) => c.name === `Graph ${value}`);
    expect(line?.detail).toMatch(/HTTP 403/);
    expect(line?.fix).toContain(value);
    expect(line?.fix).toContain('Grant-WatchdogPermissions.ps1');
    // Application.Read.All also reads the registrations; every other failure is that permission's own.
    for (const c of failed) expect(`${c.name} ${c.fix ?? ''}`).toContain(value);
  });

  it('with WATCHDOG_AUDIT_LOG_QUERY=true checks AuditLogsQuery-Exchange.Read.All, which the seed does not grant', async () => {
    const failed = notPassing(await doctor(emulatorEnv(emulator(), { WATCHDOG_AUDIT_LOG_QUERY: 'true' })));
    expect(failed.map((c) => c.name)).toEqual(['Graph AuditLogsQuery-Exchange.Read.All']);
  });

  it('without Exchange.ManageAsApp, fails that check by name and every cmdlet with 401', async () => {
    await control(emulator().url, { api: 'exchange', appRole: 'Exchange.ManageAsApp' });
    const report = await doctor(emulatorEnv(emulator()));
    const line = report.checks.find((c) => c.name === 'Exchange Exchange.ManageAsApp');
    expect(line).toMatchObject({ status: 'fail' });
    expect(line?.fix).toContain('Exchange.ManageAsApp');
    expect(report.checks.find((c) => c.name === 'Exchange Get-User')?.detail).toMatch(/HTTP 401/);
  });

  it.each(
    EXCHANGE_READ_PROBES.map((p) => p.cmdlet).filter(
      (c) => !['Get-ServicePrincipal', 'Get-ManagementRoleAssignment', 'Get-ManagementRoleEntry'].includes(c),
    ),
  )(
    'without the Exchange role entry %s, fails exactly that check, naming the cmdlet and the script',
    async (cmdlet) => {
      await control(emulator().url, { roleEntry: `*\\${cmdlet}` });
      const failed = notPassing(await doctor(emulatorEnv(emulator())));
      expect(failed.map((c) => c.name)).toEqual([`Exchange ${cmdlet}`]);
      expect(failed[0]?.detail).toMatch(/HTTP 401/);
      expect(failed[0]?.fix).toContain(cmdlet);
      expect(failed[0]?.fix).toContain('Grant-WatchdogPermissions.ps1');
    },
  );

  it.each(['Get-ServicePrincipal', 'Get-ManagementRoleAssignment', 'Get-ManagementRoleEntry'])(
    'without %s, which the write checks read with, fails that check and leaves the write checks unchecked, never passed',
    async (cmdlet) => {
      await control(emulator().url, { roleEntry: `*\\${cmdlet}` });
      const failed = notPassing(await doctor(emulatorEnv(emulator())));
      expect(failed.filter((c) => c.status === 'fail').map((c) => c.name)).toEqual([`Exchange ${cmdlet}`]);
      // The delegating assignment is read with Get-ServicePrincipal and Get-ManagementRoleAssignment, not with role entries.
      const dependent = [
        ...EXCHANGE_WRITE_CMDLETS.map((c) => `Exchange ${c}`),
        ...(cmdlet === 'Get-ManagementRoleEntry' ? [] : [`Exchange delegating assignment of ${MIE_ROLE}`]),
      ];
      expect(
        failed
          .filter((c) => c.status === 'skip')
          .map((c) => c.name)
          .sort(),
      ).toEqual(dependent.sort());
    },
  );

  it.each(EXCHANGE_WRITE_CMDLETS)(
    'without the role entry %s, fails exactly that check, with no write made',
    async (cmdlet) => {
      await control(emulator().url, { roleEntry: `Role Management\\${cmdlet}` });
      emulator().calls.clear();
      const failed = notPassing(await doctor(emulatorEnv(emulator())));
      expect(failed.map((c) => c.name)).toEqual([`Exchange ${cmdlet}`]);
      expect(failed[0]?.fix).toContain(cmdlet);
      expect(
        emulator()
          .calls.where({ api: 'exchange' })
          .some((c) => c.name === cmdlet),
      ).toBe(false);
    },
  );

  it('without the delegating assignment of Mailbox Import Export, fails that check with the Exchange step, and nothing else', async () => {
    const state = emulator().state;
    state.removeAssignment(state.assignment(WATCHDOG_DELEGATING_ASSIGNMENT.guid)!);
    const failed = notPassing(await doctor(emulatorEnv(emulator())));
    expect(failed.map((c) => c.name)).toEqual([`Exchange delegating assignment of ${MIE_ROLE}`]);
    expect(failed[0]).toMatchObject({ status: 'fail' });
    expect(failed[0]?.fix).toContain('Grant-WatchdogPermissions.ps1 -SkipGraph');
  });

  it("does not take the built-in Organization Management delegating assignment as the watchdog's own", async () => {
    const state = emulator().state;
    state.removeAssignment(state.assignment(WATCHDOG_DELEGATING_ASSIGNMENT.guid)!);
    emulator().exchange.identityReturnsAll = true;
    const report = await doctor(emulatorEnv(emulator()));
    expect(report.checks.find((c) => c.name === `Exchange delegating assignment of ${MIE_ROLE}`)).toMatchObject({
      status: 'fail',
    });
  });

  it('does not take an answer for every role entry (the documented hazard) as the entry being held', async () => {
    emulator().exchange.identityReturnsAll = true;
    await control(emulator().url, { roleEntry: 'Role Management\\Add-RoleGroupMember' });
    const failed = notPassing(await doctor(emulatorEnv(emulator())));
    expect(failed.map((c) => c.name)).toEqual(['Exchange Add-RoleGroupMember']);
  });

  it('names the missing API settings and a registration without the roles', async () => {
    const unset = await doctor(emulatorEnv(emulator(), { WATCHDOG_AUTH_AUDIENCE: '', WATCHDOG_AUTH_ISSUER: '' }));
    expect(notPassing(unset).map((c) => [c.name, c.status])).toEqual([
      ['API tokens accepted', 'fail'],
      ['API app registration', 'skip'],
    ]);
    expect(notPassing(unset)[0]?.fix).toMatch(/WATCHDOG_AUTH_AUDIENCE.*WATCHDOG_AUTH_ISSUER/);
    // The watchdog's own app has no app roles and no scope: not an API registration.
    const wrong = notPassing(
      await doctor(emulatorEnv(emulator(), { WATCHDOG_AUTH_AUDIENCE: `api://${WATCHDOG_APP.appId}` })),
    );
    expect(wrong.map((c) => c.name)).toEqual(['API app registration']);
    expect(wrong[0]?.detail).toMatch(/Grant\.Request.*Grant\.Approve.*Audit\.Read.*access_as_user/);
    expect(WATCHDOG_API.appRoles.map((r) => r.value)).toEqual(['Grant.Request', 'Grant.Approve', 'Audit.Read']);
  });

  it('fails the storage check with the fix when Table Storage refuses', async () => {
    const failed = notPassing(
      await doctor(
        emulatorEnv(emulator(), {
          WATCHDOG_STORAGE_CONNECTION_STRING:
            'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=AAAA;TableEndpoint=http://127.0.0.1:1/devstoreaccount1',
        }),
      ),
    );
    expect(failed.map((c) => c.name)).toEqual(['Table Storage read/write']);
  });

  it('exits 2 for bad arguments or settings, and 1 when a check fails', async () => {
    expect((await runCli(['doctor', '--nope'], emulatorEnv(emulator()))).code).toBe(2);
    expect((await runCli(['doctor'], { WATCHDOG_TENANT: 'not a domain' })).code).toBe(2);
    await control(emulator().url, { api: 'graph', appRole: 'User.Read.All' });
    const run = await runCli(['doctor'], emulatorEnv(emulator()));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL {2}Graph User\.Read\.All: .*\n {6}fix: .*User\.Read\.All/m);
  });

  it('probes exactly the Graph permissions and Exchange cmdlets the permissions manifest grants', () => {
    const manifest = JSON.parse(readFileSync(join(projectRoot, 'scripts/permissions/permissions.json'), 'utf8')) as {
      graph: { appRoles: { value: string }[]; optionalAppRoles: { value: string }[] };
      exchange: { cmdlets: string[] };
    };
    expect(GRAPH_PERMISSION_PROBES.map((p) => p.permission).sort()).toEqual(
      [...manifest.graph.appRoles, ...manifest.graph.optionalAppRoles].map((r) => r.value).sort(),
    );
    expect([...EXCHANGE_READ_PROBES.map((p) => p.cmdlet), ...EXCHANGE_WRITE_CMDLETS].sort()).toEqual(
      [...manifest.exchange.cmdlets].sort(),
    );
  });
});
