/**
 * The audit cycle against the tenant emulator with 50 ms of latency on every call, for tenants of about
 * 10, 1,000 and 20,000 effective holders (direct assignments, one role group, security groups nested three
 * deep). Per size: a first run on an empty store, an unchanged re-run and a run after one holder changed,
 * with wall time, API round trips (emulator call log) against the minimum the APIs allow, Table
 * requests and journal entries written.
 *
 *   node bin/run-ts.js bench/auditCycle.ts [10,1000,20000]
 */
import { performance } from 'node:perf_hooks';
import { auditOptions } from '../lib/runtime.js';
import { runAudit, type AuditResult } from '../lib/audit/runAudit.js';
import type { RunningAzurite } from '../cli/local/azurite.js';
import { largeTenant, type LargeTenantSize } from '../emulator/scenarios/largeTenant.js';
import { isMain, roundTrips, seconds, startBenchRuntime, withAzurite, type BenchRuntime } from './benchRuntime.js';
import { minimumAuditRoundTrips } from './minimumRoundTrips.js';

export const LATENCY_MS = 50;

/** Tenant shapes by target holder count: 25% direct, 25% role group, 50% nested security groups. */
export function shapeFor(holders: number): LargeTenantSize {
  if (holders <= 10) return { directAssignments: 4, roleGroupMembers: 3, securityGroupMembers: 3, nestingDepth: 3 };
  const direct = Math.round(holders / 4);
  return {
    directAssignments: direct,
    roleGroupMembers: direct,
    securityGroupMembers: holders - 2 * direct,
    nestingDepth: 3,
  };
}

export interface AuditRunMeasure {
  run: 'first' | 'unchanged' | 'one changed';
  holders: number;
  wallMs: number;
  roundTrips: number;
  minimumRoundTrips: number;
  tableRequests: number;
  journalEntries: number;
  byName: Record<string, number>;
}

async function measureRun(rt: BenchRuntime, run: AuditRunMeasure['run'], minimum: number): Promise<AuditRunMeasure> {
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
    run,
    holders: result.holders.length,
    wallMs,
    roundTrips: trips.total,
    minimumRoundTrips: minimum,
    tableRequests,
    journalEntries: headAfter - headBefore,
    byName: trips.byName,
  };
}

export async function benchAuditSize(azurite: RunningAzurite, holders: number): Promise<AuditRunMeasure[]> {
  const shape = shapeFor(holders);
  const rt = await startBenchRuntime(azurite, { scenario: largeTenant(shape) });
  try {
    const minimum = minimumAuditRoundTrips(rt.emulator.state);
    rt.emulator.faults.add({ route: '*', fault: { kind: 'latency', ms: LATENCY_MS } });
    const out = [await measureRun(rt, 'first', minimum)];
    rt.clock.advance(15 * 60_000);
    out.push(await measureRun(rt, 'unchanged', minimum));
    // One direct assignment removed: one holder.removed event, one finding resolved.
    const [victim] = [...rt.emulator.state.assignments.values()].filter(
      (a) => a.assigneeType === 'User' && a.delegationType === 'Regular',
    );
    if (victim) rt.emulator.state.removeAssignment(victim);
    rt.clock.advance(15 * 60_000);
    out.push(await measureRun(rt, 'one changed', minimumAuditRoundTrips(rt.emulator.state)));
    return out;
  } finally {
    await rt.stop();
  }
}

export function formatAuditRow(m: AuditRunMeasure): string {
  const ratio = m.roundTrips / m.minimumRoundTrips;
  return `${String(m.holders).padStart(6)} holders  ${m.run.padEnd(11)}  ${seconds(m.wallMs).padStart(6)} s  ${String(m.roundTrips).padStart(4)} round trips (min ${m.minimumRoundTrips}, ${ratio.toFixed(2)}x)  ${String(m.tableRequests).padStart(4)} table requests  ${String(m.journalEntries).padStart(6)} journal entries`;
}

if (isMain(import.meta.url)) {
  const sizes = (process.argv[2] ?? '10,1000,20000').split(',').map(Number);
  await withAzurite(async (azurite) => {
    for (const size of sizes) {
      const runs = await benchAuditSize(azurite, size);
      for (const m of runs) console.log(formatAuditRow(m));
      if (process.env.BENCH_VERBOSE) console.log(JSON.stringify(runs.map((r) => r.byName)));
    }
  });
}
