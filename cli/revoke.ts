/**
 * `mie-watchdog revoke [--json] [--dry-run]`: runs one tick of the revokeExpired timer (activate due
 * grants, remove expired ones and verify, reminders) and prints what it did. Exit code 1 when a
 * removal failed or the mass-removal guard stopped the run.
 */
import { loadConfig } from '../lib/config.js';
import type { Logger } from '../lib/ports/index.js';
import { formatRevocationReport } from '../lib/revoke/formatRevocationReport.js';
import { runRevokeSchedule, type RevokeScheduleDeps } from '../lib/revoke/runRevokeSchedule.js';
import { createRuntime } from '../lib/runtime.js';
import type { CliIo } from './main.js';
import { parseBooleanFlags } from './terminal.js';

function parse(args: string[]): { json: boolean; dryRun?: boolean } {
  const flags = parseBooleanFlags(args, ['json', 'dry-run']);
  return { json: flags.json, dryRun: flags['dry-run'] ? true : undefined };
}

/** The command on given deps (tests pass a runtime on the emulator); `run` builds them from the settings. */
export async function runRevoke(args: string[], io: CliIo, deps: () => RevokeScheduleDeps): Promise<number> {
  const { json, dryRun } = parse(args);
  const result = await runRevokeSchedule(deps(), { dryRun });
  if (json) io.out(JSON.stringify(result, null, 2));
  else {
    for (const a of result.activation.activated)
      io.out(`Activated grant ${a.grantId} for ${a.principal} (expires ${a.expiresAt ?? '?'}).`);
    for (const f of result.activation.failed) io.out(`Activation of grant ${f.grantId} FAILED: ${f.error}`);
    io.out(formatRevocationReport(result.revocation).join('\n'));
  }
  return result.revocation.failed.length || result.activation.failed.length || result.revocation.blocked ? 1 : 0;
}

export function run(args: string[], io: CliIo): Promise<number> {
  const logger: Logger = {
    info: () => undefined,
    warn: (message) => io.err(`warning: ${message}`),
    error: (message) => io.err(`error: ${message}`),
  };
  return runRevoke(args, io, () => createRuntime(loadConfig(io.env), { logger }));
}
