/** What every evidence export shares: a period, flat cells for CSV, and the kinds auditors ask for. */

export type Cell = string | number | boolean | null | undefined;

export interface Column<T> {
  name: string;
  value(record: T): Cell;
}

/** `from` inclusive, `to` exclusive, ISO 8601 UTC; either may be open. */
export interface Period {
  from?: string;
  to?: string;
}

export const EXPORT_KINDS = ['journal', 'grants', 'findings', 'holders', 'anchors', 'usage'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const EXPORT_FORMATS = ['csv', 'json', 'ndjson', 'html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

// Compared as instants, not strings: stored timestamps may differ in precision ("...00Z" vs "...00.000Z").
const ms = (iso: string): number => Date.parse(iso);

/** True when [start, end) overlaps the period; an open end means "still going". */
export function overlaps(period: Period, start: string, end: string | undefined): boolean {
  if (period.to && ms(start) >= ms(period.to)) return false;
  if (period.from && end !== undefined && ms(end) <= ms(period.from)) return false;
  return true;
}

export function inPeriod(period: Period, at: string): boolean {
  return (!period.from || ms(at) >= ms(period.from)) && (!period.to || ms(at) < ms(period.to));
}

/** True when `at` is at or before `limit`. */
export function atOrBefore(at: string, limit: string): boolean {
  return ms(at) <= ms(limit);
}
