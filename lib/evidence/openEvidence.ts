/**
 * Opens what the evidence commands read: only Table Storage. Exports and verification never call
 * Exchange, Graph or email, so they keep working (and prove history) when those are unreachable.
 */
import { clockFor } from '../clock.js';
import type { Config } from '../config.js';
import { createCredential } from '../credential.js';
import type { Clock } from '../ports/index.js';
import { openStore } from '../store/index.js';
import type { EvidenceDeps } from './evidenceDeps.js';

export function openEvidence(config: Config, options: { clock?: Clock; tablePrefix?: string } = {}): EvidenceDeps {
  const clock = options.clock ?? clockFor(config);
  const { connectionString, tableEndpoint } = config.storage;
  const prefix = options.tablePrefix ?? config.storage.tablePrefix;
  const store = openStore(
    connectionString ? { connectionString, prefix } : { tableEndpoint, credential: createCredential(config), prefix },
    clock,
  );
  return { journalRows: store.journalRows, grants: store.grants, clock };
}
