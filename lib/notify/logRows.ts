/**
 * The Azure Monitor Logs rendering of a notice: rows of the custom table MieWatchdog_CL (infra/logs.bicep has its
 * columns). One `notice` row per notice, and one `item` row per row of its tables (a finding, a holder, a removal
 * target), so a query or a Sentinel analytic rule filters on a single finding without parsing the notice.
 */
import { formatDuration } from '../duration.js';
import { valueText } from './emailLayout.js';
import { pageUrl, type Notice, type NoticeValue } from './notice.js';

export interface LogRow {
  TimeGenerated: string;
  EventId: string;
  RowType: 'notice' | 'item';
  Kind: string;
  Severity: string;
  Tenant: string;
  Subject: string;
  Summary: string;
  GrantId: string;
  Principal: string;
  AssignmentGuid: string;
  Url: string;
  Section: string;
  Details: Record<string, string>;
}

const SEVERITIES = new Set(['critical', 'high', 'medium', 'low', 'info']);

function raw(value: NoticeValue): string {
  if (typeof value === 'string') return value;
  return 'instant' in value ? value.instant : formatDuration(value.durationMs);
}

export function logRows(notice: Notice, webUrl: string | undefined): LogRow[] {
  const base = {
    TimeGenerated: notice.at,
    EventId: notice.key,
    Kind: notice.kind,
    Tenant: notice.refs.tenant ?? '',
    Subject: notice.subject,
    GrantId: notice.refs.grantId ?? '',
    AssignmentGuid: notice.refs.assignmentGuid ?? '',
    Url: pageUrl(notice.page, webUrl) ?? '',
  };
  const head: LogRow = {
    ...base,
    RowType: 'notice',
    Severity: notice.severity,
    Summary: notice.summary,
    Principal: notice.refs.principal ?? '',
    Section: '',
    Details: Object.fromEntries(notice.facts.map((f) => [f.label, valueText(f.value, notice.at)])),
  };
  const items = notice.tables.flatMap((t) =>
    t.rows.map((r): LogRow => {
      const details = Object.fromEntries(t.columns.map((c, i) => [c, raw(r[i] ?? '')]));
      const severity = details.Severity?.toLowerCase();
      return {
        ...base,
        RowType: 'item',
        Severity: severity && SEVERITIES.has(severity) ? severity : notice.severity,
        Summary: details.What ?? details.Finding ?? notice.summary,
        Principal: details.Principal ?? notice.refs.principal ?? '',
        Section: t.title,
        Details: details,
      };
    }),
  );
  return [head, ...items];
}
