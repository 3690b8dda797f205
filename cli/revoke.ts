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
import { jsonFlag, leaf, runSpec, type CommandSpec } from './command.js';
import type { CliIo } from './io.js';

function revokeCommand(deps: () => RevokeScheduleDeps): CommandSpec {
  return leaf({
    name: 'revoke',
    summary: 'activate due grants, remove expired ones and verify, send reminders',
    description:
      'Runs one tick of the revokeExpired timer: activates approved grants whose start has come, lapses the requests nobody decided on within WATCHDOG_REQUEST_TTL, removes expired grants and reads back that they are gone, and sends the reminders due.',
    flags: [jsonFlag(), { name: 'dry-run', description: 'plan the removals and reminders without changing anything' }],
    parse: (input) => ({ json: input.bool('json'), dryRun: input.bool('dry-run') || undefined }),
    async run({ json, dryRun }, io) {
      const result = await runRevokeSchedule(deps(), { dryRun });
      if (json) io.out(JSON.stringify(result, null, 2));
      else {
        for (const a of result.activation.activated)
          io.out(`Activated grant ${a.grantId} for ${a.principal} (expires ${a.expiresAt ?? '?'}).`);
        for (const f of result.activation.failed) io.out(`Activation of grant ${f.grantId} FAILED: ${f.error}`);
        for (const l of result.lapse.lapsed)
          io.out(
            `The ${l.target === 'extension' ? 'extension request' : 'request'} of grant ${l.grantId} lapsed unanswered.`,
          );
        for (const f of result.lapse.failed) io.out(`Lapsing the request of grant ${f.grantId} FAILED: ${f.error}`);
        io.out(formatRevocationReport(result.revocation).join('\n'));
      }
      const failed = result.revocation.failed.length + result.activation.failed.length + result.lapse.failed.length;
      return failed || result.revocation.blocked ? 1 : 0;
    },
  });
}

/** The command on given deps (tests pass a runtime on the emulator). */
export function runRevoke(args: string[], io: CliIo, deps: () => RevokeScheduleDeps): Promise<number> {
  return runSpec(revokeCommand(deps), args, io);
}

export function command(io: CliIo): CommandSpec {
  const logger: Logger = {
    info: () => undefined,
    warn: (message) => io.err(`warning: ${message}`),
    error: (message) => io.err(`error: ${message}`),
  };
  return revokeCommand(() => createRuntime(loadConfig(io.env), { logger }));
}
