/** Counts the HTTP requests Table Storage receives through a TableAccess, per table and in total. */
import type { TableAccess } from '../../lib/store/tables.js';
import { withRequestPolicy } from '../support/tablePolicy.js';

export interface CountingTables extends TableAccess {
  /** Requests since the last reset, by table name ("findings"), table creation excluded. */
  counts(): Record<string, number>;
  total(): number;
  reset(): void;
}

export function countingTables(inner: TableAccess): CountingTables {
  const counts: Record<string, number> = {};
  const counted = withRequestPolicy(inner, (name) => ({
    name: `count-${name}`,
    sendRequest: (request, next) => {
      counts[name] = (counts[name] ?? 0) + 1;
      return next(request);
    },
  }));
  return {
    table: (name) => counted.table(name),
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    reset: () => {
      for (const k of Object.keys(counts)) delete counts[k];
    },
  };
}
