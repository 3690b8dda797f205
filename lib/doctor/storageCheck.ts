/**
 * Table Storage read/write: a probe row in a table of its own (`<prefix>Doctor`), written, read back and
 * deleted, so no table the jobs use is touched.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import { getEntity, tableCall, type TableAccess } from '../tableStorage/tableAccess.js';
import { fail, messageOf, pass, type CheckResult } from './doctorCheck.js';

const NAME = 'Table Storage read/write';

export async function checkStorage(config: Config, tables: TableAccess): Promise<CheckResult> {
  const where = config.storage.connectionString
    ? 'the storage connection string'
    : `${config.storage.tableEndpoint} with the managed identity`;
  try {
    const table = await tables.table('doctor');
    const rowKey = randomUUID();
    const entity = { partitionKey: 'probe', rowKey, value: rowKey };
    await tableCall(`Writing ${table.tableName}/probe`, () => table.createEntity(entity));
    try {
      const read = await getEntity<{ value: string }>(table, 'probe', rowKey);
      if (read?.value !== rowKey)
        return fail(
          NAME,
          `wrote a probe row to ${table.tableName} but read back ${read ? 'another value' : 'nothing'}.`,
          'Check WATCHDOG_STORAGE_* points at one storage account, then run doctor again.',
        );
    } finally {
      await tableCall(`Deleting ${table.tableName}/probe`, () => table.deleteEntity('probe', rowKey));
    }
    return pass(NAME, `wrote, read back and deleted a probe row in ${table.tableName} (${where}).`);
  } catch (error) {
    return fail(
      NAME,
      messageOf(error),
      config.storage.connectionString
        ? 'Check WATCHDOG_STORAGE_CONNECTION_STRING (account, key, endpoint).'
        : "Give the watchdog's identity the 'Storage Table Data Contributor' role on the storage account (infra/modules/rbac.bicep: azd provision).",
    );
  }
}
