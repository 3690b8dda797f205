/**
 * Checks the journal against its write-once anchors: every anchor says "entry seq had hash h"; the chain must
 * still reach it. A chain rewritten from the tables, however consistent, has other hashes (or fewer entries), so
 * an anchor it no longer reaches is the proof. Entries are seen as they stream past; the anchors are held in memory
 * (one small record each; a year of five-minute runs is about 100,000).
 */
import type { JournalAnchor, JournalEntry, StoredAnchor } from '../ports/index.js';

export type AnchorProblemKind = 'unreadable' | 'hash' | 'not-reached';

export interface AnchorProblem {
  kind: AnchorProblemKind;
  /** Where the anchor is (blob and line, or file and line). */
  source: string;
  seq?: number;
  message: string;
  expected?: string;
  actual?: string;
}

export interface AnchorReport {
  ok: boolean;
  /** Where the anchors were read. */
  location: string;
  /** Anchors read (readable or not). */
  anchors: number;
  /** Anchors the chain reaches with the same hash. */
  reached: number;
  /** The anchor with the highest seq. */
  latest?: JournalAnchor;
  problems: AnchorProblem[];
  moreProblems: number;
  /** The anchors could not be read at all: the chain was not checked against them. */
  unavailable?: string;
}

const MAX_REPORTED = 100;

type AnchorState = 'pending' | 'reached' | 'rewritten';

export class AnchorCheck {
  private readonly bySeq = new Map<number, { anchor: JournalAnchor; source: string; state: AnchorState }[]>();
  private readonly problems: AnchorProblem[] = [];
  private moreProblems = 0;
  private count = 0;
  private latest: JournalAnchor | undefined;

  constructor(private readonly location: string) {}

  add(stored: StoredAnchor): void {
    this.count++;
    if (!stored.anchor) {
      this.report({
        kind: 'unreadable',
        source: stored.source,
        message: `${stored.source} is not an anchor: ${stored.unreadable ?? 'unknown reason'}`,
      });
      return;
    }
    const { anchor } = stored;
    if (!this.latest || anchor.seq > this.latest.seq) this.latest = anchor;
    const list = this.bySeq.get(anchor.seq) ?? [];
    list.push({ anchor, source: stored.source, state: 'pending' });
    this.bySeq.set(anchor.seq, list);
  }

  /** One entry of the chain, in order; an entry whose seq repeats (tampering) is compared again. */
  see(entry: JournalEntry): void {
    for (const item of this.bySeq.get(entry.seq) ?? []) {
      // Decided once: a later entry with the same seq is not a second chance.
      if (item.state !== 'pending') continue;
      if (item.anchor.hash === entry.hash) {
        item.state = 'reached';
        continue;
      }
      item.state = 'rewritten';
      this.report({
        kind: 'hash',
        source: item.source,
        seq: entry.seq,
        message: `the chain no longer reaches the anchor of ${item.anchor.at} (${item.source}): seq ${entry.seq} has another hash than the one anchored, so the history up to it was rewritten`,
        expected: item.anchor.hash,
        actual: entry.hash,
      });
    }
  }

  finish(): AnchorReport {
    let reached = 0;
    for (const list of this.bySeq.values()) {
      for (const item of list) {
        if (item.state === 'reached') reached++;
        if (item.state !== 'pending') continue;
        this.report({
          kind: 'not-reached',
          source: item.source,
          seq: item.anchor.seq,
          message: `the chain does not reach the anchor of ${item.anchor.at} (${item.source}): seq ${item.anchor.seq} is not in the journal, so entries were deleted (or the anchors are newer than this copy of the journal)`,
          expected: item.anchor.hash,
        });
      }
    }
    return {
      ok: this.problems.length === 0,
      location: this.location,
      anchors: this.count,
      reached,
      latest: this.latest,
      problems: [...this.problems],
      moreProblems: this.moreProblems,
    };
  }

  private report(problem: AnchorProblem): void {
    if (this.problems.length < MAX_REPORTED) this.problems.push(problem);
    else this.moreProblems++;
  }
}

/** Anchors that could not be read: the chain alone was checked, which a consistent rewrite would pass. */
export function unavailableAnchors(location: string, reason: string): AnchorReport {
  return {
    ok: false,
    location,
    anchors: 0,
    reached: 0,
    problems: [],
    moreProblems: 0,
    unavailable: reason,
  };
}

export function describeAnchorReport(report: AnchorReport): string {
  if (report.unavailable)
    return `Anchors UNAVAILABLE (${report.location}): ${report.unavailable}. The chain was not checked against them.`;
  if (report.anchors === 0)
    return `No anchors in ${report.location} yet: nothing to check the chain against (the next run that writes the journal anchors it).`;
  if (report.ok)
    return `Anchors: the chain reaches all ${report.anchors} anchor(s) in ${report.location}${report.latest ? `, the latest seq ${report.latest.seq} of ${report.latest.at}` : ''}.`;
  const lines = report.problems.map((p) => {
    const diff =
      p.expected !== undefined ? `\n    anchored: ${p.expected}\n    chain:    ${p.actual ?? '(no such entry)'}` : '';
    return `  - [${p.kind}] ${p.message}${diff}`;
  });
  if (report.moreProblems) lines.push(`  - and ${report.moreProblems} more`);
  return `Anchors BROKEN: ${report.problems.length + report.moreProblems} of ${report.anchors} anchor(s) in ${report.location} not reached.\n${lines.join('\n')}`;
}
