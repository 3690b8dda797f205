/**
 * `mie-watchdog` command line. Each command lives in its own file under cli/ and runs the same job the
 * Function App runs; this file lists them, loads only the one called (so `--help` and `--version` stay
 * fast), and turns errors into exit codes and, with --json, one JSON error object (docs/cli.md).
 */
import { Command } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { ConfigError } from '../lib/config.js';
import { build, configure, groupAction, parse, UsageError, type CommandSpec } from './command.js';
import { reportError, usageText } from './errors.js';
import { processIo, type CliIo } from './io.js';

interface CommandEntry {
  summary: string;
  load: () => Promise<{ command(io: CliIo): CommandSpec }>;
}

const COMMANDS: Record<string, CommandEntry> = {
  audit: {
    summary: 'read who holds Mailbox Import Export, diff against the grants, alert (the audit timer, once)',
    load: () => import('./audit.js'),
  },
  revoke: {
    summary: 'activate due grants, remove expired ones and verify, send reminders (the revocation timer, once)',
    load: () => import('./revoke.js'),
  },
  grant: {
    summary: 'request, approve, deny, extend, release, adopt and list grants',
    load: () => import('./grant.js'),
  },
  export: {
    summary: 'stream evidence (journal, grants, findings, holders) as CSV, JSON, NDJSON or HTML',
    load: () => import('./export.js'),
  },
  verify: { summary: "check the journal's hash chain end to end", load: () => import('./verify.js') },
  holders: {
    summary: 'who held the role at an instant, from the verified journal',
    load: () => import('./holders.js'),
  },
  doctor: {
    summary: 'check settings, permissions and connectivity, with the fix for each failure',
    load: () => import('./doctor.js'),
  },
  emulator: { summary: 'run the tenant emulator in the foreground', load: () => import('./emulator.js') },
  serve: {
    summary: 'the web app and API on this machine, signed in through the tenant emulator',
    load: () => import('./serve.js'),
  },
  demo: {
    summary: 'the whole watchdog cycle on a local emulator and Azurite (npm start)',
    load: () => import('./demo.js'),
  },
};

const FOOTER = `
Settings come from WATCHDOG_* environment variables (docs/settings.md).
Durations: 4h, 3d, 90m, 1d12h or ISO 8601 such as PT4H. With --json, results and errors are JSON on stdout (docs/cli.md).
Exit codes: 0 success, 1 failure or a finding that needs attention, 2 bad arguments or settings.`;

/** The command a call names: its first operand, or the one `help` is asked about. */
function calledCommand(argv: string[]): string | undefined {
  const operands = argv.filter((a) => !a.startsWith('-'));
  return operands[0] === 'help' ? operands[1] : operands[0];
}

async function program(argv: string[], io: CliIo, result: { code: number }): Promise<Command> {
  const root = new Command('mie-watchdog')
    .description(pkg.description)
    .usage('<command> [options]')
    .version(pkg.version, '-V, --version', 'print the version')
    .argument('[command]')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpCommand(true)
    .addHelpText('after', FOOTER);
  const called = calledCommand(argv);
  for (const [name, entry] of Object.entries(COMMANDS)) {
    // Only the command called is loaded; the others are listed by name for help and suggestions.
    const spec = name === called ? (await entry.load()).command(io) : undefined;
    root.addCommand(
      spec ? build({ ...spec, summary: entry.summary }, io, result) : new Command(name).summary(entry.summary),
    );
  }
  root.action(() => groupAction(root, io, result, Object.keys(COMMANDS)));
  return configure(root, io);
}

const SETTING = /^(WATCHDOG_[A-Z0-9_]+)/;

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const dashDash = argv.indexOf('--');
  const json = (dashDash < 0 ? argv : argv.slice(0, dashDash)).includes('--json');
  try {
    const result = { code: 0 };
    return await parse(await program(argv, io, result), argv, result);
  } catch (error) {
    if (error instanceof UsageError) {
      const text = usageText(error.problems, error.command, error.usage);
      reportError(
        io,
        json,
        { code: 'usage', message: error.message, command: error.command, problems: error.problems },
        text,
      );
      return 2;
    }
    if (error instanceof ConfigError) {
      const problems = error.problems.map((message) => ({ name: SETTING.exec(message)?.[1] ?? '', message }));
      reportError(io, json, { code: 'settings', message: error.message, problems }, error.message);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    const name = calledCommand(argv) ?? '';
    reportError(io, json, { code: 'failed', message }, `mie-watchdog ${name} failed: ${message}`);
    return 1;
  }
}
