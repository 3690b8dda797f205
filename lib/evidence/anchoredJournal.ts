/**
 * The journal, anchored: after every append that wrote entries, the new head (seq, hash, time) goes to the
 * write-once anchor log, so each run that changes the journal leaves a mark nobody can rewrite. An anchor that
 * cannot be written does not undo or fail the run (its entries are journaled and hashed); it is logged as an
 * error, and the next append anchors the head again, covering these entries too.
 */
import type { AnchorLog, Clock, Journal, JournalEntry, Logger } from '../ports/index.js';

export function anchoredJournal(journal: Journal, anchors: AnchorLog, clock: Clock, logger: Logger): Journal {
  async function anchor(entries: JournalEntry[]): Promise<void> {
    const last = entries.reduce<JournalEntry | undefined>((a, e) => (!a || e.seq > a.seq ? e : a), undefined);
    if (!last) return;
    try {
      await anchors.record({ seq: last.seq, hash: last.hash, at: clock.now().toISOString() });
    } catch (error) {
      logger.error(
        `The journal head (seq ${last.seq}) was not anchored in ${anchors.location}: ${error instanceof Error ? error.message : String(error)}. The next run that writes the journal anchors its head.`,
        { seq: last.seq },
      );
    }
  }
  return {
    ...journal,
    async append(input) {
      const entry = await journal.append(input);
      await anchor([entry]);
      return entry;
    },
    async appendMany(inputs) {
      const entries = await journal.appendMany(inputs);
      await anchor(entries);
      return entries;
    },
    async appendOnce(inputs, after) {
      const entries = await journal.appendOnce(inputs, after);
      await anchor(entries);
      return entries;
    },
  };
}
