/**
 * The live calls doctor makes, each through the same clients (timeouts, retries, typed errors) the jobs use:
 * a Graph GET, an Exchange cmdlet, and Table Storage. Built from the settings, or replaced in tests.
 */
import type { Config } from '../config.js';
import { createCredential } from '../credential.js';
import { InvokeCommandClient, type CmdletParameters, type CmdletRow } from '../exchange/invokeCommand.js';
import { GraphDirectory } from '../graph/graphDirectory.js';
import type { RetryPolicy } from '../http/retryPolicy.js';
import { createTableAccess, type TableAccess } from '../tableStorage/tableAccess.js';

export interface DoctorProbes {
  /** GET on Graph; a 401/403 throws PermissionError naming `permission`. */
  graph(path: string, permission: string, version?: 'v1.0' | 'beta'): Promise<Record<string, unknown>>;
  exchange(cmdlet: string, parameters?: CmdletParameters): Promise<CmdletRow[]>;
  tables: TableAccess;
}

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
  return {
    graph: (path, permission, version = 'v1.0') =>
      directory.call(
        `GET ${path.split('?')[0]}`,
        permission,
        async () => (await directory.client.api(path).version(version).get()) as Record<string, unknown>,
      ),
    exchange: (cmdlet, parameters = {}) => exchange.invoke(cmdlet, parameters),
    tables,
  };
}
