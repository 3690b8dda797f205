/**
 * `mie-watchdog emulator [--port N] [--scenario NAME] [--page-size N] [--propagation-delay ISO8601]`:
 * runs the tenant emulator in the foreground until interrupted, and prints where it listens and the
 * settings that point the watchdog at it. Drive it over HTTP under /_emulator/ (see README).
 */
import { parseDuration } from '../lib/duration.js';
import { startEmulator } from '../emulator/server.js';
import { channelEnv, emulatorEnv } from './local/localEnv.js';
import { SCENARIOS } from '../emulator/scenarios/index.js';
import { jsonFlag, leaf, runSpec, type CommandSpec } from './command.js';
import { interrupted } from './interrupted.js';
import type { CliIo } from './io.js';
import { closest } from './suggest.js';

export interface EmulatorCommandOptions {
  /** Resolves when the emulator should stop; defaults to SIGINT/SIGTERM. */
  until?: Promise<unknown>;
}

interface EmulatorFlags {
  scenario: string;
  port: number;
  pageSize?: number;
  propagationDelayMs: number;
  json: boolean;
}

function emulatorSpec(options: EmulatorCommandOptions): CommandSpec {
  const scenarios = Object.keys(SCENARIOS);
  return leaf<EmulatorFlags>({
    name: 'emulator',
    summary: 'run the tenant emulator in the foreground',
    description:
      'Runs the tenant emulator (Exchange admin API, Microsoft Graph, ACS Email, and the Teams, webhook and Logs Ingestion endpoints notices go to) until interrupted, and prints where it listens and the settings that point the watchdog at it. Drive it over HTTP under /_emulator/ (emulator/README.md).',
    flags: [
      { name: 'port', value: 'N', description: 'port to listen on (default 0: a free one)' },
      { name: 'scenario', value: 'NAME', description: `one of ${scenarios.join(', ')} (default forgotten-migrations)` },
      { name: 'page-size', value: 'N', description: 'items per page of paged answers (1 to 1000)' },
      {
        name: 'propagation-delay',
        value: 'DURATION',
        description: 'how long role changes take to show, such as 5m or PT5M (default none)',
      },
      jsonFlag('where it listens as one JSON line'),
    ],
    parse(input) {
      const scenario = input.text('scenario') ?? 'forgotten-migrations';
      if (!SCENARIOS[scenario])
        input.problem(
          '--scenario',
          `--scenario '${scenario}' is unknown; use one of: ${scenarios.join(', ')}.`,
          closest(scenario, scenarios),
        );
      const delay = input.duration('propagation-delay');
      return {
        scenario,
        port: input.integer('port', 0, 65535) ?? 0,
        pageSize: input.integer('page-size', 1, 1000),
        propagationDelayMs: delay === undefined ? 0 : (parseDuration(delay) ?? 0),
        json: input.bool('json'),
      };
    },
    run: (flags, io) => serve(flags, io, options),
  });
}

async function serve(flags: EmulatorFlags, io: CliIo, options: EmulatorCommandOptions): Promise<number> {
  const { scenario, port, pageSize, propagationDelayMs } = flags;
  const emulator = await startEmulator({ scenario, port, pageSize, propagationDelayMs });
  const settings = { ...emulatorEnv(emulator), ...channelEnv(emulator.channels) };
  if (flags.json) {
    io.out(JSON.stringify({ url: emulator.url, port: emulator.port, scenario, tenant: emulator.tenant, settings }));
  } else {
    io.out(`Tenant emulator (${scenario}, ${emulator.tenant}) listening on ${emulator.url}`);
    io.out('Point the watchdog at it with:');
    for (const [k, v] of Object.entries(settings)) io.out(`  ${k}=${v}`);
    io.out(
      `Control routes: ${emulator.url}/_emulator/health, /calls, /faults, /emails, /channels/teams|webhook|logs, /can-export. Ctrl+C stops it.`,
    );
  }
  await (options.until ?? interrupted());
  await emulator.stop();
  return 0;
}

export function run(args: string[], io: CliIo, options: EmulatorCommandOptions = {}): Promise<number> {
  return runSpec(emulatorSpec(options), args, io);
}

export function command(): CommandSpec {
  return emulatorSpec({});
}
