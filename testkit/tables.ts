/**
 * Table Storage access doubles: a TableAccess whose clients each get one request policy, to count the
 * requests a run makes or to kill the run before its Nth write.
 */
import type { TableClient } from '@azure/data-tables';
import type { TableAccess } from '../lib/tableStorage/tableAccess.js';

type PipelinePolicy = Parameters<TableClient['pipeline']['addPolicy']>[0];

/** Adds `policyFor(table)` to each client of `inner`, once per client. */
function withRequestPolicy(inner: TableAccess, policyFor: (table: string) => PipelinePolicy): TableAccess {
  const instrumented = new WeakSet<TableClient>();
  return {
    async table(name) {
      const client = await inner.table(name);
      if (!instrumented.has(client)) {
        instrumented.add(client);
        client.pipeline.addPolicy(policyFor(name));
      }
      return client;
    },
  };
}

export interface CountingTables extends TableAccess {
  /** Requests since the last reset, by table name ("findings"), table creation excluded. */
  counts(): Record<string, number>;
  total(): number;
  reset(): void;
}

/** Counts the HTTP requests Table Storage receives through `inner`, per table and in total. */
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

/** `inner` with every Table Storage request held back by `delayMs()` first: the network distance of a real account. */
export function delayedTables(inner: TableAccess, delayMs: () => number): TableAccess {
  return withRequestPolicy(inner, () => ({
    name: 'latency',
    sendRequest: async (request, next) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs()));
      return next(request);
    },
  }));
}

export class SimulatedCrash extends Error {
  constructor(readonly write: number) {
    super(`simulated crash before store write ${write}`);
    this.name = 'SimulatedCrash';
  }
}

export interface CrashingTables extends TableAccess {
  /** Write requests seen so far (the one that crashed included). */
  writes(): number;
  crashed(): boolean;
}

const READS = new Set(['GET', 'HEAD']);

/**
 * A process that dies before its Nth store write: `inner` with its write request number `crashAt`
 * (anything but a read) and every request after it thrown without reaching Table Storage, as if the run
 * had been killed there. Writes are counted in the order the run issues them, so a sweep over N covers
 * every store write of a run deterministically; without `crashAt` it only counts.
 */
export function crashingTables(inner: TableAccess, crashAt?: number): CrashingTables {
  let writes = 0;
  let dead = false;
  const crashing = withRequestPolicy(inner, () => ({
    name: 'simulated-crash',
    sendRequest: (request, next) => {
      if (dead) return Promise.reject(new SimulatedCrash(writes));
      if (!READS.has(request.method.toUpperCase()) && ++writes === crashAt) {
        dead = true;
        return Promise.reject(new SimulatedCrash(writes));
      }
      return next(request);
    },
  }));
  return {
    table: (name) => crashing.table(name),
    writes: () => writes,
    crashed: () => dead,
  };
}
