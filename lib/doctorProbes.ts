/**
 * Part of the composition root: doctor's probes (lib/ports/doctorProbes.ts) over the clients the jobs use, built
 * from the settings. The Graph filters are escaped here, the cmdlet rows read into domain types here.
 */
import type { Config } from './config.js';
import { ConfigError } from './config.js';
import { createCredential } from './credential.js';
import { InvokeCommandClient } from './exchange/invokeCommand.js';
import { text, toRoleAssignment, toServicePrincipalPointer } from './exchange/rows.js';
import { GraphDirectory } from './graph/graphDirectory.js';
import { filterEquals, odataString } from './graph/odata.js';
import type { RetryPolicy } from './http/retryPolicy.js';
import type { DoctorProbes, ProbeTable } from './ports/index.js';
import { createApiAuthenticator } from './runtime.js';
import { createTableAccess, getEntity, tableCall, type TableAccess } from './tableStorage/tableAccess.js';

const APPLICATION_READ = 'the Microsoft Graph application permission Application.Read.All';
const PROBE_PARTITION = 'probe';

export function createDoctorProbes(
  config: Config,
  options: { policy?: Partial<RetryPolicy>; tablePrefix?: string } = {},
): DoctorProbes {
  const credential = createCredential(config);
  const directory = new GraphDirectory({ graphUrl: config.graphUrl, credential, policy: options.policy });
  const exchange = new InvokeCommandClient({
    exchangeUrl: config.exchangeUrl,
    tenant: config.tenant,
    credential,
    policy: options.policy,
    batch: config.exchangeBatch,
  });
  const prefix = options.tablePrefix ?? config.storage.tablePrefix;
  const tables = createTableAccess(
    config.storage.connectionString
      ? { connectionString: config.storage.connectionString, prefix }
      : { tableEndpoint: config.storage.tableEndpoint, credential, prefix },
  );
  const graph: DoctorProbes['graph'] = (path, permission, version = 'v1.0') =>
    directory.call(
      `GET ${path.split('?')[0]}`,
      permission,
      async () => (await directory.client.api(path).version(version).get()) as Record<string, unknown>,
    );
  return {
    graph,
    servicePrincipal: async (match, select) => {
      const filter =
        'appId' in match
          ? filterEquals('appId', match.appId)
          : encodeURIComponent(`servicePrincipalNames/any(n:n eq ${odataString(match.servicePrincipalName)})`);
      const found = await graph(`/servicePrincipals?$filter=${filter}&$select=${select.join(',')}`, APPLICATION_READ);
      return (found.value as Record<string, unknown>[] | undefined)?.[0];
    },
    exchange: (cmdlet, parameters = {}) => exchange.invoke(cmdlet, parameters),
    exchangeServicePrincipals: async () =>
      (await exchange.invoke('Get-ServicePrincipal', {})).map(toServicePrincipalPointer),
    exchangeRoleAssignments: async (parameters) =>
      (await exchange.invoke('Get-ManagementRoleAssignment', parameters)).map(toRoleAssignment),
    exchangeRoleEntries: async (cmdlet) =>
      (await exchange.invoke('Get-ManagementRoleEntry', { Identity: `*\\${cmdlet}` })).map((e) => ({
        name: text(e.Name),
        role: text(e.Role),
      })),
    probeTable: () => openProbeTable(tables),
    apiAuthenticatorProblems: (clock, platform) => {
      try {
        createApiAuthenticator(config.auth, clock, platform);
        return [];
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        return [error instanceof Error ? error.message : String(error)];
      }
    },
  };
}

async function openProbeTable(tables: TableAccess): Promise<ProbeTable> {
  const table = await tables.table('doctor');
  const name = table.tableName;
  return {
    name,
    write: async (rowKey, value) => {
      await tableCall(`Writing ${name}/${PROBE_PARTITION}`, () =>
        table.createEntity({ partitionKey: PROBE_PARTITION, rowKey, value }),
      );
    },
    read: (rowKey) => getEntity<{ value?: string }>(table, PROBE_PARTITION, rowKey),
    remove: async (rowKey) => {
      await tableCall(`Deleting ${name}/${PROBE_PARTITION}`, () => table.deleteEntity(PROBE_PARTITION, rowKey));
    },
  };
}
