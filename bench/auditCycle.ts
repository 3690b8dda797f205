/**
 * The audit cycle against the tenant emulator at a latency profile (bench/latencyProfile.ts), for the seed tenant
 * (every holder path) and tenants of about 10, 1,000 and 20,000 effective holders (direct assignments, one role
 * group, security groups nested three deep) with every source on (Graph export apps, Exchange application roles,
 * PIM eligibility, Purview eDiscovery, grantors). Per tenant: a first run on an empty store, an unchanged re-run and a
 * run after one holder changed, with wall time, API round trips (emulator call log) against the minimum the APIs
 * allow, Table requests and journal entries written.
 *
 *   node bin/run-ts.js bench/auditCycle.ts [seed,10,1000,20000] [--latency fast|real|both]
 */
import { performance } from 'node:perf_hooks';
import { auditOptions } from '../lib/runtime.js';
import { runAudit, type AuditResult } from '../lib/audit/runAudit.js';
import type { RunningAzurite } from '../cli/local/azurite.js';
import { largeTenant, type LargeTenantSize } from '../emulator/scenarios/largeTenant.js';
import type { TenantSeed } from '../emulator/seed.js';
import { atEachLatency, isMain, roundTrips, seconds, startBenchRuntime, type BenchRuntime } from './benchRuntime.js';
import type { LatencyProfile } from './latencyProfile.js';
import { minimumAuditRoundTrips } from './minimumRoundTrips.js';
import { trueMinimumRoundTrips, type TrueMinimum } from './trueMinimum.js';

/** An audit benchmark's tenant: `seed` (forgotten-migrations, every holder path) or about that many holders. */
export type AuditSize = 'seed' | number;

/** The tenant sizes a bench command line lists (`seed,1000,20000`), else those of `fallback`. */
export function auditSizes(argv: readonly string[], fallback: string): AuditSize[] {
  return (argv.slice(2).find((a) => /^(seed|\d+)(,(seed|\d+))*$/.test(a)) ?? fallback)
    .split(',')
    .map((s) => (s === 'seed' ? 'seed' : Number(s)));
}

/**
 * Tenant shapes by target holder count: 25% direct, 25% role group, 50% nested security groups, and every other
 * door (Graph export apps, scoped application roles, PIM-eligible admins, eDiscovery managers, grantors) a few times.
 */
export function shapeFor(holders: number): LargeTenantSize {
  if (holders <= 10)
    return { directAssignments: 4, roleGroupMembers: 3, securityGroupMembers: 3, nestingDepth: 3, otherDoors: 1 };
  const direct = Math.round(holders / 4);
  return {
    directAssignments: direct,
    roleGroupMembers: direct,
    securityGroupMembers: holders - 2 * direct,
    nestingDepth: 3,
    otherDoors: 5,
  };
}
/** Every source on: the Purview read too. */
const EVERY_SOURCE = { WATCHDOG_EDISCOVERY_AUDIT: 'true' };
const EDISCOVERY_ON = { ediscovery: true };

export interface AuditRunMeasure {
  tenant: string;
  run: 'first' | 'unchanged' | 'one changed';
  holders: number;
  wallMs: number;
  roundTrips: number;
  /** Exchange, Security & Compliance and Graph round trips of the run. */
  exchangeRoundTrips: number;
  complianceRoundTrips: number;
  graphRoundTrips: number;
  minimumRoundTrips: number;
  trueMinimum: TrueMinimum;
  tableRequests: number;
  journalEntries: number;
  byName: Record<string, number>;
}

