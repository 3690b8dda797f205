/**
 * The journal's write-once anchors: after a run appends to the journal, its head (seq, hash, time) is appended to
 * storage nobody can rewrite (an append blob under a time-based immutability policy). Someone able to rewrite the
 * tables can rebuild a consistent chain, but not the anchors: verification compares the chain with each of them.
 */

import type { JournalAnchor, StoredAnchor } from '../journalAnchor.js';

export type { JournalAnchor, StoredAnchor };

export interface AnchorLog {
  /** Where the anchors are kept, in words, for messages ("container journal-anchors of https://..."). */
  readonly location: string;
  /** Appends the anchor once, even when a retried write had already landed. */
  record(anchor: JournalAnchor): Promise<void>;
  /** Every stored anchor, in the order written; none when nothing was ever anchored. */
  read(): AsyncIterable<StoredAnchor>;
}
