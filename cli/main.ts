/**
 * `mie-watchdog` command line. Each command lives in its own file under cli/ and runs the same
 * job the Function App runs; this file only dispatches and turns errors into exit codes.
 */
import { ConfigError, type Env } from '../lib/config.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Env;
  /** Raw output for large streams (exports): written as is, resolving once the sink can take more. */
  write?(chunk: string): Promise<void>;
}

export type CommandRun = (args: string[], io: CliIo) => Promise<number>;

interface CommandEntry {
  usage: string;
  load: () => Promise<{ run: CommandRun }>;
}

const COMMANDS: Record<string, CommandEntry> = {
  audit: { usage: 'audit [--json]', load: () => import('./audit.js') },
  revoke: { usage: 'revoke [--json] [--dry-run]', load: () => import('./revoke.js') },
  grant: {
    usage: 'grant request|approve|deny|list|... (see "grant --help")',
    load: () => import('./grant.js'),
  },
  export: {
    usage:
      'export --format csv|json|ndjson|html [--kind journal|grants|findings|holders] [--from ISO] [--to ISO] [--out FILE] [--no-bom]',
    load: () => import('./export.js'),
  },
  verify: { usage: 'verify [--json]', load: () => import('./verify.js') },
  holders: { usage: 'holders --at ISO [--json]', load: () => import('./holders.js') },
  doctor: { usage: 'doctor [--json]', load: () => import('./doctor.js') },
  emulator: { usage: 'emulator [--port N] [--scenario NAME]', load: () => import('./emulator.js') },
  demo: { usage: 'demo [--out DIR]', load: () => import('./demo.js') },
};

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  env: process.env,
  write: (chunk) =>
    new Promise((resolve, reject) => process.stdout.write(chunk, (error) => (error ? reject(error) : resolve()))),
};

function usage(): string {
  const lines = Object.values(COMMANDS).map((c) => `  mie-watchdog ${c.usage}`);
  return `Usage:\n${lines.join('\n')}\n\nSettings come from WATCHDOG_* environment variables (see README).`;
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.err(`Unknown command '${name}'.\n${usage()}`);
    return 2;
  }
  try {
    const command = await entry.load();
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 2;
    }
    if (error instanceof UsageError) {
      io.err(`${error.message}\nUsage: mie-watchdog ${entry.usage}`);
      return 2;
    }
    io.err(`mie-watchdog ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/** Thrown by commands for bad arguments: exit code 2 and the command's usage line. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