async function measureRun(
  rt: BenchRuntime,
  tenant: string,
  run: AuditRunMeasure['run'],
  minimum: number,
  trueMinimum: TrueMinimum,
): Promise<AuditRunMeasure> {
  rt.emulator.calls.clear();
  rt.tables.reset();
  const headBefore = (await rt.store.journalRows.head())?.seq ?? 0;
  const started = performance.now();
  const result: AuditResult = await runAudit({ ...rt, store: rt.counted }, auditOptions(rt.config));
  const wallMs = performance.now() - started;
  const tableRequests = rt.tables.total();
  const trips = roundTrips(rt.emulator);
  const headAfter = (await rt.store.journalRows.head())?.seq ?? 0;
  return {
    tenant,
    run,
    holders: result.holders.length,
    wallMs,
    roundTrips: trips.total,
    exchangeRoundTrips: trips.exchange,
    complianceRoundTrips: trips.compliance,
    graphRoundTrips: trips.graph,
    minimumRoundTrips: minimum,
    trueMinimum,
    tableRequests,
    journalEntries: headAfter - headBefore,
    byName: trips.byName,
  };
}

export async function benchAuditSize(
  azurite: RunningAzurite,
  size: AuditSize,
  latency: LatencyProfile,
): Promise<AuditRunMeasure[]> {
  const scenario: string | TenantSeed = size === 'seed' ? 'forgotten-migrations' : largeTenant(shapeFor(size));
  const tenant = size === 'seed' ? 'seed tenant' : `${size} holders`;
  const rt = await startBenchRuntime(azurite, latency, { scenario, env: EVERY_SOURCE });
  try {
    const minimum = minimumAuditRoundTrips(rt.emulator.state, EDISCOVERY_ON);
    // The first run also pays the Security & Compliance regional redirect; later runs of the process know the region.
    const firstMinimum = trueMinimumRoundTrips(rt.emulator.state, EDISCOVERY_ON);
    const trueMinimum = trueMinimumRoundTrips(rt.emulator.state, { ...EDISCOVERY_ON, complianceRedirect: false });
    rt.startLatency();
    const out = [await measureRun(rt, tenant, 'first', minimum, firstMinimum)];
    rt.clock.advance(15 * 60_000);
    out.push(await measureRun(rt, tenant, 'unchanged', minimum, trueMinimum));
    // One direct assignment removed: one holder.removed event, one finding resolved.
    const [victim] = [...rt.emulator.state.assignments.values()].filter(
      (a) => a.assigneeType === 'User' && a.delegationType === 'Regular',
    );
    if (victim) rt.emulator.state.removeAssignment(victim);
    rt.clock.advance(15 * 60_000);
    const state = rt.emulator.state;
    out.push(
      await measureRun(
        rt,
        tenant,
        'one changed',
        minimumAuditRoundTrips(state, EDISCOVERY_ON),
        trueMinimumRoundTrips(state, { ...EDISCOVERY_ON, complianceRedirect: false }),
      ),
    );
    return out;
  } finally {
    await rt.stop();
  }
}

export function formatAuditRow(m: AuditRunMeasure): string {
  const t = m.trueMinimum;
  const trips = `${m.roundTrips} round trips (Exchange ${m.exchangeRoundTrips} + S&C ${m.complianceRoundTrips} + Graph ${m.graphRoundTrips})`;
  const minimums = `per-call min ${m.minimumRoundTrips} (${(m.roundTrips / m.minimumRoundTrips).toFixed(2)}x), true min ${t.total} = ${t.exchange} + ${t.compliance} + ${t.graph} (${(m.roundTrips / t.total).toFixed(2)}x)`;
  return `${m.tenant.padEnd(13)} ${String(m.holders).padStart(6)} holders  ${m.run.padEnd(11)}  ${seconds(m.wallMs).padStart(6)} s  ${trips}  ${minimums}  ${String(m.tableRequests).padStart(4)} table requests  ${String(m.journalEntries).padStart(6)} journal entries`;
}

if (isMain(import.meta.url)) {
  const sizes = auditSizes(process.argv, 'seed,10,1000,20000');
  await atEachLatency(async (azurite, latency) => {
    for (const size of sizes) {
      const runs = await benchAuditSize(azurite, size, latency);
      for (const m of runs) console.log(formatAuditRow(m));
      if (process.env.BENCH_VERBOSE) console.log(JSON.stringify(runs.map((r) => r.byName)));
    }
  });
}
