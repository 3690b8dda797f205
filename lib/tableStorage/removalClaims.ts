/**
 * The intent of removing an unapproved holder (WATCHDOG_UNAPPROVED_ACTION=revoke): one row per assignment
 * Guid, created before the removal with the journal seq of that moment and deleted once the removal, its
 * notice and its journal entries are done. The holder is gone from Exchange after the removal, so a later
 * audit no longer plans it: a run that died in between leaves this row, and the next run finishes the
 * notice and the journal entries from it, each journaled once after the recorded seq.
 * Rows live in their own partition of the grants table (grant reads filter on their partition).
 */
import type { RemovalClaimStore, UnapprovedRemovalClaim } from '../ports/index.js';
import { jsonPartition } from './jsonPartition.js';
import type { TableAccess } from './tableAccess.js';

/** Guids are hex and dashes, valid in a row key; lower case so that any spelling is one claim. */
const rowKey = (guid: string): string => guid.toLowerCase();

export function createRemovalClaimStore(tables: TableAccess): RemovalClaimStore {
  const rows = jsonPartition<UnapprovedRemovalClaim>(tables, 'grants', 'unapproved-removal');
  return {
    claim: (claim) =>
      rows.write(rowKey(claim.assignment.guid), claim, 'create', `Claiming the removal of ${claim.assignment.guid}`),
    list: () => rows.list('Listing unapproved removals in progress'),
    release: (guid) => rows.remove(rowKey(guid), `Releasing the removal of ${guid}`),
  };
}
