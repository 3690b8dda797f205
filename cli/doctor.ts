/**
 * `mie-watchdog doctor [--json]`: runs every check lib/doctor has against the configured tenant and storage,
 * one line each with the fix for a failure. Exit 0 only when all pass, 1 when any fails, 2 for bad settings.
 */
import { clockFor } from '../lib/clock.js';
import { loadConfig } from '../lib/config.js';
import type { DoctorReport } from '../lib/doctor/doctorCheck.js';
import { createDoctorProbes } from '../lib/doctorProbes.js';
import { runDoctor } from '../lib/doctor/runDoctor.js';
import { jsonFlag, leaf, type CommandSpec } from './command.js';
import { terminalSafe as clean } from './terminal.js';

export function formatDoctor(report: DoctorReport): string {
  const lines = [`Doctor of ${report.tenant}:`];
  for (const c of report.checks) {
    lines.push(`${c.status.toUpperCase().padEnd(4)}  ${clean(c.name)}: ${clean(c.detail)}`);
    if (c.fix) lines.push(`      fix: ${clean(c.fix)}`);
  }
  const failed = report.checks.filter((c) => c.status !== 'pass').length;
  lines.push(
    report.ok
      ? `All ${report.checks.length} checks passed.`
      : `${failed} of ${report.checks.length} checks did not pass.`,
  );
  return lines.join('\n');
}

export function command(): CommandSpec {
  return leaf({
    name: 'doctor',
    summary: 'check settings, permissions and connectivity',
    description:
      'Runs every check against the configured tenant and storage, one line each with the fix for a failure. Exit 0 only when all pass, 1 when any fails, 2 for bad settings.',
    flags: [jsonFlag('the report as one JSON document')],
    parse: (input) => ({ json: input.bool('json') }),
    async run({ json }, io) {
      const config = loadConfig(io.env);
      const report = await runDoctor({
        config,
        probes: createDoctorProbes(config),
        clock: clockFor(config),
        platform: io.env,
      });
      io.out(json ? JSON.stringify(report, null, 2) : formatDoctor(report));
      return report.ok ? 0 : 1;
    },
  });
}
