/**
 * The security team's notices: the per-run drift alert (what opened, what resolved, break-glass use), the daily
 * digest of what is still open and the audit-failing alert. Pure: data in, a notice out; the shared layout
 * (lib/notify/emailLayout.ts) and the other channels render it, escaping every value from the tenant.
 */
import type { Finding, Severity } from '../domain.js';
import { instant, PAGES, type NoticeBody, type NoticeTable } from '../notify/notice.js';
import type { NoticeSeverity } from '../notify/noticeKinds.js';
import type { BreakGlassUse, StoredFinding } from '../ports/index.js';
import { ROLE_CAPABILITY } from '../roleCapability.js';

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

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const KIND_LABEL: Record<Finding['kind'], string> = {
  unapproved: 'Unapproved holder',
  'expired-present': 'Expired grant still present',
  missing: 'Granted assignment missing',
  changed: 'Changed',
  'can-grant': 'Can grant the power to others',
};
/** Holders named in a finding's row; the count says how many more. */
const NAMED_HOLDERS = 5;

/** "3 000 holders: a@x, b@x, ... and 2 995 more", or the one holder's principal. */
function holdersText(f: StoredFinding): string {
  const list = f.holders ?? [];
  const total = f.holderCount ?? list.length;
  if (total <= 1) return list[0] ?? f.principal;
  const named = list.slice(0, NAMED_HOLDERS).join(', ');
  const more = total - Math.min(list.length, NAMED_HOLDERS);
  return `${total} holders: ${named}${more > 0 ? ` and ${more} more` : ''}`;
}

function bySeverity(a: StoredFinding, b: StoredFinding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    a.kind.localeCompare(b.kind) ||
    a.principal.localeCompare(b.principal)
  );
}

function findingTable(title: string, findings: StoredFinding[], since: 'firstSeen' | 'resolvedAt'): NoticeTable {
  return {
    title,
    columns: [
      'Severity',
      'Kind',
      'Principal',
      'Capability',
      'Holders',
      'What',
      since === 'firstSeen' ? 'First seen' : 'Resolved',
    ],
    rows: [...findings].sort(bySeverity).map((f) => {
      const when = since === 'firstSeen' ? f.firstSeen : f.resolvedAt;
      return [
        f.severity,
        KIND_LABEL[f.kind],
        f.principal,
        (f.capability ?? []).join(', '),
        holdersText(f),
        f.summary,
        when ? instant(when) : '',
      ];
    }),
  };
}

function breakGlassTable(title: string, uses: BreakGlassUse[], cleared: boolean): NoticeTable {
  return {
    title,
    columns: ['Principal', 'Path', 'Assignment', cleared ? 'Cleared' : 'First seen'],
    rows: uses.map((u) => {
      const when = cleared ? u.clearedAt : u.firstSeen;
      return [u.principal, u.holder.path, u.holder.assignmentName, when ? instant(when) : ''];
    }),
  };
}

const FOOTER =
  'Sent by mie-watchdog. Approve a time-boxed grant for holders who need the role; everyone else should lose it (Remove-ManagementRoleAssignment).';

/** The worst new finding's severity; break-glass in use is at least high; only resolutions are informational. */
function driftSeverity(input: AlertInput): NoticeSeverity {
  const worst = [...input.opened].sort(bySeverity)[0]?.severity;
  if (input.breakGlassDetected.length && (!worst || SEVERITY_ORDER[worst] > SEVERITY_ORDER.high)) return 'high';
  return worst ?? (input.breakGlassCleared.length || input.resolved.length ? 'low' : 'info');
}

