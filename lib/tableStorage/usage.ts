/**
 * The usage ledger in Table Storage (table `usage`): partition `use` holds one row per audit record (row key: a
 * hash of the record id, which may hold characters a row key may not), the whole use as one JSON column; partition
 * `state` holds the one row of the audit log search in flight, replaced under its ETag.
 */
import { createHash } from 'node:crypto';
import { odata } from '@azure/data-tables';
import type { RecordedUse, UsageLedger, UsageQueryState } from '../ports/index.js';
import { getEntity, tableCall, type TableAccess } from './tableAccess.js';

const USES = 'use';
const STATE = 'state';
const STATE_ROW = 'query';
/** Point reads in flight when checking which records are known. */
const READS_IN_FLIGHT = 8;
/** A batch transaction holds at most 100 operations, all in one partition. */
const BATCH = 100;

type JsonEntity = { partitionKey: string; rowKey: string; json: string };

const useRowKey = (recordId: string): string => createHash('sha256').update(recordId, 'utf8').digest('hex');

export function createUsageLedger(tables: TableAccess): UsageLedger {
  const client = () => tables.table('usage');
  return {
    async state() {
      const c = await client();
      const row = await getEntity<JsonEntity>(c, STATE, STATE_ROW);
      if (!row) return {};
      return { ...(JSON.parse(row.json) as Omit<UsageQueryState, 'etag'>), etag: row.etag };
    },
    async saveState(next, current) {
      const c = await client();
      const entity: JsonEntity = { partitionKey: STATE, rowKey: STATE_ROW, json: JSON.stringify(next) };
      const what = 'Saving the usage ledger query state';
      const res = current.etag
        ? await tableCall(what, () => c.updateEntity(entity, 'Replace', { etag: current.etag }))
        : await tableCall(what, () => c.createEntity(entity));
      return { ...next, etag: res.etag };
    },
    async known(recordIds) {
      const c = await client();
      const found = new Set<string>();
      const queue = [...new Set(recordIds)];
      const worker = async () => {
        for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
          if (await getEntity<JsonEntity>(c, USES, useRowKey(id))) found.add(id);
        }
      };
      await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, queue.length) }, worker));
      return found;
    },
    async record(uses) {
      const c = await client();
      // One row per record id: a transaction refuses two operations on the same row.
      const rows = [...new Map(uses.map((u) => [useRowKey(u.recordId), u])).entries()];
      for (let i = 0; i < rows.length; i += BATCH) {
        const actions = rows
          .slice(i, i + BATCH)
          .map(([rowKey, use]): ['upsert', JsonEntity, 'Replace'] => [
            'upsert',
            { partitionKey: USES, rowKey, json: JSON.stringify(use) },
            'Replace',
          ]);
        await tableCall(`Recording ${actions.length} uses in the usage ledger`, () => c.submitTransaction(actions));
      }
    },
    async list() {
      const c = await client();
      const out: RecordedUse[] = [];
      await tableCall('Listing the usage ledger', async () => {
        for await (const e of c.listEntities<JsonEntity>({ queryOptions: { filter: odata`PartitionKey eq ${USES}` } }))
          out.push(JSON.parse(e.json) as RecordedUse);
      });
      return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.recordId.localeCompare(b.recordId));
    },
  };
}
