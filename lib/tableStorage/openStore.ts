/** Opens the Table Storage behind the Store port. */
import type { Clock, JournalRows, Store } from '../ports/index.js';
import { createGrantStore } from './grants.js';
import { createJournal, createJournalRows } from './journal.js';
import { createFindingStore } from './findings.js';
import { createAlertIntentStore } from './alertIntents.js';
import { createRemovalClaimStore } from './removalClaims.js';
import { createSentMailStore } from './sentMail.js';
import { createSnapshotStore } from './snapshots.js';
import { createUsageLedger } from './usage.js';
import { createTableAccess, type TableAccess, type TableAccessOptions } from './tableAccess.js';

export interface OpenedStore extends Store {
  tables: TableAccess;
  journalRows: JournalRows;
}

export function openStore(options: TableAccessOptions, clock: Clock): OpenedStore {
  return storeOn(createTableAccess(options), clock);
}

/** The stores over an existing TableAccess (tests wrap one to count or fail requests). */
export function storeOn(tables: TableAccess, clock: Clock): OpenedStore {
  return {
    tables,
    grants: createGrantStore(tables),
    removals: createRemovalClaimStore(tables),
    alertIntents: createAlertIntentStore(tables),
    journal: createJournal(tables, clock),
    journalRows: createJournalRows(tables),
    sentMail: createSentMailStore(tables),
    snapshots: createSnapshotStore(tables),
    findings: createFindingStore(tables),
    usage: createUsageLedger(tables),
  };
}
