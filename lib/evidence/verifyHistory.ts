/** Verifies the whole stored journal, and reads it with verification along the way. */
import type { JournalEntry, JournalRows, StoredJournalRow } from '../ports/index.js';
import { ChainVerifier, type ChainReport } from './chainVerifier.js';

export async function verifyHistory(journal: JournalRows): Promise<ChainReport> {
  const replay = verifiedReplay(journal);
  for await (const _entry of replay.entries);
  return replay.report();
}

/**
 * Where a stored row sits in the sequence, from its row key and its place in a packed row, never from a
 * possibly edited seq column: a packed row is keyed by its first entry, so its i-th entry is key + i, and
 * an unreadable packed row reaches the last seq it says it holds.
 */
function rowPosition(row: StoredJournalRow): number | undefined {
  const first = Number(row.rowKey.slice(1));
  if (!Number.isInteger(first)) return undefined;
  if (!row.entry) return Math.max(first, row.throughSeq ?? first);
  return first + (row.index ?? 0);
}

/** Bounds the catch-up below: each round needs a concurrent append, so a few rounds always suffice. */
const MAX_CATCH_UP_ROUNDS = 20;

/**
 * Replays the journal through a verifier: yields every readable entry in order and, once the
 * caller has read to the end, `report()` says whether the history it was given is intact.
 * The head is read after the rows; when it is ahead of them, the rows after the last one read
 * are fetched again, so an entry appended during the replay is not mistaken for a deleted one.
 */
export function verifiedReplay(journal: JournalRows): { entries: AsyncIterable<JournalEntry>; report(): ChainReport } {
  const verifier = new ChainVerifier();
  let result: ChainReport | undefined;
  async function* entries(): AsyncGenerator<JournalEntry> {
    let lastSeq = 0;
    const feed = async function* (fromSeq?: number): AsyncGenerator<JournalEntry> {
      for await (const row of journal.rows(fromSeq ? { fromSeq } : {})) {
        // A catch-up read starts a few rows early (a packed row keyed before fromSeq may hold it): skip what was checked.
        const position = rowPosition(row);
        if (fromSeq && position !== undefined && position < fromSeq) continue;
        verifier.check(row);
        if (position !== undefined) lastSeq = Math.max(lastSeq, position);
        if (row.entry) yield row.entry;
      }
    };
    yield* feed();
    let head = await journal.head();
    for (let round = 0; head && head.seq > lastSeq && round < MAX_CATCH_UP_ROUNDS; round++) {
      const before = lastSeq;
      yield* feed(lastSeq + 1);
      if (lastSeq === before) break;
      head = await journal.head();
    }
    result = verifier.finish(head);
  }
  return {
    entries: entries(),
    report() {
      if (!result) throw new Error('The journal replay was not read to the end; its integrity is unknown.');
      return result;
    },
  };
}

export function describeChainReport(report: ChainReport): string {
  if (report.ok) {
    return report.last
      ? `Journal intact: ${report.entries} entries, seq 1 to ${report.last.seq}, head hash ${report.last.hash}.`
      : 'Journal intact: no entries yet.';
  }
  const lines = report.problems.map((p) => {
    const diff = p.expected !== undefined ? `\n    expected: ${p.expected}\n    found:    ${p.actual ?? ''}` : '';
    return `  - seq ${p.seq}, row ${p.rowKey} [${p.kind}]: ${p.message}${diff}`;
  });
  if (report.moreProblems) lines.push(`  - and ${report.moreProblems} more problems`);
  return `Journal TAMPERED: ${report.problems.length + report.moreProblems} problem(s) in ${report.entries} entries.\n${lines.join('\n')}`;
}
