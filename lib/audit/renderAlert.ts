/**
 * The security team's emails: the per-run drift alert (what opened, what resolved, break-glass use)
 * and the daily digest of what is still open. Pure: data in, subject + HTML + plain text out.
 * Every value from the tenant (names, paths, summaries) is escaped in HTML and made header-safe
 * in the subject.
 */
import type { Finding, Severity } from '../domain.js';
import { escapeHtml, headerSafe, oneLine } from '../escapeText.js';
import type { BreakGlassUse, StoredFinding } from '../ports/index.js';
import { ROLE_CAPABILITY } from '../roleCapability.js';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface AlertInput {
  tenant: string;
  at: string;
  opened: StoredFinding[];
  resolved: StoredFinding[];
  breakGlassDetected: BreakGlassUse[];
  breakGlassCleared: BreakGlassUse[];
  /** Open findings after this run. */
  openCount: number;
}

export interface DigestInput {
  tenant: string;
  at: string;
  open: StoredFinding[];
  breakGlass: BreakGlassUse[];
  lastSuccessAt?: string;
}

/** Long lists are cut in the email; the full list is in `mie-watchdog audit` and the export. */
const MAX_ROWS = 200;
const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const KIND_LABEL: Record<Finding['kind'], string> = {
  unapproved: 'Unapproved holder',
  'expired-present': 'Expired grant still present',
  missing: 'Granted assignment missing',
  changed: 'Changed',
};

function bySeverity(a: StoredFinding, b: StoredFinding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    a.kind.localeCompare(b.kind) ||
    a.principal.localeCompare(b.principal)
  );
}

interface Section {
  title: string;
  columns: string[];
  rows: string[][];
}

function findingSection(title: string, findings: StoredFinding[], since: 'firstSeen' | 'resolvedAt'): Section {
  return {
    title,
    columns: ['Severity', 'Kind', 'Principal', 'What', since === 'firstSeen' ? 'First seen' : 'Resolved'],
    rows: [...findings]
      .sort(bySeverity)
      .map((f) => [
        f.severity,
        KIND_LABEL[f.kind],
        f.principal,
        f.summary,
        (since === 'firstSeen' ? f.firstSeen : f.resolvedAt) ?? '',
      ]),
  };
}

function breakGlassSection(title: string, uses: BreakGlassUse[], cleared: boolean): Section {
  return {
    title,
    columns: ['Principal', 'Path', 'Assignment', cleared ? 'Cleared' : 'First seen'],
    rows: uses.map((u) => [
      u.principal,
      u.holder.path,
      u.holder.assignmentName,
      (cleared ? u.clearedAt : u.firstSeen) ?? '',
    ]),
  };
}

function htmlSection(s: Section): string {
  const shown = s.rows.slice(0, MAX_ROWS);
  const more = s.rows.length - shown.length;
  const head = s.columns
    .map((c) => `<th align="left" style="padding:4px 8px;border-bottom:1px solid #999">${escapeHtml(c)}</th>`)
    .join('');
  const body = shown
    .map(
      (r) =>
        `<tr>${r.map((v) => `<td style="padding:4px 8px;vertical-align:top">${escapeHtml(v)}</td>`).join('')}</tr>`,
    )
    .join('');
  return [
    `<h3>${escapeHtml(s.title)} (${s.rows.length})</h3>`,
    `<table cellspacing="0" style="border-collapse:collapse;font-family:Segoe UI,Arial,sans-serif;font-size:13px"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`,
    more > 0 ? `<p>… and ${more} more; run <code>mie-watchdog audit</code> for the full list.</p>` : '',
  ].join('\n');
}

function textSection(s: Section): string {
  const shown = s.rows.slice(0, MAX_ROWS);
  const more = s.rows.length - shown.length;
  const lines = shown.map((r) => `- ${r.map((v) => oneLine(v)).join(' | ')}`);
  if (more > 0) lines.push(`... and ${more} more; run "mie-watchdog audit" for the full list.`);
  return [`${s.title} (${s.rows.length})`, `  ${s.columns.join(' | ')}`, ...lines].join('\n');
}

