/**
 * Revocation against the tenant emulator at a latency profile (bench/latencyProfile.ts):
 * - latency from expiry to confirmed removal with the default schedule: a grant that expires just after a
 *   tick waits one timer period, then one run removes and reads it back, so the worst case is the period
 *   plus the measured run time (one expiring grant);
 * - throughput: one run that ends 500 grants (grants written straight to the store, their assignments
 *   created in the emulator), with WATCHDOG_REVOKE_MAX_COUNT raised so the mass-removal guard lets it run.
 *
 *   node bin/run-ts.js bench/revocation.ts [grants]
 */
import { performance } from 'node:perf_hooks';
import type { RunningAzurite } from '../cli/local/azurite.js';
import { revokeExpired } from '../lib/revoke/revokeExpired.js';
import { largeTenant } from '../emulator/scenarios/largeTenant.js';
import { seedExpiredGrants } from '../testkit/fixtures.js';
import { atEachLatency, isMain, roundTrips, seconds, startBenchRuntime } from './benchRuntime.js';
import type { LatencyProfile } from './latencyProfile.js';

export const DEFAULT_REVOKE_PERIOD_MS = 5 * 60_000;

export interface RevocationMeasure {
  grants: number;
  removed: number;
  wallMs: number;
  roundTrips: number;
  tableRequests: number;
  emails: number;
}

export async function benchRevocation(
  azurite: RunningAzurite,
  count: number,
  latency: LatencyProfile,
): Promise<RevocationMeasure> {
  const rt = await startBenchRuntime(azurite, latency, {
    scenario: largeTenant({ directAssignments: 0, roleGroupMembers: 0, securityGroupMembers: 0, bystanders: count }),
    env: { WATCHDOG_REVOKE_MAX_COUNT: String(Math.max(10, count)) },
  });
  try {
    await seedExpiredGrants(rt.emulator, rt.store.grants, count, {
      now: rt.clock.now().getTime(),
      idPrefix: 'bench-',
      digits: 4,
      guidBase: 0xb7000000,
    });
    rt.startLatency();
    rt.emulator.calls.clear();
    rt.tables.reset();
    const started = performance.now();
    const report = await revokeExpired({ ...rt, store: rt.counted });
    const wallMs = performance.now() - started;
    if (report.failed.length || report.blocked)
      throw new Error(`The revoke run did not complete: ${JSON.stringify(report.failed[0] ?? report.blocked)}`);
    const left = [...rt.emulator.state.assignments.values()].filter((a) =>
      a.name.startsWith('MIE-Grant-bench-'),
    ).length;
    if (left) throw new Error(`${left} assignments are still present after the run.`);
    return {
      grants: count,
      removed: report.removed.length,
      wallMs,
      roundTrips: roundTrips(rt.emulator).total,
      tableRequests: rt.tables.total(),
      emails: rt.emulator.sentEmails().length,
    };
  } finally {
    await rt.stop();
  }
}

export function formatRevocation(m: RevocationMeasure): string {
  return `${String(m.grants).padStart(4)} expired grants  ${seconds(m.wallMs).padStart(6)} s  ${(m.removed / (m.wallMs / 1000)).toFixed(1)} grants/s  ${m.roundTrips} round trips  ${m.tableRequests} table requests  ${m.emails} emails`;
}

/** Worst case from expiry to verified removal: the grant just missed a tick, so one period plus one run. */
export function formatLatency(single: RevocationMeasure, periodMs = DEFAULT_REVOKE_PERIOD_MS): string {
  return `expiry -> verified removal: worst case ${seconds(periodMs + single.wallMs)} s = period ${periodMs / 1000} s + run ${seconds(single.wallMs)} s (average ${seconds(periodMs / 2 + single.wallMs)} s)`;
}

if (isMain(import.meta.url)) {
  const count = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 500);
  await atEachLatency(async (azurite, latency) => {
    console.log(formatLatency(await benchRevocation(azurite, 1, latency)));
    console.log(formatRevocation(await benchRevocation(azurite, count, latency)));
  });
}
