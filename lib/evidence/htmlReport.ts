/**
 * The evidence report for a period, as one self-contained HTML page an auditor can read, print to PDF and hand
 * on: a summary first (period, chain and anchor status, holders now, each grant with its approver and how the
 * approver was verified, findings opened and resolved, uses outside approved windows), then the detail: holders over time (each period with its
 * source and what it lets the holder do), grants with requester, justification and the uses in their window, what the
 * power was used for (the usage ledger, uses outside every approved window marked), drift and how it was resolved. Each section streams its own
 * pass over the journal; every value that came from people or from the tenant is HTML-escaped. Readable at phone
 * width (tables stack into label/value lines) and printed without clutter (lib/evidence/reportStyle.ts).
 */
import { describeChannel } from '../caller.js';
import { escapeHtml } from '../escapeText.js';
import { ROLE_CAPABILITY } from '../roleCapability.js';
import { describeAnchorReport } from './anchorCheck.js';
import { storedEntries, type EvidenceDeps } from './evidenceDeps.js';
import { inPeriod, type Period } from './evidenceTable.js';
import { findingRecords, type FindingRecord } from './findingHistory.js';
import { approvalsOf, describeDecision, grantRecords, type GrantRecord } from './grantRecords.js';
import { holderPeriods, holdersAt, type HeldHolder, type HolderPeriod } from './holderHistory.js';
import { REPORT_STYLE } from './reportStyle.js';
import type { AnchoredReport } from './verifyAnchored.js';
import { describeWindow, usageInPeriod } from './usageRecords.js';
import type { RecordedUse } from '../ports/index.js';

export interface ReportOptions {
  period: Period;
  integrity: AnchoredReport;
  throughSeq: number;
  generatedAt: string;
}

type Value = string | number | undefined;

/** A table whose cells carry their column's name, so that at phone width each row reads as "column: value". */
function table(names: string[]) {
  return {
    head: `<table class="data">\n<thead><tr>${names.map((n) => `<th>${escapeHtml(n)}</th>`).join('')}</tr></thead>\n<tbody>\n`,
    cells: (values: Value[]) =>
      values.map((v, i) => `<td data-label="${escapeHtml(names[i] ?? '')}">${escapeHtml(v)}</td>`).join(''),
    row(values: Value[]) {
      return `<tr>${this.cells(values)}</tr>\n`;
    },
  };
}
const TABLE_END = '</tbody></table>\n';
const status = (ok: boolean, text: string) => `<span class="${ok ? 'ok' : 'bad'}">${escapeHtml(text)}</span>`;

function chainStatus(report: AnchoredReport): string {
  if (report.chainOk) {
    const last = report.last ? `, through seq ${report.last.seq}` : '';
    return status(true, `intact: ${report.entries} entries${last}`);
  }
  return status(
    false,
    `BROKEN: ${report.problems.length + report.moreProblems} problem(s); stored history was altered`,
  );
}

function anchorStatus(report: AnchoredReport): string {
  const a = report.anchors;
  if (a.unavailable) return status(false, `unavailable: ${a.unavailable}`);
  if (a.anchors === 0) return status(false, 'none yet: nothing written-once to check the chain against');
  return a.ok
    ? status(true, `all ${a.anchors} reached${a.latest ? `, latest seq ${a.latest.seq} of ${a.latest.at}` : ''}`)
    : status(false, `${a.problems.length + a.moreProblems} of ${a.anchors} NOT reached: history was rewritten`);
}

function integrityDetail(report: AnchoredReport): string {
  const items = report.problems
    .map(
      (p) =>
        `<li>seq ${p.seq}, row <code>${escapeHtml(p.rowKey)}</code> (${escapeHtml(p.kind)}): ${escapeHtml(p.message)}</li>`,
    )
    .concat(report.anchors.problems.map((p) => `<li>anchor (${escapeHtml(p.kind)}): ${escapeHtml(p.message)}</li>`));
  const head = report.last ? `<p>Head hash <code>${escapeHtml(report.last.hash)}</code>.</p>\n` : '';
  const anchors = `<p>${escapeHtml(describeAnchorReport(report.anchors).split('\n')[0])}</p>\n`;
  return `<h2>Integrity</h2>\n${head}${anchors}${items.length ? `<ul>\n${items.join('\n')}\n</ul>\n` : ''}${report.chainOk ? '' : '<p class="bad">The sections below show the history as stored.</p>\n'}`;
}

interface Summary {
  range: string;
  integrity: AnchoredReport;
  holdersNow: HeldHolder[];
  grants: GrantRecord[];
  findings: { opened: number; resolved: number; open: number };
  uses: RecordedUse[];
}

const capabilityText = (c: readonly string[] | undefined) => (c?.length ? c.join(', ') : '');

