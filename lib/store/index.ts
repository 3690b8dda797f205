/** Opens the Table Storage behind the Store port. */
import type { Clock, JournalRows, Store } from '../ports.js';
import { createGrantStore } from './grantStore.js';
import { createJournal, createJournalRows } from './journal.js';
import { createFindingStore } from './findingStore.js';
import { createSentMailStore } from './sentMailStore.js';
import { createSnapshotStore } from './snapshotStore.js';
import { createTableAccess, type TableAccess, type TableAccessOptions } from './tables.js';

export interface OpenedStore extends Store {
  tables: TableAccess;
  journalRows: JournalRows;
}

export function openStore(options: TableAccessOptions, clock: Clock): OpenedStore {
  const tables = createTableAccess(options);
  return { tables, grants: createGrantStore(tables), journal: createJournal(tables, clock), journalRows: createJournalRows(tables), sentMail: createSentMailStore(tables), snapshots: createSnapshotStore(tables), findings: createFindingStore(tables) };
}
