/**
 * The command-line contract through the real entry point: audit, grant request/approve/list, revoke,
 * export and verify against the tenant emulator and Azurite, each a separate process sharing only settings.
 * The whole story runs at several times of day (WATCHDOG_LOCAL_CLOCK pins every process and the emulator
 * to one timeline), so no expectation depends on when the suite happens to run.
 */
import { describe, expect, it } from 'vitest';
import type { Env } from '../../lib/config.js';
import { offsetClock } from '../../lib/clock.js';
import {
  EDISCOVERY_HOLDER_PRINCIPALS,
  EXPECTED_HOLDER_PRINCIPALS,
  USERS,
  expectedFindings,
} from '../../emulator/scenarios/forgottenMigrations.js';
import { runCli } from '../support/cli.js';
import { grantRequestArgs } from '../support/cliFlags.js';
import { emulatorEnv, useEmulator } from '../support/emulator.js';

const KINDS = ['unapproved', 'expired-present', 'missing', 'changed', 'can-grant'];
/** Just before the default digest hour (08 UTC), on it, and a minute before midnight. */
const STARTS = ['2026-03-02T07:59:30.000Z', '2026-03-02T08:00:00.000Z', '2026-03-02T23:59:30.000Z'];

describe.each(STARTS)('mie-watchdog CLI (separate processes, one tenant) from %s', (start) => {
  const emulator = useEmulator({ resetEach: false, clock: offsetClock(new Date(start)) });
  let env: Env;
  let grantId: string;

  it('audit --json prints one object with holders and findings naming their principals', async () => {
    env = emulatorEnv(emulator(), { WATCHDOG_LOCAL_CLOCK: start });
    const run = await runCli(['audit', '--json'], env);
    // The seed tenant's forgotten holders are open findings: exit 1.
    expect(run.code, run.stderr).toBe(1);
    const out = JSON.parse(run.stdout) as {
      holders: { principal: string }[];
      findings: { kind: string; principal: string }[];
    };
    // The local stack's seed tenant, every door read (the Purview one too).
    expect(out.holders).toHaveLength(EXPECTED_HOLDER_PRINCIPALS.length + EDISCOVERY_HOLDER_PRINCIPALS.length);
    for (const f of out.findings) expect(KINDS).toContain(f.kind);
    expect(out.findings.map((f) => `${f.kind}:${f.principal}`).sort()).toEqual(expectedFindings(true));
    const subjects = emulator()
      .sentEmails()
      .map((m) => m.subject);
    expect(subjects.filter((t) => /drift/.test(t))).toHaveLength(1);
    // The first audit of a day sends the digest once the digest hour has come, never before it.
    expect(subjects.filter((t) => /daily digest/.test(t))).toHaveLength(new Date(start).getUTCHours() >= 8 ? 1 : 0);
    expect(subjects).toHaveLength(new Date(start).getUTCHours() >= 8 ? 2 : 1);
  });

  it('grant request then approve creates the assignment; the requester cannot approve', async () => {
    const request = await runCli(['grant', ...grantRequestArgs(), '--json'], env);
    expect(request.code, request.stderr).toBe(0);
    const requested = (JSON.parse(request.stdout) as { grant: { id: string } }).grant;
    expect(requested).toMatchObject({ status: 'pending', principal: USERS.adelev.userPrincipalName });
    grantId = requested.id;

    const self = await runCli(['grant', 'approve', grantId, '--approver', USERS.meganb.userPrincipalName], env);
    expect(self.code).not.toBe(0);
    expect(self.stderr).toMatch(/requested grant .* and cannot decide on it; another approver must/);

    const approve = await runCli(['grant', 'approve', grantId, '--approver', USERS.lidiah.userPrincipalName], env);
    expect(approve.code, approve.stderr).toBe(0);
    expect(
      emulator()
        .calls.where({ api: 'exchange', name: 'New-ManagementRoleAssignment' })
        .filter((c) => c.status === 200),
    ).toHaveLength(1);

    const list = await runCli(['grant', 'list', '--json'], env);
    expect(list.code, list.stderr).toBe(0);
    const { grants } = JSON.parse(list.stdout) as { grants: { id: string; status: string }[] };
    expect(grants.find((g) => g.id === grantId)?.status).toBe('active');
  });

  it('a second audit sees the approved grant, and revoke with nothing expired changes nothing', async () => {
    const audit = await runCli(['audit', '--json'], env);
    // The other forgotten holders are still open findings.
    expect(audit.code, audit.stderr).toBe(1);
    const out = JSON.parse(audit.stdout) as {
      holders: { principal: string }[];
      findings: { kind: string; principal: string }[];
    };
    expect(out.holders.map((h) => h.principal)).toContain(USERS.adelev.userPrincipalName);
    expect(out.findings.filter((f) => f.principal === USERS.adelev.userPrincipalName)).toEqual([]);

    const revoke = await runCli(['revoke', '--json'], env);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect((JSON.parse(revoke.stdout) as { revocation: { removed: unknown[] } }).revocation.removed).toEqual([]);
  });

  it('export and verify give auditors the history', async () => {
    const csv = await runCli(['export', '--format', 'csv', '--no-bom'], env);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^seq,/);
    expect(csv.stdout).toContain('grant.approved');

    const json = await runCli(['export', '--format', 'json', '--kind', 'grants'], env);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).toContain(grantId);

    const verify = await runCli(['verify'], env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });

  it('a bad setting stops with exit code 2 and names the setting', async () => {
    const run = await runCli(['audit'], { ...env, WATCHDOG_UNAPPROVED_ACTION: 'delete' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("WATCHDOG_UNAPPROVED_ACTION is 'delete'; accepted values: alert, revoke");
  });
});
