/**
 * `mie-watchdog audit`: runs the same audit job as the auditTimer function (snapshot, diff, alerts) once,
 * and prints who holds Mailbox Import Export and what is wrong with it (`--summary`: counts only). Exit 1
 * while any finding is open (an unapproved holder, drift, a grant whose assignment is missing...), so a
 * script or a scheduled job notices without reading the output; 0 when the tenant is clean.
 */
import { auditOptions, createRuntime } from '../lib/runtime.js';
import { runAudit, type AuditResult } from '../lib/audit/runAudit.js';
import type { UsageOutcome } from '../lib/audit/recordUsage.js';
import { loadConfig } from '../lib/config.js';
import type { Logger } from '../lib/ports/index.js';
import { jsonFlag, leaf, type CommandSpec } from './command.js';
import { countingCalls, progressOn } from './progress.js';
import { countsText, holderSummaryLines, summarizeFindings, summarizeHolders } from './summary.js';
import { terminalSafe } from './terminal.js';

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
  if (result.usage) out.push('', usageLine(result.usage));
  return out.join('\n');
}

/** The usage ledger's step in one line: what it recorded, or why it is stale. */
export function usageLine(usage: UsageOutcome): string {
  const covered = usage.coveredUntil ? `; the audit log is read until ${usage.coveredUntil}` : '';
  if (usage.status === 'stale') return `Usage ledger: STALE: ${usage.warning ?? 'the audit log could not be read'}`;
  if (usage.status === 'pending') return `Usage ledger: waiting for the audit log search${covered}.`;
  return `Usage ledger: ${usage.recorded} use(s) recorded, ${usage.outside} outside an approved window${covered}.`;
}

/** `--summary`: the counts of a run instead of its rows. */
export function auditSummary(result: AuditResult, tenant: string) {
  return {
    tenant,
    takenAt: result.takenAt,
    snapshot: { version: result.snapshotVersion, changed: result.snapshotChanged },
    holders: summarizeHolders(result.holders),
    findings: summarizeFindings(result.findings),
    breakGlass: result.breakGlass.length,
    opened: result.opened.length,
    resolved: result.resolved.length,
    emails: result.emails,
    ...(result.usage ? { usage: result.usage } : {}),
  };
}

function formatSummary(summary: ReturnType<typeof auditSummary>): string {
  return [
    `Audit of ${summary.tenant} at ${summary.takenAt}: snapshot v${summary.snapshot.version}${summary.snapshot.changed ? ' (changed)' : ' (unchanged)'}.`,
    ...holderSummaryLines(summary.holders),
    `Open findings: ${summary.findings.total} (${summary.opened} new, ${summary.resolved} resolved)`,
    `  by kind: ${countsText(summary.findings.byKind)}`,
    `  by severity: ${countsText(summary.findings.bySeverity)}`,
    `Break-glass accounts holding the role: ${summary.breakGlass}`,
    ...(summary.emails.length ? [`Email: ${summary.emails.map((e) => `${e.kind} (${e.status})`).join(', ')}`] : []),
    ...(summary.usage ? [usageLine(summary.usage)] : []),
  ].join('\n');
}

function auditJson(result: AuditResult, tenant: string) {
  return {
    tenant,
    takenAt: result.takenAt,
    snapshot: { version: result.snapshotVersion, changed: result.snapshotChanged },
    holders: result.holders,
    findings: result.findings,
    breakGlass: result.breakGlass,
    opened: result.opened.map((f) => f.id),
    resolved: result.resolved.map((f) => f.id),
    emails: result.emails,
    ...(result.usage ? { usage: result.usage } : {}),
  };
}

interface AuditFlags {
  json: boolean;
  summary: boolean;
  progress: boolean;
}

export function command(): CommandSpec {
  return leaf<AuditFlags>({
    name: 'audit',
    summary: 'read who holds Mailbox Import Export, diff against the grants, alert',
    description:
      'Runs the audit job of the auditTimer function once: reads every holder of Mailbox Import Export, stores a snapshot when it changed, diffs against the grants, opens and resolves findings and sends the drift alert and the daily digest. Exits 1 while any finding is open, 0 when there is none.',
    flags: [
      jsonFlag(),
      { name: 'summary', description: 'counts by path, kind and severity instead of every holder and finding' },
      { name: 'progress', description: 'report progress on stderr even when it is not a terminal' },
    ],
    parse: (input) => ({ json: input.bool('json'), summary: input.bool('summary'), progress: input.bool('progress') }),
    async run(flags, io) {
      const config = loadConfig(io.env);
      const logger: Logger = {
        info: () => undefined,
        warn: (message, properties) =>
          io.err(`warning: ${message}${properties ? ` ${JSON.stringify(properties)}` : ''}`),
        error: (message) => io.err(`error: ${message}`),
      };
      const runtime = createRuntime(config, { logger });
      const progress = progressOn(io, 'audit', flags.progress);
      let result: AuditResult;
      try {
        result = await runAudit(
          {
            ...runtime,
            exchange: countingCalls(runtime.exchange, progress.call),
            directory: countingCalls(runtime.directory, progress.call),
          },
          { ...auditOptions(config), onProgress: progress.step },
        );
      } finally {
        progress.stop();
      }
      if (flags.summary) {
        const summary = auditSummary(result, config.tenant);
        io.out(flags.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
      } else
        io.out(
          flags.json ? JSON.stringify(auditJson(result, config.tenant), null, 2) : formatAudit(result, config.tenant),
        );
      return result.findings.length > 0 ? 1 : 0;
    },
  });
}
