/** Opens the Table Storage behind the Store port. */
import type { Clock, Store } from '../ports.js';
import { createGrantStore } from './grantStore.js';
import { createJournal } from './journal.js';
import { createTableAccess, type TableAccess, type TableAccessOptions } from './tables.js';

export interface OpenedStore extends Store {
  tables: TableAccess;
}

export function openStore(options: TableAccessOptions, clock: Clock): OpenedStore {
  const tables = createTableAccess(options);
  return { tables, grants: createGrantStore(tables), journal: createJournal(tables, clock) };
}
