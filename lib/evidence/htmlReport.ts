/**
 * The evidence report for a period, as one self-contained HTML page an auditor can read or print:
 * whether the history verified, holders over time, grants with requester, approver and
 * justification, and drift found with how it was resolved. Each section streams its own pass over
 * the journal; every value that came from people or from the tenant is HTML-escaped.
 */
import { escapeHtml } from '../escapeText.js';
import type { ChainReport } from './chainVerifier.js';
import { storedEntries, type EvidenceDeps } from './evidenceDeps.js';
import type { Period } from './evidenceTable.js';
import { findingRecords, type FindingRecord } from './findingHistory.js';
import { describeDecision, grantRecords, type GrantRecord } from './grantRecords.js';
import { holderPeriods, type HolderPeriod } from './holderHistory.js';
import { ROLE_CAPABILITY } from '../roleCapability.js';

export interface ReportOptions {
  period: Period;
  integrity: ChainReport;
  throughSeq: number;
  generatedAt: string;
}

const STYLE = `body{font-family:system-ui,Segoe UI,sans-serif;margin:2rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem;font-size:.85rem}
th,td{border:1px solid #c8c8c8;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f0f0f0;overflow-wrap:normal}.ok{color:#0a6b0a}.bad{color:#a80000;font-weight:bold}.muted{color:#666}`;

const cells = (values: (string | number | undefined)[]): string =>
  values.map((c) => `<td>${escapeHtml(c)}</td>`).join('');
const row = (values: (string | number | undefined)[]): string => `<tr>${cells(values)}</tr>\n`;
const head = (names: string[]): string =>
  `<table>\n<thead><tr>${names.map((n) => `<th>${escapeHtml(n)}</th>`).join('')}</tr></thead>\n<tbody>\n`;
const TABLE_END = '</tbody></table>\n';

function integritySection(report: ChainReport): string {
  if (report.ok) {
    const last = report.last
      ? ` through seq ${report.last.seq}; head hash <code>${escapeHtml(report.last.hash)}</code>`
      : '';
    return `<h2>Integrity</h2>\n<p class="ok">The journal's hash chain verified: ${report.entries} entries${last}. Record the head hash outside this system to anchor later checks.</p>\n`;
  }
  const items = report.problems
    .map(
      (p) =>
        `<li>seq ${p.seq}, row <code>${escapeHtml(p.rowKey)}</code> (${escapeHtml(p.kind)}): ${escapeHtml(p.message)}</li>`,
    )
    .join('\n');
  const more = report.moreProblems ? `<li>and ${report.moreProblems} more</li>` : '';
  return `<h2>Integrity</h2>\n<p class="bad">The journal's hash chain is broken: stored history was altered. The sections below show the history as stored.</p>\n<ul>\n${items}${more}\n</ul>\n`;
}

async function* holderSection(periods: AsyncIterable<HolderPeriod>): AsyncGenerator<string> {
  yield `<h2>Holders over time</h2>\n${head(['principal', 'display name', 'path', 'assignment', 'scope', 'enabled', 'from', 'until', 'ended by', 'source'])}`;
  let count = 0;
  for await (const p of periods) {
    count++;
    const h = p.holder;
    yield row([
      h.principal,
      h.displayName,
      h.path,
      h.assignmentName,
      h.scope,
      h.enabled ? 'yes' : 'no',
      p.since,
      p.until ?? 'still holds',
      p.endedBy ?? '',
      p.source === 'grant' ? `grant ${p.grantId ?? ''} (watchdog's own events)` : 'audit',
    ]);
  }
  yield `${TABLE_END}<p class="muted">${count} holding period(s) overlap the period.</p>\n`;
}

async function* grantSection(grants: AsyncIterable<GrantRecord>): AsyncGenerator<string> {
  yield `<h2>Grants</h2>\n<p class="muted">As the journal recorded each grant; the grants table is checked against it.</p>\n${head(['grant', 'principal', 'requested by', 'justification', 'ticket', 'decisions', 'status', 'active', 'ended', 'grants table'])}`;
  let count = 0;
  let differing = 0;
  for await (const { grant, history, discrepancies } of grants) {
    count++;
    if (discrepancies.length) differing++;
    const decisions = history
      .filter((d) =>
        ['grant.approved', 'grant.denied', 'grant.extended', 'grant.extension-requested', 'grant.cancelled'].includes(
          d.type,
        ),
      )
      .map(describeDecision)
      .join('; ');
    const active = grant.activatedAt ? `${grant.activatedAt} to ${grant.expiresAt ?? ''}` : '';
    const ended = grant.endedAt
      ? `${grant.endedAt} by ${grant.endedBy ?? ''}${grant.endReason ? `: ${grant.endReason}` : ''}`
      : '';
    const check = discrepancies.length
      ? `<td class="bad">DIFFERS: ${escapeHtml(discrepancies.join('; '))}</td>`
      : '<td class="ok">matches the journal</td>';
    yield `<tr>${cells([grant.id, grant.principal, `${grant.requestedBy} at ${grant.requestedAt}`, grant.justification, grant.ticket, decisions, grant.status, active, ended])}${check}</tr>\n`;
  }
  yield `${TABLE_END}<p class="muted">${count} grant(s) overlap the period.</p>\n`;
  if (differing) {
    yield `<p class="bad">The grants table differs from the journal for ${differing} grant(s): it was changed outside the watchdog. The values above are the journal's.</p>\n`;
  }
}

async function* findingSection(findings: AsyncIterable<FindingRecord>): AsyncGenerator<string> {
  yield `<h2>Drift found and how it was resolved</h2>\n${head(['kind', 'severity', 'principal', 'summary', 'opened', 'actions taken', 'resolved'])}`;
  let count = 0;
  for await (const r of findings) {
    count++;
    const actions = r.actions
      .map((a) => `${a.type} by ${a.actor} at ${a.at}${a.reason ? ` (${a.reason})` : ''}`)
      .join('; ');
    const resolved = r.resolvedAt
      ? `${r.resolvedAt} by ${r.resolvedBy ?? ''}${r.resolution ? `: ${r.resolution}` : ''}`
      : 'still open';
    yield row([
      r.finding.kind,
      r.finding.severity,
      r.finding.principal,
      r.finding.summary,
      r.openedAt,
      actions,
      resolved,
    ]);
  }
  yield `${TABLE_END}<p class="muted">${count} finding(s) overlap the period.</p>\n`;
}

export async function* evidenceReport(deps: EvidenceDeps, options: ReportOptions): AsyncGenerator<string> {
  const { period, integrity, throughSeq, generatedAt } = options;
  const range = `${period.from ?? 'the beginning'} to ${period.to ?? generatedAt}`;
  yield `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Mailbox Import Export evidence, ${escapeHtml(range)}</title><style>${STYLE}</style></head>\n<body>\n`;
  yield `<h1>Mailbox Import Export evidence</h1>\n<p>Period: ${escapeHtml(range)}. Generated ${escapeHtml(generatedAt)} by mie-watchdog from its hash-chained journal.</p>\n<p>${escapeHtml(ROLE_CAPABILITY)}</p>\n`;
  yield integritySection(integrity);
  const entries = () => storedEntries(deps.journalRows, throughSeq);
  yield* holderSection(holderPeriods(entries(), period));
  yield* grantSection(grantRecords(await deps.grants.list(), entries(), period));
  yield* findingSection(findingRecords(entries(), period));
  yield '</body></html>\n';
}