export function renderAlert(input: AlertInput): NoticeBody & { kind: 'drift' } {
  const parts: string[] = [];
  if (input.opened.length) parts.push(`${input.opened.length} new`);
  if (input.resolved.length) parts.push(`${input.resolved.length} resolved`);
  if (input.breakGlassDetected.length) parts.push(`break-glass in use: ${input.breakGlassDetected.length}`);
  if (input.breakGlassCleared.length) parts.push(`break-glass cleared: ${input.breakGlassCleared.length}`);
  const severity = driftSeverity(input);
  const prefix = severity === 'critical' || severity === 'high' ? '[ACTION] ' : '';
  const change = parts.join(', ') || 'no change';
  return {
    kind: 'drift',
    severity,
    at: input.at,
    subject: `${prefix}Mailbox Import Export drift on ${input.tenant}: ${change}`,
    summary: `Who holds Mailbox Import Export in ${input.tenant} changed: ${change}. Open findings now: ${input.openCount}.`,
    heading: 'Mailbox Import Export: drift detected',
    paragraphs: [
      `The audit found changes in who holds the Exchange Online role Mailbox Import Export in ${input.tenant}.`,
      ROLE_CAPABILITY,
    ],
    facts: [
      { label: 'Audit', value: instant(input.at) },
      { label: 'Open findings', value: String(input.openCount) },
    ],
    tables: [
      breakGlassTable('Break-glass accounts holding the role', input.breakGlassDetected, false),
      findingTable('New findings', input.opened, 'firstSeen'),
      findingTable('Resolved findings', input.resolved, 'resolvedAt'),
      breakGlassTable('Break-glass accounts no longer holding the role', input.breakGlassCleared, true),
    ],
    page: PAGES.holders(),
    refs: { tenant: input.tenant },
    footer: FOOTER,
  };
}

export function renderDigest(input: DigestInput): NoticeBody & { kind: 'digest' } {
  const worst = [...input.open].sort(bySeverity)[0]?.severity;
  return {
    kind: 'digest',
    severity: input.breakGlass.length && worst !== 'critical' ? 'high' : (worst ?? 'info'),
    at: input.at,
    subject: `Mailbox Import Export daily digest for ${input.tenant}: ${input.open.length} open finding(s)`,
    summary: `Still open in ${input.tenant}: ${input.open.length} finding(s) and ${input.breakGlass.length} break-glass holder(s).`,
    heading: 'Mailbox Import Export: open findings',
    paragraphs: [
      input.lastSuccessAt
        ? 'The findings below were open at the last complete audit.'
        : 'No complete audit has been recorded yet.',
    ],
    facts: input.lastSuccessAt ? [{ label: 'Last complete audit', value: instant(input.lastSuccessAt) }] : [],
    tables: [
      breakGlassTable('Break-glass accounts holding the role', input.breakGlass, false),
      findingTable('Open findings', input.open, 'firstSeen'),
    ],
    page: PAGES.holders(),
    refs: { tenant: input.tenant },
    footer: FOOTER,
  };
}

export interface FailureInput {
  tenant: string;
  at: string;
  failures: number;
  lastError: string;
  lastSuccessAt?: string;
}

/** The watchdog is blind: several audits in a row failed, so drift would go unnoticed. */
export function renderFailure(input: FailureInput): NoticeBody & { kind: 'audit-failing' } {
  return {
    kind: 'audit-failing',
    severity: 'critical',
    at: input.at,
    subject: `[ACTION] mie-watchdog cannot audit ${input.tenant}: ${input.failures} failed runs in a row`,
    summary: `The last ${input.failures} audits of ${input.tenant} failed: until one succeeds, changes to who holds Mailbox Import Export are not detected.`,
    heading: 'Mailbox Import Export: the audit is failing',
    paragraphs: [
      input.lastSuccessAt ? 'The facts below say when it last worked.' : 'No audit has ever completed.',
      `Last error: ${input.lastError}`,
    ],
    facts: [
      { label: 'Latest failure', value: instant(input.at) },
      { label: 'Failed runs in a row', value: String(input.failures) },
      ...(input.lastSuccessAt ? [{ label: 'Last complete audit', value: instant(input.lastSuccessAt) }] : []),
    ],
    tables: [],
    refs: { tenant: input.tenant },
    footer:
      'Sent by mie-watchdog. Fix the cause named in the error (usually a permission of the watchdog identity or an outage), then run "mie-watchdog audit" to check.',
  };
}
