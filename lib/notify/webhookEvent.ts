/** The generic webhook's rendering of a notice: one event of the one schema (webhookEventSchema.ts). */
import { formatDuration } from '../duration.js';
import { valueText } from './emailLayout.js';
import { pageUrl, type Notice, type NoticeValue } from './notice.js';
import type { WebhookEvent } from './webhookEventSchema.js';

/** Machine-readable cells: instants and durations as ISO 8601. */
function cell(value: NoticeValue): string {
  if (typeof value === 'string') return value;
  return 'instant' in value ? value.instant : formatDuration(value.durationMs);
}

export function webhookEvent(notice: Notice, webUrl: string | undefined): WebhookEvent {
  const url = pageUrl(notice.page, webUrl);
  return {
    specVersion: '1',
    id: notice.key,
    kind: notice.kind,
    severity: notice.severity,
    occurredAt: notice.at,
    subject: notice.subject,
    summary: notice.summary,
    title: notice.heading,
    paragraphs: notice.paragraphs,
    ...(url ? { url } : {}),
    refs: notice.refs,
    facts: notice.facts.map((f) => ({
      label: f.label,
      text: valueText(f.value, notice.at),
      ...(typeof f.value === 'object' && 'instant' in f.value ? { instant: f.value.instant } : {}),
      ...(typeof f.value === 'object' && 'durationMs' in f.value ? { durationMs: Math.round(f.value.durationMs) } : {}),
    })),
    tables: notice.tables
      .filter((t) => t.rows.length > 0)
      .map((t) => ({ title: t.title, columns: t.columns, rows: t.rows.map((r) => r.map(cell)) })),
  };
}
