/**
 * The auditTimer handler called as the Functions host calls it, and `mie-watchdog audit --json` in-process.
 */
import { InvocationContext, type Timer } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditTimerHandler } from '../../lib/triggers/auditTimerHandler.js';
import { main } from '../../cli/main.js';
import {
  BREAK_GLASS,
  EXPECTED_HOLDER_PRINCIPALS,
  SECURITY_TEAM,
} from '../../emulator/scenarios/forgottenMigrations.js';
import { captureIo } from '../../testkit/captureIo.js';
import { emulatorEnv } from '../support/emulator.js';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};
const expected = EXPECTED_HOLDER_PRINCIPALS.map((p) => p.toLowerCase()).sort();

function context(logs: string[]): InvocationContext {
  return new InvocationContext({
    invocationId: 'test',
    functionName: 'auditTimer',
    logHandler: (_level, ...args) => void logs.push(args.map(String).join(' ')),
  });
}

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ env: { WATCHDOG_BREAK_GLASS: BREAK_GLASS.join(','), WATCHDOG_DIGEST_HOUR: '23' } });
});
afterAll(async () => {
  await rt.stop();
});

describe('auditTimer handler', () => {
  it('runs the audit with an InvocationContext and logs a summary', async () => {
    rt.emulator.reset();
    const logs: string[] = [];
    const handler = createAuditTimerHandler(() => rt);
    const result = await handler(timer, context(logs));
    expect(result.holders.map((h) => h.principal).sort()).toEqual(expected);
    expect(logs.at(-1)).toMatch(
      /^Audit: 12 holders, 11 open findings \(11 new, 0 resolved\), 1 break-glass holder\(s\), snapshot v1 \(changed\)\.$/,
    );
    expect(rt.emulator.sentEmails().map((m) => m.to)).toEqual([[SECURITY_TEAM]]);
  });

  it('fails the invocation when the audit cannot read Exchange', async () => {
    rt.emulator.faults.add({ route: 'exchange:Get-ManagementRole', fault: { kind: 'error', status: 503 }, times: 20 });
    const logs: string[] = [];
    await expect(createAuditTimerHandler(() => rt)(timer, context(logs))).rejects.toThrow(
      /Nothing was stored; .+ stays current\. Cause: .*503/,
    );
    expect(logs.some((l) => l.includes('503'))).toBe(true);
    rt.emulator.faults.clear();
  });

  it('is registered by the function module with the settings of the environment', async () => {
    rt.emulator.reset();
    Object.assign(process.env, emulatorEnv(rt.emulator));
    const { auditTimer } = await import('../../functions/auditTimer/index.js');
    const logs: string[] = [];
    const result = await auditTimer(timer, context(logs));
    expect(result.holders.map((h) => h.principal).sort()).toEqual(expected);
    // Fresh tables: every holder but the break-glass account is unapproved.
    expect(result.findings.map((f) => `${f.kind}:${f.principal}`).sort()).toEqual(
      expected.filter((p) => p !== 'breakglass1@contoso.onmicrosoft.com').map((p) => `unapproved:${p}`),
    );
    expect(logs.at(-1)).toMatch(/^Audit: 12 holders, \d+ open findings/);
  });
});

describe('mie-watchdog audit', () => {
  it('prints one JSON object with holders and findings', async () => {
    rt.emulator.reset();
    const io = captureIo(emulatorEnv(rt.emulator));
    expect(await main(['audit', '--json'], io)).toBe(0);
    const out = JSON.parse(io.stdout) as {
      holders: { principal: string }[];
      findings: { kind: string; principal: string }[];
      breakGlass: { principal: string }[];
    };
    expect(out.holders.map((h) => h.principal).sort()).toEqual(expected);
    expect(out.findings.map((f) => `${f.kind}:${f.principal}`).sort()).toEqual(
      expected.filter((p) => p !== 'breakglass1@contoso.onmicrosoft.com').map((p) => `unapproved:${p}`),
    );
    expect(out.findings.some((f) => f.principal === 'breakglass1@contoso.onmicrosoft.com')).toBe(false);
    expect(out.breakGlass.map((h) => h.principal)).toEqual(['breakglass1@contoso.onmicrosoft.com']);
  });

  it('prints a readable table, and refuses unknown options', async () => {
    const io = captureIo(emulatorEnv(rt.emulator));
    expect(await main(['audit'], io)).toBe(0);
    expect(io.stdout).toMatch(/^Audit of contoso\.onmicrosoft\.com at .*: 12 holder\(s\), \d+ open finding\(s\)/);
    expect(io.stdout).toMatch(
      /lynner@contoso\.onmicrosoft\.com\s+yes\s+Organization\s+Mailbox Import Export\s+via role group PST Migration Operators/,
    );
    expect(io.stdout).toMatch(/SEVERITY\s+KIND\s+PRINCIPAL\s+SUMMARY/);
    expect(io.stdout).toMatch(
      /Break-glass accounts holding the role.*\n.*\nbreakglass1@contoso\.onmicrosoft\.com\s+via Organization Management \(Global Administrator\)/,
    );
    const bad = captureIo({});
    expect(await main(['audit', '--frobnicate'], bad)).toBe(2);
    expect(bad.stderr).toContain('Usage: mie-watchdog audit [options]');
  });
});
