/**
 * Rows of one partition whose whole value is one JSON column: the intents and claims that revoke runs
 * record before acting and delete once done. Deleting a row that is already gone is not an error, so a
 * repeated run can release what a previous one released.
 */
import { odata } from '@azure/data-tables';
import { statusOf, tableCall, type TableAccess } from './tableAccess.js';

type JsonEntity = { partitionKey: string; rowKey: string; json: string };

export interface JsonPartition<T> {
  /** Insert (`create`: fails with a conflict when the row exists) or replace (`upsert`). */
  write(rowKey: string, value: T, mode: 'create' | 'upsert', what: string): Promise<void>;
  list(what: string): Promise<T[]>;
  remove(rowKey: string, what: string): Promise<void>;
}

export function jsonPartition<T>(tables: TableAccess, table: string, partition: string): JsonPartition<T> {
  const client = () => tables.table(table);
  return {
    async write(rowKey, value, mode, what) {
      const c = await client();
      const entity: JsonEntity = { partitionKey: partition, rowKey, json: JSON.stringify(value) };
      await tableCall(what, () => (mode === 'create' ? c.createEntity(entity) : c.upsertEntity(entity, 'Replace')));
    },
    async list(what) {
      const c = await client();
      const out: T[] = [];
      await tableCall(what, async () => {
        for await (const e of c.listEntities<JsonEntity>({
          queryOptions: { filter: odata`PartitionKey eq ${partition}` },
        }))
          out.push(JSON.parse(e.json) as T);
      });
      return out;
    },
    async remove(rowKey, what) {
      const c = await client();
      await tableCall(what, async () => {
        try {
          await c.deleteEntity(partition, rowKey);
        } catch (error) {
          if (statusOf(error) !== 404) throw error;
        }
      });
    },
  };
}