/** Summary facts whose value is already HTML (a status span). */
const RAW_FACTS = new Set(['Hash chain', 'Write-once anchors', 'Uses outside approved windows']);

function usesOutside(uses: RecordedUse[]): string {
  const outside = uses.filter((u) => u.window === 'outside').length;
  return (
    status(outside === 0, `uses outside approved windows: ${outside}`) +
    escapeHtml(` (of ${uses.length} recorded uses)`)
  );
}

function summarySection(s: Summary): string {
  const facts = [
    ['Period', s.range],
    ['Hash chain', chainStatus(s.integrity)],
    ['Write-once anchors', anchorStatus(s.integrity)],
    ['Holders now', `${s.holdersNow.length}`],
    ['Grants in the period', `${s.grants.length}`],
    [
      'Findings',
      `${s.findings.opened} opened, ${s.findings.resolved} resolved in the period; ${s.findings.open} still open`,
    ],
    ['Uses outside approved windows', usesOutside(s.uses)],
  ]
    .map(
      ([label, value]) =>
        `<tr><th scope="row">${escapeHtml(label)}</th><td>${RAW_FACTS.has(label as string) ? value : escapeHtml(value)}</td></tr>`,
    )
    .join('\n');
  const holders = table(['principal', 'how', 'can', 'since', 'source']);
  const holderRows = s.holdersNow
    .map((h) =>
      holders.row([
        h.holder.principal,
        h.holder.path,
        capabilityText(h.holder.capability),
        h.since,
        h.source === 'grant' ? `grant ${h.grantId ?? ''}` : 'audit',
      ]),
    )
    .join('');
  const grants = table(['grant', 'principal', 'approved by', 'verified as', 'active', 'status']);
  const grantRows = s.grants
    .map(({ grant, ...r }) => {
      const approval = approvalsOf({ grant, ...r }).find(
        (d) => d.type === 'grant.approved' || d.type === 'grant.adopted',
      );
      return grants.row([
        grant.id,
        grant.principal,
        approval?.actor ?? '(not approved)',
        approval ? describeChannel(approval.channel) : '',
        grant.activatedAt ? `${grant.activatedAt} to ${grant.endedAt ?? grant.expiresAt ?? ''}` : '',
        grant.status,
      ]);
    })
    .join('');
  return (
    `<section class="summary">\n<h2>Summary</h2>\n<table class="facts">\n${facts}\n</table>\n` +
    `<h3>Holders now</h3>\n${s.holdersNow.length ? `${holders.head}${holderRows}${TABLE_END}` : '<p class="muted">Nobody holds the role.</p>\n'}` +
    `<h3>Grants, their approver and how the approver was verified</h3>\n${s.grants.length ? `${grants.head}${grantRows}${TABLE_END}` : '<p class="muted">No grant overlaps the period.</p>\n'}` +
    `<p class="muted">"cli" approvals name a person the operator typed (operator-asserted); "api" and "easyauth" ones were verified by Entra ID.</p>\n</section>\n`
  );
}

