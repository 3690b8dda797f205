/**
 * A revocation run of many expired grants with Exchange calls batched ($batch) and one call each: the same report,
 * the same assignments left in Exchange, also under the same seeded throttling, server errors and lost answers;
 * batched, the reads, removals and read-backs of several grants travel together.
 */
import { describe, expect, it } from 'vitest';
import { revokeExpired } from '../../../lib/revoke/revokeExpired.js';
import type { RevocationReport } from '../../../lib/revoke/revocationReport.js';
import { largeTenant } from '../../../emulator/scenarios/largeTenant.js';
import { seedExpiredGrants } from '../../../testkit/fixtures.js';
import { runtimesPerTest, type TestRuntime } from '../../support/runtime.js';

const GRANTS = 12;
const runtimes = runtimesPerTest();

async function run(
  batch: boolean,
  faults: boolean,
): Promise<{ report: RevocationReport; left: string[]; rt: TestRuntime }> {
  const rt = await runtimes.start({
    scenario: largeTenant({ directAssignments: 0, roleGroupMembers: 0, securityGroupMembers: 0, bystanders: GRANTS }),
    faultSeed: 3,
    http: { maxAttempts: 10 },
    env: { WATCHDOG_EXCHANGE_BATCH: String(batch), WATCHDOG_REVOKE_MAX_COUNT: String(GRANTS) },
  });
  await seedExpiredGrants(rt.emulator, rt.store.grants, GRANTS, {
    now: rt.clock.now().getTime(),
    idPrefix: 'g-',
    digits: 2,
    guidBase: 0xb7100000,
  });
  // Round trips that take a while keep the client's connections busy, as against the real service: calls queue up.
  rt.emulator.faults.add({ route: 'exchange:*', inBatch: false, fault: { kind: 'latency', ms: 30 } });
  if (faults) {
    rt.emulator.faults.add({ route: 'exchange:*', fault: { kind: 'throttle', retryAfterSeconds: 0 }, rate: 0.15 });
    rt.emulator.faults.add({ route: 'exchange:*', fault: { kind: 'error', status: 503 }, rate: 0.1 });
    rt.emulator.faults.add({ route: 'exchange:*', fault: { kind: 'lost-answer', status: 502 }, rate: 0.05 });
  }
  const report = await revokeExpired(rt);
  const left = [...rt.emulator.state.assignments.values()].map((a) => a.name).sort();
  return { report, left, rt };
}

const byText = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
/**
 * The report in a stable order, without the measured durations. Under faults a removal whose answer was lost is
 * retried and finds the assignment gone ('absent' instead of 'removed'): either way it is removed and verified.
 */
const sorted = (report: RevocationReport, faults: boolean) => ({
  ...report,
  planned: [...report.planned].sort(byText),
  removed: report.removed
    .map(({ durationMs: _measured, outcome, ...r }) => ({ ...r, outcome: faults ? 'gone' : outcome }))
    .sort(byText),
});

describe('revocation run: batched and one call each', () => {
  it.each([false, true])('removes and verifies the same grants (seeded faults: %s)', async (faults) => {
    const alone = await run(false, faults);
    expect(alone.rt.emulator.calls.count({ name: '$batch' })).toBe(0);
    const together = await run(true, faults);
    expect(sorted(together.report, faults)).toEqual(sorted(alone.report, faults));
    expect(together.report.removed).toHaveLength(GRANTS);
    expect(together.report.failed).toEqual([]);
    expect(together.left).toEqual(alone.left);
    expect(together.left.some((n) => n.startsWith('MIE-Grant-g-'))).toBe(false);
    const removals = together.rt.emulator.calls.where({ api: 'exchange', name: 'Remove-ManagementRoleAssignment' });
    expect(removals.filter((c) => c.batch).length).toBeGreaterThan(0);
  });
});
