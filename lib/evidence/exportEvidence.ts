/**
 * The auditor export: verifies the hash chain first, then streams one kind of evidence for a
 * period as CSV, JSON, NDJSON or the HTML report. The body is an async generator of text chunks,
 * read from Table Storage page by page while the consumer writes: a year of history never sits in
 * memory. The export covers the entries that existed when the chain was verified.
 */
import { inChunks } from './chunks.js';
import { csvLines } from './csv.js';
import { storedEntries, type EvidenceDeps } from './evidenceDeps.js';
import type { Column, ExportFormat, ExportKind, Period } from './evidenceTable.js';
import { FINDING_COLUMNS, findingRecords } from './findingHistory.js';
import { GRANT_COLUMNS, grantRecords } from './grantRecords.js';
import { HOLDER_PERIOD_COLUMNS, holderPeriods } from './holderHistory.js';
import { evidenceReport } from './htmlReport.js';
import { JOURNAL_COLUMNS, journalRecords } from './journalRecords.js';
import { jsonDocument, ndjsonLines } from './json.js';
import { verifyAnchored, type AnchoredReport } from './verifyAnchored.js';
import { ANCHOR_COLUMNS, anchorRecords } from './anchorRecords.js';
import { USAGE_COLUMNS, usageRecords } from './usageRecords.js';

export interface ExportRequest {
  kind: ExportKind;
  format: ExportFormat;
  period: Period;
  /** CSV only: start with a UTF-8 byte order mark (default true, for Excel). */
  bom?: boolean;
}

export interface PreparedExport {
  /** The chain, and the chain against the anchors: `ok` only when both hold. */
  integrity: AnchoredReport;
  contentType: string;
  fileName: string;
  body: AsyncIterable<string>;
}

interface KindSource {
  columns: Column<never>[];
  records(deps: EvidenceDeps, period: Period, throughSeq: number): AsyncIterable<unknown>;
}

const SOURCES: Record<ExportKind, KindSource> = {
  journal: {
    columns: JOURNAL_COLUMNS,
    records: (deps, period, seq) => journalRecords(storedEntries(deps.journalRows, seq), period),
  },
  holders: {
    columns: HOLDER_PERIOD_COLUMNS,
    records: (deps, period, seq) => holderPeriods(storedEntries(deps.journalRows, seq), period),
  },
  findings: {
    columns: FINDING_COLUMNS,
    records: (deps, period, seq) => findingRecords(storedEntries(deps.journalRows, seq), period),
  },
  anchors: {
    columns: ANCHOR_COLUMNS,
    records: (deps) => anchorRecords(deps.anchors),
  },
  usage: {
    columns: USAGE_COLUMNS,
    records: (deps, period) => usageRecords(deps.usage, period),
  },
  grants: {
    columns: GRANT_COLUMNS,
    async *records(deps, period, seq) {
      yield* grantRecords(await deps.grants.list(), storedEntries(deps.journalRows, seq), period);
    },
  },
};

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/** The last entry the verification saw, by head or by rows, whichever is further. */
export function verifiedThrough(integrity: Pick<AnchoredReport, 'head' | 'last'>): number {
  return Math.max(integrity.head?.seq ?? 0, integrity.last?.seq ?? 0);
}

function fileName(request: ExportRequest, generatedAt: string): string {
  const stamp = (iso: string | undefined, fallback: string) =>
    (iso ?? fallback).replace(/[:.]/g, '').replace(/[^0-9A-Za-z-]/g, '');
  const what = request.format === 'html' ? 'report' : request.kind;
  const ext = request.format === 'html' ? 'html' : request.format;
  return `mie-watchdog-${what}-${stamp(request.period.from, 'start')}-${stamp(request.period.to, generatedAt)}.${ext}`;
}

export async function exportEvidence(deps: EvidenceDeps, request: ExportRequest): Promise<PreparedExport> {
  const integrity = await verifyAnchored(deps.journalRows, deps.anchors);
  const throughSeq = verifiedThrough(integrity);
  const generatedAt = deps.clock.now().toISOString();
  const prepared = { integrity, contentType: CONTENT_TYPES[request.format], fileName: fileName(request, generatedAt) };
  if (request.format === 'html') {
    return {
      ...prepared,
      body: inChunks(evidenceReport(deps, { period: request.period, integrity, throughSeq, generatedAt })),
    };
  }
  const source = SOURCES[request.kind] as KindSource & { columns: Column<unknown>[] };
  const records = source.records(deps, request.period, throughSeq);
  const pieces =
    request.format === 'csv'
      ? csvLines(source.columns, records, { bom: request.bom })
      : request.format === 'ndjson'
        ? ndjsonLines(records)
        : jsonDocument(
            {
              kind: request.kind,
              from: request.period.from ?? null,
              to: request.period.to ?? null,
              generatedAt,
              integrity,
            },
            records,
          );
  return { ...prepared, body: inChunks(pieces) };
}
