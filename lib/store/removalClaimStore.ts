/**
 * The intent of removing an unapproved holder (WATCHDOG_UNAPPROVED_ACTION=revoke): one row per assignment
 * Guid, created before the removal with the journal seq of that moment and deleted once the removal, its
 * notice and its journal entries are done. The holder is gone from Exchange after the removal, so a later
 * audit no longer plans it: a run that died in between leaves this row, and the next run finishes the
 * notice and the journal entries from it, each journaled once after the recorded seq.
 * Rows live in their own partition of the grants table (grant reads filter on their partition).
 */
import type { RemovalClaimStore, UnapprovedRemovalClaim } from '../ports.js';
import { statusOf, tableCall, type TableAccess } from './tables.js';

const PARTITION = 'unapproved-removal';

type ClaimEntity = { partitionKey: string; rowKey: string; json: string };

/** Guids are hex and dashes, valid in a row key; lower case so that any spelling is one claim. */
const rowKey = (guid: string): string => guid.toLowerCase();

export function createRemovalClaimStore(tables: TableAccess): RemovalClaimStore {
  const client = () => tables.table('grants');
  return {
    async claim(claim) {
      const c = await client();
      await tableCall(`Claiming the removal of ${claim.assignment.guid}`, () => c.createEntity<ClaimEntity>({ partitionKey: PARTITION, rowKey: rowKey(claim.assignment.guid), json: JSON.stringify(claim) }));
    },
    async list() {
      const c = await client();
      const out: UnapprovedRemovalClaim[] = [];
      await tableCall('Listing unapproved removals in progress', async () => {
        for await (const e of c.listEntities<ClaimEntity>({ queryOptions: { filter: `PartitionKey eq '${PARTITION}'` } })) out.push(JSON.parse(e.json) as UnapprovedRemovalClaim);
      });
      return out;
    },
    async release(guid) {
      const c = await client();
      await tableCall(`Releasing the removal of ${guid}`, async () => {
        try {
          await c.deleteEntity(PARTITION, rowKey(guid));
        } catch (error) {
          // Released already (a repeated run): nothing to do.
          if (statusOf(error) !== 404) throw error;
        }
      });
    },
  };
}
