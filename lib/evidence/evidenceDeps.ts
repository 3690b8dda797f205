/** What the evidence jobs read: the journal's stored rows (verified as they are read), its anchors, the grants and the usage ledger. */
import type { AnchorLog, Clock, GrantStore, JournalEntry, JournalRows, UsageLedger } from '../ports/index.js';

export interface EvidenceDeps {
  journalRows: JournalRows;
  grants: GrantStore;
  usage: Pick<UsageLedger, 'list'>;
  anchors: AnchorLog;
  clock: Clock;
}

/** Readable entries in order, through `throughSeq`; unreadable rows are the verifier's to report. */
export async function* storedEntries(journal: JournalRows, throughSeq: number): AsyncGenerator<JournalEntry> {
  for await (const row of journal.rows()) {
    if (!row.entry) continue;
    if (row.entry.seq > throughSeq) return;
    yield row.entry;
  }
}
