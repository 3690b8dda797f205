/**
 * Table Storage read/write: a probe row in a table of its own (`<prefix>Doctor`), written, read back and
 * deleted, so no table the jobs use is touched.
 */
import { randomUUID } from 'node:crypto';
import type { DoctorProbes } from '../ports/index.js';
import { fail, messageOf, pass, type CheckResult } from './doctorCheck.js';
import type { DoctorSettings } from './doctorSettings.js';

const NAME = 'Table Storage read/write';

export async function checkStorage(config: DoctorSettings, probes: DoctorProbes): Promise<CheckResult> {
  const where = config.storage.connectionString
    ? 'the storage connection string'
    : `${config.storage.tableEndpoint} with the managed identity`;
  try {
    const table = await probes.probeTable();
    const rowKey = randomUUID();
    await table.write(rowKey, rowKey);
    try {
      const read = await table.read(rowKey);
      if (read?.value !== rowKey)
        return fail(
          NAME,
          `wrote a probe row to ${table.name} but read back ${read ? 'another value' : 'nothing'}.`,
          'Check WATCHDOG_STORAGE_* points at one storage account, then run doctor again.',
        );
    } finally {
      await table.remove(rowKey);
    }
    return pass(NAME, `wrote, read back and deleted a probe row in ${table.name} (${where}).`);
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
