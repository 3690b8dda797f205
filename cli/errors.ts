/**
 * How a failed call reports: text on stderr always; with --json also exactly one JSON error object on
 * stdout (schema in docs/cli.md). Exit codes: 2 for usage and settings errors, 1 for everything else.
 */
import type { Problem } from './command.js';
import type { CliIo } from './io.js';

export interface CliError {
  /** usage: bad arguments; settings: bad WATCHDOG_* settings; refused: the grant policy said no; failed: the run failed. */
  code: 'usage' | 'settings' | 'refused' | 'failed';
  message: string;
  /** usage: the command path (`grant request`), empty for the top level. */
  command?: string;
  /** usage: each unknown, missing or bad argument, named as typed. settings: each bad setting. */
  problems?: Problem[];
  /** refused: the HTTP status and title the grant API answers the same refusal with. */
  status?: number;
  title?: string;
}

function problemLine(p: Problem): string {
  return p.suggestion ? `${p.message} Did you mean '${p.suggestion}'?` : p.message;
}

export function reportError(io: CliIo, json: boolean, error: CliError, text: string): void {
  if (json) io.out(JSON.stringify({ error }));
  io.err(text);
}

export function usageText(problems: Problem[], command: string, usage?: string): string {
  const lines = problems.map(problemLine);
  if (usage) lines.push(`Usage: mie-watchdog ${usage}`);
  lines.push(`Run 'mie-watchdog ${command ? `${command} ` : ''}--help' for the options.`);
  return lines.join('\n');
}
