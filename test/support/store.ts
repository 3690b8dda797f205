import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { Clock } from '../../lib/ports/index.js';
import { openStore, type OpenedStore } from '../../lib/store/index.js';

/** A table prefix nobody else uses, so test files never see each other's rows. */
export function uniquePrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

export function azuriteConnectionString(): string {
  return inject('azuriteConnectionString');
}

export function openTestStore(clock: Clock, prefix = uniquePrefix()): OpenedStore {
  return openStore({ connectionString: azuriteConnectionString(), prefix }, clock);
}
