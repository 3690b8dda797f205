/**
 * A process that dies before its Nth store write: a TableAccess whose Nth write request (anything but a
 * read) and every request after it throw without reaching Table Storage, as if the run had been killed
 * there. Writes are counted per TableAccess, in the order the run issues them, so a sweep over N covers
 * every store write of a run deterministically.
 */
import { createTableAccess, type TableAccess } from '../../lib/store/tables.js';
import { azuriteConnectionString } from './store.js';
import { withRequestPolicy } from './tablePolicy.js';

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

/** Table access on `prefix` that dies before write `crashAt` (never when undefined: it only counts). */
export function crashingTables(prefix: string, crashAt?: number): CrashingTables {
  const inner = createTableAccess({ connectionString: azuriteConnectionString(), prefix });
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