function document(
  heading: string,
  intro: string[],
  sections: Section[],
  footer: string,
): { html: string; text: string } {
  const visible = sections.filter((s) => s.rows.length > 0);
  const html = [
    '<!DOCTYPE html><html><body style="font-family:Segoe UI,Arial,sans-serif">',
    `<h2>${escapeHtml(heading)}</h2>`,
    ...intro.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...visible.map(htmlSection),
    `<p style="color:#666;font-size:12px">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('\n');
  const text = [
    oneLine(heading),
    '',
    ...intro.map(oneLine),
    '',
    ...visible.map((s) => `${textSection(s)}\n`),
    oneLine(footer),
  ].join('\n');
  return { html, text };
}

const FOOTER =
  'Sent by mie-watchdog. Approve a time-boxed grant for holders who need the role; everyone else should lose it (Remove-ManagementRoleAssignment).';

export function renderAlert(input: AlertInput): RenderedEmail {
  const parts: string[] = [];
  if (input.opened.length) parts.push(`${input.opened.length} new`);
  if (input.resolved.length) parts.push(`${input.resolved.length} resolved`);
  if (input.breakGlassDetected.length) parts.push(`break-glass in use: ${input.breakGlassDetected.length}`);
  if (input.breakGlassCleared.length) parts.push(`break-glass cleared: ${input.breakGlassCleared.length}`);
  const worst = [...input.opened].sort(bySeverity)[0]?.severity;
  const prefix = worst === 'critical' || worst === 'high' || input.breakGlassDetected.length ? '[ACTION] ' : '';
  const subject = headerSafe(
    `${prefix}Mailbox Import Export drift on ${input.tenant}: ${parts.join(', ') || 'no change'}`,
    200,
  );
  const intro = [
    `The audit of ${input.at} found changes in who holds the Exchange Online role Mailbox Import Export in ${input.tenant}.`,
    `Open findings now: ${input.openCount}.`,
    ROLE_CAPABILITY,
  ];
  const { html, text } = document(
    'Mailbox Import Export: drift detected',
    intro,
    [
      breakGlassSection('Break-glass accounts holding the role', input.breakGlassDetected, false),
      findingSection('New findings', input.opened, 'firstSeen'),
      findingSection('Resolved findings', input.resolved, 'resolvedAt'),
      breakGlassSection('Break-glass accounts no longer holding the role', input.breakGlassCleared, true),
    ],
    FOOTER,
  );
  return { subject, html, text };
}

export function renderDigest(input: DigestInput): RenderedEmail {
  const subject = headerSafe(
    `Mailbox Import Export daily digest for ${input.tenant}: ${input.open.length} open finding(s)`,
    200,
  );
  const intro = [
    `Still open on ${input.at}: ${input.open.length} finding(s) and ${input.breakGlass.length} break-glass holder(s).`,
    input.lastSuccessAt ? `Last complete audit: ${input.lastSuccessAt}.` : 'No complete audit has been recorded yet.',
  ];
  const { html, text } = document(
    'Mailbox Import Export: open findings',
    intro,
    [
      breakGlassSection('Break-glass accounts holding the role', input.breakGlass, false),
      findingSection('Open findings', input.open, 'firstSeen'),
    ],
    FOOTER,
  );
  return { subject, html, text };
}

export interface FailureInput {
  tenant: string;
  at: string;
  failures: number;
  lastError: string;
  lastSuccessAt?: string;
}

/** The watchdog is blind: several audits in a row failed, so drift would go unnoticed. */
export function renderFailure(input: FailureInput): RenderedEmail {
  const subject = headerSafe(
    `[ACTION] mie-watchdog cannot audit ${input.tenant}: ${input.failures} failed runs in a row`,
    200,
  );
  const { html, text } = document(
    'Mailbox Import Export: the audit is failing',
    [
      `The last ${input.failures} audit runs failed, the latest at ${input.at}. Until one succeeds, changes to who holds Mailbox Import Export are not detected.`,
      input.lastSuccessAt ? `Last complete audit: ${input.lastSuccessAt}.` : 'No audit has ever completed.',
      `Last error: ${input.lastError}`,
    ],
    [],
    'Sent by mie-watchdog. Fix the cause named in the error (usually a permission of the watchdog identity or an outage), then run "mie-watchdog audit" to check.',
  );
  return { subject, html, text };
}
