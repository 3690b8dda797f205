/**
 * Checks the journal's hash chain one stored row at a time, so a year of history verifies in
 * constant memory. Every break names the sequence number, the row key and what differs:
 * a gap in the sequence (a deleted row), a prevHash that does not link to the previous entry
 * (a row replaced or re-hashed), a stored hash that no longer matches the entry's content
 * (an edited row), or a head row that disagrees with the last entry (a deleted last entry).
 */
import { chainHash, entryRowKey, GENESIS_HASH, hashedFields } from '../hashChain.js';
import type { StoredJournalRow } from '../ports/index.js';

export type ChainProblemKind = 'unreadable' | 'row-key' | 'missing' | 'link' | 'hash' | 'head';

export interface ChainProblem {
  kind: ChainProblemKind;
  /** The sequence number where the chain breaks (the expected one for a gap). */
  seq: number;
  rowKey: string;
  message: string;
  expected?: string;
  actual?: string;
}

export interface ChainReport {
  ok: boolean;
  /** Entry rows read. */
  entries: number;
  /** Last entry read, with its stored hash: record it outside the storage account to anchor later checks. */
  last?: { seq: number; hash: string };
  head?: { seq: number; hash: string };
  problems: ChainProblem[];
  /** Problems beyond the reported ones (a mass edit need not be listed row by row). */
  moreProblems: number;
}

const MAX_REPORTED = 100;

export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private entries = 0;
  private last: { seq: number; hash: string } | undefined;
  private readonly problems: ChainProblem[] = [];
  private moreProblems = 0;

  /** Checks the next stored row (rows must come in row-key order). */
  // eslint-disable-next-line max-lines-per-function -- one row, checked field by field in the order a tampered row is reported
  check(row: StoredJournalRow): void {
    this.entries++;
    const entry = row.entry;
    if (!entry) {
      this.report({
        kind: 'unreadable',
        seq: this.expectedSeq,
        rowKey: row.rowKey,
        message: `row ${row.rowKey} cannot be read: ${row.unreadable ?? 'unknown reason'}`,
      });
      // Resynchronise on the row key so one unreadable row is one problem, not a cascade.
      const seq = row.throughSeq ?? Number(row.rowKey.slice(1));
      if (Number.isInteger(seq) && seq > 0) this.expectedSeq = seq + 1;
      return;
    }
    const { seq } = entry;
    // A row is keyed by its first entry: the entry at position i of a packed row has seq = first + i.
    const expectedRowKey = entryRowKey(seq - (row.index ?? 0));
    if (row.rowKey !== expectedRowKey) {
      this.report({
        kind: 'row-key',
        seq,
        rowKey: row.rowKey,
        message: `row ${row.rowKey} holds seq ${seq}: the seq column was changed or the row moved`,
        expected: expectedRowKey,
        actual: row.rowKey,
      });
    }
    if (seq > this.expectedSeq) {
      const range = seq - 1 === this.expectedSeq ? `seq ${this.expectedSeq}` : `seq ${this.expectedSeq} to ${seq - 1}`;
      this.report({
        kind: 'missing',
        seq: this.expectedSeq,
        rowKey: entryRowKey(this.expectedSeq),
        message: `${range} (row ${entryRowKey(this.expectedSeq)}${seq - 1 === this.expectedSeq ? '' : ` to ${entryRowKey(seq - 1)}`}) is missing: the next stored entry is seq ${seq}; entries were deleted`,
        expected: String(this.expectedSeq),
        actual: String(seq),
      });
    } else if (seq < this.expectedSeq) {
      this.report({
        kind: 'row-key',
        seq,
        rowKey: row.rowKey,
        message: `seq ${seq} appears again after seq ${this.expectedSeq - 1}: rows were duplicated or renumbered`,
        expected: String(this.expectedSeq),
        actual: String(seq),
      });
    } else if (entry.prevHash !== this.prevHash) {
      // A gap already explains a broken link, so the link is only checked between neighbours.
      this.report({
        kind: 'link',
        seq,
        rowKey: row.rowKey,
        message: `seq ${seq} does not link to seq ${seq - 1}: its prevHash differs from the previous entry's hash (one of the two was replaced or re-hashed)`,
        expected: this.prevHash,
        actual: entry.prevHash,
      });
    }
    const recomputed = chainHash(entry.prevHash, hashedFields(entry));
    if (recomputed !== entry.hash) {
      this.report({
        kind: 'hash',
        seq,
        rowKey: row.rowKey,
        message: `seq ${seq} was edited after it was written: the hash recomputed from its stored fields (at, type, actor, subject, reason, data, prevHash) differs from its stored hash`,
        expected: entry.hash,
        actual: recomputed,
      });
    }
    this.expectedSeq = Math.max(this.expectedSeq, seq + 1);
    this.prevHash = entry.hash;
    this.last = { seq, hash: entry.hash };
  }

  /** Compares the head row with the last entry read; a deleted tail shows up only here. */
  finish(head: { seq: number; hash: string } | undefined): ChainReport {
    const last = this.last;
    if (!head && last) {
      this.report({
        kind: 'head',
        seq: last.seq,
        rowKey: 'head',
        message: `the head row is missing although ${this.entries} entries exist: it was deleted`,
        expected: `seq ${last.seq}`,
        actual: 'no head row',
      });
    } else if (head && !last) {
      this.report({
        kind: 'head',
        seq: head.seq,
        rowKey: 'head',
        message: `the head row says seq ${head.seq} but no entry rows exist: every entry was deleted`,
        expected: `seq ${head.seq}`,
        actual: 'no entries',
      });
    } else if (head && last) {
      if (head.seq > last.seq) {
        const range = head.seq - 1 === last.seq ? `seq ${head.seq}` : `seq ${last.seq + 1} to ${head.seq}`;
        this.report({
          kind: 'head',
          seq: last.seq + 1,
          rowKey: entryRowKey(last.seq + 1),
          message: `the head row says seq ${head.seq} but the last entry is seq ${last.seq}: ${range} (from row ${entryRowKey(last.seq + 1)}) was deleted`,
          expected: `seq ${head.seq}`,
          actual: `seq ${last.seq}`,
        });
      } else if (head.seq < last.seq) {
        this.report({
          kind: 'head',
          seq: last.seq,
          rowKey: entryRowKey(last.seq),
          message: `entries after the head were written outside the journal: the head row says seq ${head.seq}, the last entry is seq ${last.seq}`,
          expected: `seq ${head.seq}`,
          actual: `seq ${last.seq}`,
        });
      } else if (head.hash !== last.hash) {
        this.report({
          kind: 'head',
          seq: last.seq,
          rowKey: 'head',
          message: `the head row's hash differs from the hash of seq ${last.seq}`,
          expected: last.hash,
          actual: head.hash,
        });
      }
    }
    return {
      ok: this.problems.length === 0,
      entries: this.entries,
      last,
      head,
      problems: [...this.problems],
      moreProblems: this.moreProblems,
    };
  }

  private report(problem: ChainProblem): void {
    if (this.problems.length < MAX_REPORTED) this.problems.push(problem);
    else this.moreProblems++;
  }
}
