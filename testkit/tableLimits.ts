/**
 * Table Storage's size limits, asserted on every write a store makes, because Azurite enforces only some of
 * them (it refuses a string over 32K characters, a binary over 64 KiB, a transaction of more than 100 changes
 * or a body over 4 MiB, but accepts entities over 1 MiB). Limits from "Scalability and performance targets for
 * Table storage" and the entity size formula of "Understanding the Table service data model":
 * 4 bytes + 2 per key character + per property (8 + 2 per name character + value: strings 4 + 2 per
 * UTF-16 unit, binary 4 + bytes, numbers 8, booleans 1).
 */
import type { TransactionAction } from '@azure/data-tables';
import type { TableAccess } from '../lib/tableStorage/tableAccess.js';

export const MAX_PROPERTY_BYTES = 64 * 1024;
export const MAX_ENTITY_BYTES = 1024 * 1024;
export const MAX_BATCH_ENTITIES = 100;
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;

export interface TableWrite {
  table: string;
  entities: number;
  /** Largest entity of the write, by the documented formula. */
  maxEntityBytes: number;
  /** Largest property value of the write. */
  maxPropertyBytes: number;
  /** Sum of the entities' sizes (a transaction's payload is at least this). */
  totalBytes: number;
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return 4 + value.length * 2;
  if (value instanceof Uint8Array) return 4 + value.byteLength;
  if (typeof value === 'boolean') return 1;
  if (value instanceof Date) return 8;
  return 8;
}

export function entitySize(entity: Record<string, unknown>): { bytes: number; maxProperty: number } {
  // The SDK types keys as strings; anything else would be refused before size matters.
  const pk = typeof entity.partitionKey === 'string' ? entity.partitionKey : '';
  const rk = typeof entity.rowKey === 'string' ? entity.rowKey : '';
  let bytes = 4 + (pk.length + rk.length) * 2;
  let maxProperty = 0;
  for (const [name, value] of Object.entries(entity)) {
    if (name === 'partitionKey' || name === 'rowKey' || name === 'etag' || value === undefined) continue;
    const v = valueBytes(value);
    maxProperty = Math.max(maxProperty, v - 4);
    bytes += 8 + name.length * 2 + v;
  }
  return { bytes, maxProperty };
}

function check(table: string, entities: Record<string, unknown>[], writes: TableWrite[]): void {
  const sizes = entities.map(entitySize);
  const write: TableWrite = {
    table,
    entities: entities.length,
    maxEntityBytes: Math.max(0, ...sizes.map((s) => s.bytes)),
    maxPropertyBytes: Math.max(0, ...sizes.map((s) => s.maxProperty)),
    totalBytes: sizes.reduce((n, s) => n + s.bytes, 0),
  };
  writes.push(write);
  const problems: string[] = [];
  if (write.maxPropertyBytes > MAX_PROPERTY_BYTES)
    problems.push(`a property of ${write.maxPropertyBytes} bytes (limit 64 KiB)`);
  if (write.maxEntityBytes > MAX_ENTITY_BYTES)
    problems.push(`an entity of ${write.maxEntityBytes} bytes (limit 1 MiB)`);
  if (write.entities > MAX_BATCH_ENTITIES) problems.push(`${write.entities} entities in one transaction (limit 100)`);
  if (write.totalBytes > MAX_BATCH_BYTES) problems.push(`a transaction of ${write.totalBytes} bytes (limit 4 MiB)`);
  if (problems.length) throw new Error(`Table Storage would refuse this write to ${table}: ${problems.join(', ')}.`);
}

/** Wraps every table client so that each write is measured (into `writes`) and refused when over a limit. */
export function limitCheckedTables(inner: TableAccess, writes: TableWrite[] = []): TableAccess {
  return {
    async table(name) {
      const client = await inner.table(name);
      return new Proxy(client, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (typeof value !== 'function') return value;
          if (prop === 'createEntity' || prop === 'upsertEntity' || prop === 'updateEntity') {
            return (entity: Record<string, unknown>, ...rest: unknown[]) => {
              check(target.tableName, [entity], writes);
              return (value as (...a: unknown[]) => unknown).call(target, entity, ...rest);
            };
          }
          if (prop === 'submitTransaction') {
            return (actions: TransactionAction[], ...rest: unknown[]) => {
              check(
                target.tableName,
                actions.map((a) => a[1] as Record<string, unknown>),
                writes,
              );
              return (value as (...a: unknown[]) => unknown).call(target, actions, ...rest);
            };
          }
          return (value as (...a: unknown[]) => unknown).bind(target);
        },
      });
    },
  };
}
