/**
 * What every benchmark needs: one Azurite, a tenant emulator per scenario, and a Runtime on both with
 * a fresh table prefix, a ManualClock and a Table Storage access that counts requests, all at the distance of a
 * latency profile (bench/latencyProfile.ts).
 */
import { randomBytes } from 'node:crypto';
import { ManualClock } from '../lib/clock.js';
import { loadConfig } from '../lib/config.js';
import { startAzurite, type RunningAzurite } from '../cli/local/azurite.js';
import { localEnv } from '../cli/local/localEnv.js';
import type { Store } from '../lib/ports/index.js';
import { createRuntime, type Runtime } from '../lib/runtime.js';
import { createUsageLedger } from '../lib/tableStorage/usage.js';
import { createFindingStore } from '../lib/tableStorage/findings.js';
import { createAlertIntentStore } from '../lib/tableStorage/alertIntents.js';
import { createRemovalClaimStore } from '../lib/tableStorage/removalClaims.js';
import { createSentMailStore } from '../lib/tableStorage/sentMail.js';
import { createGrantStore } from '../lib/tableStorage/grants.js';
import { createJournal } from '../lib/tableStorage/journal.js';
import { createSnapshotStore } from '../lib/tableStorage/snapshots.js';
import { createTableAccess } from '../lib/tableStorage/tableAccess.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../emulator/server.js';
import { silentLogger } from '../testkit/loggers.js';
import { countingTables, delayedTables, type CountingTables } from '../testkit/tables.js';
import { applyLatency, latencyProfiles, tableDelay, type LatencyProfile } from './latencyProfile.js';
import { seededRandom } from '../emulator/seededRandom.js';

export interface BenchRuntime extends Runtime {
  clock: ManualClock;
  emulator: RunningEmulator;
  tables: CountingTables;
  /** The stores the jobs use, on the counting tables. */
  counted: Pick<
    Store,
    'grants' | 'journal' | 'snapshots' | 'findings' | 'removals' | 'alertIntents' | 'sentMail' | 'usage'
  >;
  latency: LatencyProfile;
  /** From now on every round trip to the emulator takes the profile's latency (Table Storage's always does). */
  startLatency(): void;
  stop(): Promise<void>;
}

/** Runs `body` with an Azurite started for it; benchmarks share one per process. */
export async function withAzurite<T>(body: (azurite: RunningAzurite) => Promise<T>): Promise<T> {
  const azurite = await startAzurite();
  try {
    return await body(azurite);
  } finally {
    await azurite.stop();
  }
}

/** One Azurite for a bench command: `each` runs at every latency profile the command line names, under its name. */
export async function atEachLatency(
  each: (azurite: RunningAzurite, latency: LatencyProfile) => Promise<void>,
): Promise<void> {
  await withAzurite(async (azurite) => {
    for (const latency of latencyProfiles(process.argv)) {
      console.log(`Latency profile ${latency.name}`);
      await each(azurite, latency);
    }
  });
}

export async function startBenchRuntime(
  azurite: RunningAzurite,
  latency: LatencyProfile,
  options: Omit<EmulatorOptions, 'clock'> & { env?: Record<string, string>; start?: string } = {},
): Promise<BenchRuntime> {
  const { env: overrides, start, ...emulatorOptions } = options;
  const clock = new ManualClock(start ?? '2026-11-02T09:00:00Z');
  // The benchmarks measure the watchdog, not ACS Email's send limits (500 notices are far over them).
  const emulator = await startEmulator({ emailLimits: 'none', faultSeed: 20, ...emulatorOptions, clock });
  const env = localEnv({
    emulator,
    storageConnectionString: azurite.connectionString,
    overrides: {
      WATCHDOG_DIGEST_HOUR: '23',
      // `--no-exchange-batch` measures the one-call-each Exchange path, for comparison.
      ...(process.argv.includes('--no-exchange-batch') ? { WATCHDOG_EXCHANGE_BATCH: 'false' } : {}),
      ...overrides,
    },
  });
  const tablePrefix = `b${randomBytes(5).toString('hex')}`;
  const direct = createTableAccess({ connectionString: azurite.connectionString, prefix: tablePrefix });
  const access = latency.tableMs ? delayedTables(direct, tableDelay(latency, seededRandom(21))) : direct;
  const runtime = createRuntime(loadConfig(env), {
    clock,
    tables: access,
    logger: silentLogger,
    mail: { pollIntervalMs: 5, retryDelayMs: 5 },
  });
  const tables = countingTables(access);
  const counted = {
    grants: createGrantStore(tables),
    removals: createRemovalClaimStore(tables),
    alertIntents: createAlertIntentStore(tables),
    sentMail: createSentMailStore(tables),
    journal: createJournal(tables, clock),
    snapshots: createSnapshotStore(tables),
    findings: createFindingStore(tables),
    usage: createUsageLedger(tables),
  };
  return {
    ...runtime,
    clock,
    emulator,
    tables,
    counted,
    latency,
    startLatency: () => applyLatency(emulator, latency),
    stop: () => emulator.stop(),
  };
}

/**
 * API round trips in the emulator's call log: HTTP requests to Exchange, Security & Compliance and Graph ($batch
 * counts once, its parts not).
 */
export function roundTrips(emulator: RunningEmulator): {
  exchange: number;
  compliance: number;
  graph: number;
  total: number;
  byName: Record<string, number>;
} {
  const calls = emulator.calls.all().filter((c) => !c.batch && c.api !== 'email');
  const byName: Record<string, number> = {};
  for (const c of calls) {
    const name =
      c.api === 'graph' ? `graph ${c.name.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '{id}')}` : `${c.api} ${c.name}`;
    byName[name] = (byName[name] ?? 0) + 1;
  }
  const count = (api: string) => calls.filter((c) => c.api === api).length;
  return {
    exchange: count('exchange'),
    compliance: count('compliance'),
    graph: count('graph'),
    total: calls.length,
    byName,
  };
}

export function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

/** True when the module is the process's entry point (each bench also runs alone). */
export function isMain(url: string): boolean {
  const entry = process.argv[1];
  return !!entry && new URL(url).pathname === entry;
}
