/** The journal itself, as exported: every field the hash covers plus the hashes, so auditors can re-verify offline. */
import { canonicalJson } from '../hashChain.js';
import type { JournalEntry } from '../ports/index.js';
import { inPeriod, type Column, type Period } from './evidenceTable.js';

export async function* journalRecords(
  entries: AsyncIterable<JournalEntry>,
  period: Period,
): AsyncGenerator<JournalEntry> {
  for await (const entry of entries) if (inPeriod(period, entry.at)) yield entry;
}

export const JOURNAL_COLUMNS: Column<JournalEntry>[] = [
  { name: 'seq', value: (e) => e.seq },
  { name: 'id', value: (e) => e.id },
  { name: 'at', value: (e) => e.at },
  { name: 'type', value: (e) => e.type },
  { name: 'actor', value: (e) => e.actor },
  { name: 'subject', value: (e) => e.subject },
  { name: 'reason', value: (e) => e.reason },
  { name: 'data', value: (e) => canonicalJson(e.data) },
  { name: 'prevHash', value: (e) => e.prevHash },
  { name: 'hash', value: (e) => e.hash },
];
