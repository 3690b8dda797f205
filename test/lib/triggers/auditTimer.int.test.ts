/** The auditTimer handler called as the Functions host calls it. */
import { InvocationContext, type Timer } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditTimerHandler } from '../../../lib/triggers/auditTimerHandler.js';
import {
  BREAK_GLASS,
  EDISCOVERY_HOLDER_PRINCIPALS,
  EXPECTED_HOLDER_PRINCIPALS,
  expectedFindings,
  SECURITY_TEAM,
} from '../../../emulator/scenarios/forgottenMigrations.js';
import { emulatorEnv } from '../../support/emulator.js';
import { startTestRuntime, type TestRuntime } from '../../support/runtime.js';

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
      /^Audit: 16 holders, 12 open findings \(12 new, 0 resolved\), 1 break-glass holder\(s\), snapshot v1 \(changed\)\.$/,
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
    const { auditTimer } = await import('../../../functions/auditTimer/index.js');
    const logs: string[] = [];
    const result = await auditTimer(timer, context(logs));
    // The local stack's settings read the Purview door too.
    expect(result.holders.map((h) => h.principal).sort()).toEqual(
      [...expected, ...EDISCOVERY_HOLDER_PRINCIPALS].sort(),
    );
    // Fresh tables: every cause but the break-glass account's is a finding.
    expect(result.findings.map((f) => `${f.kind}:${f.principal}`).sort()).toEqual(expectedFindings(true));
    expect(logs.at(-1)).toMatch(/^Audit: 17 holders, \d+ open findings/);
  });
});
