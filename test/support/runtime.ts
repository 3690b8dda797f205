/**
 * A Runtime wired to a fresh tenant emulator and the shared Azurite, with its own table prefix and a
 * ManualClock (shared with the emulator, so propagation delays move with the test's clock). Waits of the
 * retry policy and the email poller are shrunk so fault tests stay fast.
 */
import { ManualClock } from '../../lib/clock.js';
import { loadConfig } from '../../lib/config.js';
import type { Logger } from '../../lib/ports/index.js';
import { createRuntime, type Runtime } from '../../lib/runtime.js';
import type { RetryPolicy } from '../../lib/http/retryPolicy.js';
import type { TableAccess } from '../../lib/tableStorage/tableAccess.js';
import { channelEnv, emulatorEnv } from '../../cli/local/localEnv.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/server.js';
import { SECURITY_TEAM, SENDER } from '../../emulator/scenarios/forgottenMigrations.js';
import { silentLogger } from '../../testkit/loggers.js';
import { startedPerTest } from './perTest.js';
import { azuriteConnectionString, testTables, uniquePrefix } from './store.js';

export const TEST_START = '2026-11-01T09:00:00Z';

/** Channel posts retried within milliseconds; a Retry-After over a second gives up at once, as one over 30 s does deployed. */
export const FAST_CHANNELS: Partial<RetryPolicy> = {
  baseDelayMs: 1,
  maxDelayMs: 5,
  maxRetryAfterMs: 1_000,
  timeoutMs: 5_000,
};

export interface TestRuntime extends Runtime {
  clock: ManualClock;
  emulator: RunningEmulator;
  tablePrefix: string;
  /** The WATCHDOG_* settings the runtime was built from (for CLI tests that need the same env). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface TestRuntimeOptions extends Omit<EmulatorOptions, 'clock'> {
  start?: string;
  /** Extra or overriding WATCHDOG_* settings. */
  env?: Record<string, string>;
  http?: Partial<RetryPolicy>;
  /** Point the Teams, webhook and Logs channels at the emulator's endpoints, as the local stack does. */
  withChannels?: boolean;
  /** Retries of the Teams, webhook and Logs posts (default: the same three attempts with waits of milliseconds). */
  channels?: Partial<RetryPolicy>;
  logger?: Logger;
  /** Wraps the runtime's Table Storage access (every store and the mail outbox go through it). */
  wrapTables?: (tables: TableAccess) => TableAccess;
}

export async function startTestRuntime(options: TestRuntimeOptions = {}): Promise<TestRuntime> {
  const { start, env: overrides, http, withChannels, channels, logger, wrapTables, ...emulatorOptions } = options;
  const clock = new ManualClock(start ?? TEST_START);
  const emulator = await startEmulator({ ...emulatorOptions, clock });
  const tablePrefix = uniquePrefix();
  const env: Record<string, string> = {
    ...emulatorEnv(emulator),
    WATCHDOG_EMAIL_SENDER: SENDER,
    WATCHDOG_ALERT_RECIPIENTS: SECURITY_TEAM,
    WATCHDOG_STORAGE_CONNECTION_STRING: azuriteConnectionString(),
    WATCHDOG_TABLE_PREFIX: tablePrefix,
    ...(withChannels ? channelEnv(emulator.channels) : {}),
    ...overrides,
  };
  const runtime = createRuntime(loadConfig(env), {
    ...FAST_WAITS,
    clock,
    logger: logger ?? silentLogger,
    http: { ...FAST_WAITS.http, ...http },
    channels: { ...FAST_CHANNELS, ...channels },
    tables: wrapTables?.(testTables(tablePrefix)),
  });
  return { ...runtime, clock, emulator, tablePrefix, env, stop: () => emulator.stop() };
}

/** Retries and mail polls of every test runtime, in milliseconds. */
const FAST_WAITS = {
  http: { baseDelayMs: 2, maxDelayMs: 20, timeoutMs: 5_000 },
  channels: FAST_CHANNELS,
  // The emulator's clock is manual: a throttled send defers at once instead of waiting out a Retry-After in real time.
  mail: { pollIntervalMs: 5, retryDelayMs: 5, maxRetryAfterMs: 1_000 },
};

/**
 * A second runtime with the settings, clock and waits of `rt` but adapters and table clients of its own (another
 * process on the same tenant and tables): on `tables` when given (one that counts or dies at a write).
 */
export function twinRuntime(rt: TestRuntime, tables?: TableAccess): Runtime & Pick<TestRuntime, 'clock'> {
  const twin = createRuntime(loadConfig(rt.env), {
    ...FAST_WAITS,
    clock: rt.clock,
    logger: silentLogger,
    ...(tables ? { tables } : { tablePrefix: rt.tablePrefix }),
  });
  return { ...twin, clock: rt.clock };
}

/**
 * The test runtimes of each test, stopped after it (call once at the top of a test file): `start(options)` starts one
 * with `starter` (`startTestRuntime`, or one that builds on it such as the revocation runtime).
 */
export function runtimesPerTest(starter: (options?: TestRuntimeOptions) => Promise<TestRuntime> = startTestRuntime): {
  start: (options?: TestRuntimeOptions) => Promise<TestRuntime>;
} {
  return { start: startedPerTest(starter, (rt) => rt.stop()).start };
}