async function* holderSection(periods: AsyncIterable<HolderPeriod>): AsyncGenerator<string> {
  const t = table([
    'principal',
    'display name',
    'path',
    'can',
    'assignment',
    'scope',
    'enabled',
    'from',
    'until',
    'ended by',
    'source',
  ]);
  yield `<h2>Holders over time</h2>\n${t.head}`;
  let count = 0;
  for await (const p of periods) {
    count++;
    const h = p.holder;
    yield t.row([
      h.principal,
      h.displayName,
      h.path,
      capabilityText(h.capability),
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

function grantSection(grants: GrantRecord[], uses: RecordedUse[]): string {
  const t = table([
    'grant',
    'principal',
    'requested by',
    'justification',
    'ticket',
    'decisions',
    'status',
    'active',
    'ended',
    'uses in its window',
    'grants table',
  ]);
  const rows = grants.map(({ grant, history, discrepancies }) => {
    const decisions = history
      .filter((d) =>
        [
          'grant.approved',
          'grant.denied',
          'grant.extended',
          'grant.extension-requested',
          'grant.cancelled',
          'grant.adopted',
        ].includes(d.type),
      )
      .map(describeDecision)
      .join('; ');
    const active = grant.activatedAt ? `${grant.activatedAt} to ${grant.expiresAt ?? ''}` : '';
    const ended = grant.endedAt
      ? `${grant.endedAt} by ${grant.endedBy ?? ''}${grant.endReason ? `: ${grant.endReason}` : ''}`
      : '';
    const check = discrepancies.length
      ? `<td class="bad" data-label="grants table">DIFFERS: ${escapeHtml(discrepancies.join('; '))}</td>`
      : '<td class="ok" data-label="grants table">matches the journal</td>';
    const used = uses
      .filter((u) => u.window === 'grant' && u.grantId === grant.id)
      .map((u) => `${u.operation}${u.target ? ` on ${u.target}` : ''} at ${u.at}`)
      .join('; ');
    return `<tr>${t.cells([grant.id, grant.principal, `${grant.requestedBy} at ${grant.requestedAt}`, grant.justification, grant.ticket, decisions, grant.status, active, ended, used || 'none recorded'])}${check}</tr>\n`;
  });
  const differing = grants.filter((g) => g.discrepancies.length).length;
  return (
    `<h2>Grants</h2>\n<p class="muted">As the journal recorded each grant; the grants table is checked against it.</p>\n${t.head}${rows.join('')}${TABLE_END}<p class="muted">${grants.length} grant(s) overlap the period.</p>\n` +
    (differing
      ? `<p class="bad">The grants table differs from the journal for ${differing} grant(s): it was changed outside the watchdog. The values above are the journal's.</p>\n`
      : '')
  );
}

async function* findingSection(findings: AsyncIterable<FindingRecord>): AsyncGenerator<string> {
  const t = table(['kind', 'severity', 'principal', 'summary', 'opened', 'actions taken', 'resolved']);
  yield `<h2>Drift found and how it was resolved</h2>\n${t.head}`;
  let count = 0;
  for await (const r of findings) {
    count++;
    const actions = r.actions
      .map((a) => `${a.type} by ${a.actor} at ${a.at}${a.reason ? ` (${a.reason})` : ''}`)
      .join('; ');
    const resolved = r.resolvedAt
      ? `${r.resolvedAt} by ${r.resolvedBy ?? ''}${r.resolution ? `: ${r.resolution}` : ''}`
      : 'still open';
    yield t.row([
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

function usageSection(uses: RecordedUse[]): string {
  const t = table(['when', 'who', 'operation', 'on', 'window', 'can', 'audit record']);
  const rows = uses.map((u) => {
    const cells = t.cells([
      u.at,
      u.actor,
      u.operation,
      u.target,
      describeWindow(u),
      capabilityText(u.capability),
      u.recordId,
    ]);
    return u.window === 'outside' ? `<tr class="outside">${cells}</tr>\n` : `<tr>${cells}</tr>\n`;
  });
  return (
    `<h2>What the power was used for</h2>\n<p class="muted">From the Purview audit log, best effort: records arrive there up to hours late, and a use is recorded once its record is read.</p>\n` +
    (uses.length ? `${t.head}${rows.join('')}${TABLE_END}` : '<p class="muted">No use recorded in the period.</p>\n')
  );
}

async function findingCounts(findings: AsyncIterable<FindingRecord>, period: Period): Promise<Summary['findings']> {
  const counts = { opened: 0, resolved: 0, open: 0 };
  for await (const r of findings) {
    if (inPeriod(period, r.openedAt)) counts.opened++;
    if (r.resolvedAt && inPeriod(period, r.resolvedAt)) counts.resolved++;
    if (!r.resolvedAt) counts.open++;
  }
  return counts;
}

export async function* evidenceReport(deps: EvidenceDeps, options: ReportOptions): AsyncGenerator<string> {
  const { period, integrity, throughSeq, generatedAt } = options;
  const range = `${period.from ?? 'the beginning'} to ${period.to ?? generatedAt}`;
  const entries = () => storedEntries(deps.journalRows, throughSeq);
  yield `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Mailbox Import Export evidence, ${escapeHtml(range)}</title><style>${REPORT_STYLE}</style></head>\n<body>\n<main>\n`;
  yield `<h1>Mailbox Import Export evidence</h1>\n<p>Period: ${escapeHtml(range)}. Generated ${escapeHtml(generatedAt)} by mie-watchdog from its hash-chained journal.</p>\n<p class="muted">${escapeHtml(ROLE_CAPABILITY)}</p>\n`;
  // The grants are one small record each and feed both the summary and the detail.
  const grants: GrantRecord[] = [];
  for await (const g of grantRecords(await deps.grants.list(), entries(), period)) grants.push(g);
  const now = await holdersAt(entries(), generatedAt);
  const findings = await findingCounts(findingRecords(entries(), {}), period);
  const uses = await usageInPeriod(deps.usage, period);
  yield summarySection({ range, integrity, holdersNow: now.holders, grants, findings, uses });
  yield integrityDetail(integrity);
  yield* holderSection(holderPeriods(entries(), period));
  yield grantSection(grants, uses);
  yield usageSection(uses);
  yield* findingSection(findingRecords(entries(), period));
  yield '</main>\n</body></html>\n';
}
