/**
 * The intent of a revoke-run alert ("needs a person", mass-removal guard): one row per notice key, written
 * (with the journal seq of that moment) before the email and deleted once its entries are journaled. A run
 * that dies in between leaves the row, and the next run journals the entries once after the recorded seq.
 * Rows live in their own partition of the grants table (grant reads filter on their partition).
 */
import type { AlertIntent, AlertIntentStore } from '../ports/index.js';
import { jsonPartition } from './jsonPartition.js';
import type { TableAccess } from './tableAccess.js';

/** Notice keys hold '/', which a row key may not (Understanding the Table service data model): '|' instead. */
const rowKey = (key: string): string => key.replace(/\//g, '|');

export function createAlertIntentStore(tables: TableAccess): AlertIntentStore {
  const rows = jsonPartition<AlertIntent>(tables, 'grants', 'alert-intent');
  return {
    record: (intent) => rows.write(rowKey(intent.key), intent, 'upsert', `Recording the alert ${intent.key}`),
    list: () => rows.list('Listing alerts in progress'),
    release: (key) => rows.remove(rowKey(key), `Releasing the alert ${key}`),
  };
}
