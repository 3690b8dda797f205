/**
 * Verification an auditor can rely on: the hash chain end to end (lib/evidence/verifyHistory.ts), and the chain
 * against every write-once anchor (lib/evidence/anchorCheck.ts), from storage or from files, in one pass over the
 * entries. The chain alone proves nothing against someone who rewrote every row consistently; the anchors do.
 */
import { entryRowKey } from '../hashChain.js';
import { parseAnchorLine } from '../journalAnchor.js';
import type { AnchorLog, JournalEntry, JournalRows, StoredAnchor, StoredJournalRow } from '../ports/index.js';
import { AnchorCheck, describeAnchorReport, unavailableAnchors, type AnchorReport } from './anchorCheck.js';
import { ChainVerifier, type ChainReport } from './chainVerifier.js';
import { describeChainReport, verifiedReplay } from './verifyHistory.js';

export interface AnchoredReport extends ChainReport {
  /** True when the chain verified and reaches every anchor. */
  ok: boolean;
  /** The chain's own verdict, without the anchors. */
  chainOk: boolean;
  anchors: AnchorReport;
}

/** Where the anchors come from: the anchor blobs, or an anchors file. */
export type AnchorSource = Pick<AnchorLog, 'location' | 'read'>;

async function loadAnchors(source: AnchorSource): Promise<AnchorCheck | AnchorReport> {
  const check = new AnchorCheck(source.location);
  try {
    for await (const stored of source.read()) check.add(stored);
  } catch (error) {
    return unavailableAnchors(source.location, error instanceof Error ? error.message : String(error));
  }
  return check;
}

function combine(chain: ChainReport, anchors: AnchorReport): AnchoredReport {
  return { ...chain, ok: chain.ok && anchors.ok, chainOk: chain.ok, anchors };
}

/** The stored journal and head, against the anchors. */
export async function verifyAnchored(journal: JournalRows, source: AnchorSource): Promise<AnchoredReport> {
  const loaded = await loadAnchors(source);
  const replay = verifiedReplay(journal);
  for await (const entry of replay.entries) if (loaded instanceof AnchorCheck) loaded.see(entry);
  return combine(replay.report(), loaded instanceof AnchorCheck ? loaded.finish() : loaded);
}

/**
 * An exported journal (NDJSON, one entry a line, from seq 1), against the anchors. A file has no head row: its
 * last entry stands for it, and an anchor beyond that entry is reported as not reached.
 */
export async function verifyExported(
  rows: AsyncIterable<StoredJournalRow>,
  source: AnchorSource,
): Promise<AnchoredReport> {
  const loaded = await loadAnchors(source);
  const verifier = new ChainVerifier();
  let last: { seq: number; hash: string } | undefined;
  for await (const row of rows) {
    verifier.check(row);
    if (!row.entry) continue;
    last = { seq: row.entry.seq, hash: row.entry.hash };
    if (loaded instanceof AnchorCheck) loaded.see(row.entry);
  }
  return combine(verifier.finish(last), loaded instanceof AnchorCheck ? loaded.finish() : loaded);
}

/** One exported line as a stored row: keyed by its own seq, so only the chain decides whether it is intact. */
export function exportedRow(line: string, lineNumber: number): StoredJournalRow {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { rowKey: `line ${lineNumber}`, unreadable: `line ${lineNumber} is not JSON` };
  }
  const e = value as Partial<JournalEntry>;
  if (
    typeof e !== 'object' ||
    e === null ||
    !Number.isInteger(e.seq) ||
    typeof e.hash !== 'string' ||
    typeof e.prevHash !== 'string' ||
    typeof e.data !== 'object' ||
    typeof e.at !== 'string' ||
    typeof e.type !== 'string'
  ) {
    return {
      rowKey: `line ${lineNumber}`,
      unreadable: `line ${lineNumber} lacks seq, at, type, data, prevHash or hash`,
    };
  }
  return { rowKey: entryRowKey(e.seq as number), entry: e as JournalEntry };
}

export function describeAnchored(report: AnchoredReport): string {
  return `${describeChainReport({ ...report, ok: report.chainOk })}\n${describeAnchorReport(report.anchors)}`;
}

/** The anchors of a file's lines (an anchors file, or a downloaded anchor blob). */
export async function* anchorsOf(lines: AsyncIterable<string>, name: string): AsyncGenerator<StoredAnchor> {
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim()) yield parseAnchorLine(line.trim(), `${name} line ${n}`);
  }
}
