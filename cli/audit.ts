/**
 * `mie-watchdog audit [--json]`: runs the same audit job as the auditTimer function (snapshot, diff,
 * alerts) once, and prints who holds Mailbox Import Export and what is wrong with it.
 */
import { auditOptions, createRuntime } from '../lib/runtime.js';
import { runAudit, type AuditResult } from '../lib/audit/runAudit.js';
import { loadConfig } from '../lib/config.js';
import type { Logger } from '../lib/ports/index.js';
import type { CliIo } from './main.js';
import { parseBooleanFlags, terminalSafe } from './terminal.js';

export function table(columns: string[], rows: string[][]): string {
  const clean = rows.map((r) => r.map(terminalSafe));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...clean.map((r) => (r[i] ?? '').length))));
  const line = (r: string[]) =>
    r
      .map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(columns), ...clean.map(line)].join('\n');
}

export function formatAudit(result: AuditResult, tenant: string): string {
  const out: string[] = [];
  out.push(
    `Audit of ${tenant} at ${result.takenAt}: ${result.holders.length} holder(s), ${result.findings.length} open finding(s) ` +
      `(${result.opened.length} new, ${result.resolved.length} resolved), snapshot v${result.snapshotVersion}${result.snapshotChanged ? ' (changed)' : ' (unchanged)'}.`,
  );
  out.push('', 'Holders of Mailbox Import Export');
  out.push(
    table(
      ['PRINCIPAL', 'ENABLED', 'SCOPE', 'ROLE', 'PATH'],
      result.holders.map((h) => [h.principal, h.enabled ? 'yes' : 'no', h.scope, h.role, h.path]),
    ),
  );
  out.push('', 'Findings');
  out.push(
    result.findings.length
      ? table(
          ['SEVERITY', 'KIND', 'PRINCIPAL', 'SUMMARY'],
          result.findings.map((f) => [f.severity, f.kind, f.principal, f.summary]),
        )
      : '(none)',
  );
  if (result.breakGlass.length) {
    out.push('', 'Break-glass accounts holding the role (never revoked, always reported)');
    out.push(
      table(
        ['PRINCIPAL', 'PATH'],
        result.breakGlass.map((h) => [h.principal, h.path]),
      ),
    );
  }
  if (result.emails.length) {
    out.push('', `Email: ${result.emails.map((e) => `${e.kind} (${e.status})`).join(', ')}`);
  }
  return out.join('\n');
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { json } = parseBooleanFlags(args, ['json']);
  const config = loadConfig(io.env);
  const logger: Logger = {
    info: () => undefined,
    warn: (message, properties) => io.err(`warning: ${message}${properties ? ` ${JSON.stringify(properties)}` : ''}`),
    error: (message) => io.err(`error: ${message}`),
  };
  const runtime = createRuntime(config, { logger });
  const result = await runAudit(runtime, auditOptions(config));
  if (json) {
    io.out(
      JSON.stringify(
        {
          tenant: config.tenant,
          takenAt: result.takenAt,
          snapshot: { version: result.snapshotVersion, changed: result.snapshotChanged },
          holders: result.holders,
          findings: result.findings,
          breakGlass: result.breakGlass,
          opened: result.opened.map((f) => f.id),
          resolved: result.resolved.map((f) => f.id),
          emails: result.emails,
        },
        null,
        2,
      ),
    );
  } else {
    io.out(formatAudit(result, config.tenant));
  }
  return 0;
}
