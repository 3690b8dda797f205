/**
 * The intent of a revoke-run alert ("needs a person", mass-removal guard): one row per notice key, written
 * (with the journal seq of that moment) before the email and deleted once its entries are journaled. A run
 * that dies in between leaves the row, and the next run journals the entries once after the recorded seq.
 * Rows live in their own partition of the grants table (grant reads filter on their partition).
 */
import type { AlertIntent, AlertIntentStore } from '../ports.js';
import { statusOf, tableCall, type TableAccess } from './tables.js';

const PARTITION = 'alert-intent';

type IntentEntity = { partitionKey: string; rowKey: string; json: string };

/** Notice keys hold '/', which a row key may not (Understanding the Table service data model): '|' instead. */
const rowKey = (key: string): string => key.replace(/\//g, '|');

export function createAlertIntentStore(tables: TableAccess): AlertIntentStore {
  const client = () => tables.table('grants');
  return {
    async record(intent) {
      const c = await client();
      await tableCall(`Recording the alert ${intent.key}`, () => c.upsertEntity<IntentEntity>({ partitionKey: PARTITION, rowKey: rowKey(intent.key), json: JSON.stringify(intent) }, 'Replace'));
    },
    async list() {
      const c = await client();
      const out: AlertIntent[] = [];
      await tableCall('Listing alerts in progress', async () => {
        for await (const e of c.listEntities<IntentEntity>({ queryOptions: { filter: `PartitionKey eq '${PARTITION}'` } })) out.push(JSON.parse(e.json) as AlertIntent);
      });
      return out;
    },
    async release(key) {
      const c = await client();
      await tableCall(`Releasing the alert ${key}`, async () => {
        try {
          await c.deleteEntity(PARTITION, rowKey(key));
        } catch (error) {
          // Released already (a repeated run): nothing to do.
          if (statusOf(error) !== 404) throw error;
        }
      });
    },
  };
}
