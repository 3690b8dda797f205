import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { AnchorLog, Clock, JournalEntryInput } from '../../lib/ports/index.js';
import { openStore, type OpenedStore } from '../../lib/tableStorage/openStore.js';
import { createTableAccess, type TableAccess } from '../../lib/tableStorage/tableAccess.js';
import { azuriteAnchors } from '../../testkit/anchors.js';

/** A table prefix nobody else uses, so test files never see each other's rows. */
export function uniquePrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

export function azuriteConnectionString(): string {
  return inject('azuriteConnectionString');
}

/** Table Storage access on the test Azurite, on tables of `prefix` (a fresh one unless given). */
export function testTables(prefix = uniquePrefix()): TableAccess {
  return createTableAccess({ connectionString: azuriteConnectionString(), prefix });
}

export function openTestStore(clock: Clock, prefix = uniquePrefix()): OpenedStore {
  return openStore({ connectionString: azuriteConnectionString(), prefix }, clock);
}

/** The anchor log of the blobs of `prefix` on the test Azurite, as the runtime opens it for that table prefix. */
export function testAnchors(prefix = uniquePrefix()): AnchorLog {
  return azuriteAnchors(azuriteConnectionString(), prefix);
}

/** A journal entry the storage tests write for its size or its place in the chain, not its meaning. */
export interface SyntheticEntry {
  id?: string;
  type: string;
  actor: string;
  subject: string;
  reason?: string;
  data?: Record<string, unknown>;
  at?: string;
}

/** The journal stores every event alike: a synthetic one goes in as any entry of the union would. */
export function syntheticEntry(entry: SyntheticEntry): JournalEntryInput {
  return { data: {}, ...entry } as unknown as JournalEntryInput;
}
