/**
 * `mie-watchdog emulator [--port N] [--scenario NAME] [--page-size N] [--propagation-delay ISO8601]`:
 * runs the tenant emulator in the foreground until interrupted, and prints where it listens and the
 * settings that point the watchdog at it. Drive it over HTTP under /_emulator/ (see README).
 */
import { parseArgs } from 'node:util';
import { parseDuration } from '../lib/duration.js';
import { startEmulator } from '../emulator/server.js';
import { SCENARIOS } from '../emulator/scenarios/index.js';
import { UsageError, type CliIo } from './main.js';

export interface EmulatorCommandOptions {
  /** Resolves when the emulator should stop; defaults to SIGINT/SIGTERM. */
  until?: Promise<unknown>;
}

function wholeNumber(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} is '${value}'; use a whole number from ${min} to ${max}.`);
  return n;
}

function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

export async function run(args: string[], io: CliIo, options: EmulatorCommandOptions = {}): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        scenario: { type: 'string' },
        'page-size': { type: 'string' },
        'propagation-delay': { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const scenario = (values.scenario as string | undefined) ?? 'forgotten-migrations';
  if (!SCENARIOS[scenario])
    throw new UsageError(`--scenario '${scenario}' is unknown; use one of: ${Object.keys(SCENARIOS).join(', ')}.`);
  const port = wholeNumber('port', values.port as string | undefined, 0, 65535) ?? 0;
  const pageSize = wholeNumber('page-size', values['page-size'] as string | undefined, 1, 1000);
  const delayText = values['propagation-delay'] as string | undefined;
  const propagationDelayMs = delayText === undefined ? 0 : parseDuration(delayText);
  if (propagationDelayMs === undefined)
    throw new UsageError(`--propagation-delay is '${delayText}'; use an ISO 8601 duration such as PT5M.`);

  const emulator = await startEmulator({ scenario, port, pageSize, propagationDelayMs });
  const settings = {
    WATCHDOG_TENANT: emulator.tenant,
    WATCHDOG_EXCHANGE_URL: emulator.url,
    WATCHDOG_GRAPH_URL: emulator.url,
    WATCHDOG_CREDENTIAL: 'emulator',
    WATCHDOG_EMAIL_CONNECTION_STRING: emulator.emailConnectionString,
  };
  if (values.json) {
    io.out(JSON.stringify({ url: emulator.url, port: emulator.port, scenario, tenant: emulator.tenant, settings }));
  } else {
    io.out(`Tenant emulator (${scenario}, ${emulator.tenant}) listening on ${emulator.url}`);
    io.out('Point the watchdog at it with:');
    for (const [k, v] of Object.entries(settings)) io.out(`  ${k}=${v}`);
    io.out(`Control routes: ${emulator.url}/_emulator/health, /calls, /faults, /emails, /can-export. Ctrl+C stops it.`);
  }
  await (options.until ?? interrupted());
  await emulator.stop();
  return 0;
}
