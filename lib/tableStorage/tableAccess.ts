/**
 * Table Storage access: one TableClient per table, created on first use, every request time-boxed (and retried
 * where safe, lib/tableStorage/callLimits.ts), and Table errors mapped to typed errors so that callers never parse
 * status codes.
 */
import { TableClient, type TableEntityResult } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { connectionStringEndpoint, isLoopbackHost } from '../endpoints.js';
import { DEFAULT_TABLE_CALL_LIMITS, tableCallPolicy, TableTimeoutError, type TableCallLimits } from './callLimits.js';
import { ConflictError, StoreError } from '../ports/index.js';

export interface TableAccess {
  /** The client for a logical table ("grants"), created in storage the first time it is asked for. */
  table(name: string): Promise<TableClient>;
}

export interface TableAccessOptions {
  connectionString?: string;
  tableEndpoint?: string;
  credential?: TokenCredential;
  /** Prefix of every table name; tests use a fresh one for isolation. Letters and digits only. */
  prefix?: string;
  /** Time limit and retry of each request (lib/tableStorage/callLimits.ts); tests shrink them. */
  limits?: Partial<TableCallLimits>;
}

export function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: number; response?: { status?: number } };
  return e?.statusCode ?? e?.response?.status;
}

/** Runs a Table call, turning 409/412 into ConflictError and anything else into a StoreError that says what failed. */
export async function tableCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TableTimeoutError) throw new StoreError(`${what} failed: ${error.message}`, error);
    const status = statusOf(error);
    if (status === 409 || status === 412)
      throw new ConflictError(`${what}: changed by another writer (HTTP ${status}); read it again and retry.`, error);
    if (status === 403) {
      throw new StoreError(
        `${what}: access denied by Table Storage (HTTP 403); give the watchdog's identity the 'Storage Table Data Contributor' role on the account.`,
        error,
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new StoreError(`${what} failed${status ? ` (HTTP ${status})` : ''}: ${message}`, error);
  }
}

export function createTableAccess(options: TableAccessOptions): TableAccess {
  const prefix = options.prefix ?? 'mie';
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(prefix))
    throw new Error(`Table prefix '${prefix}' must start with a letter and hold only letters and digits.`);
  const clients = new Map<string, Promise<TableClient>>();
  const limits: TableCallLimits = { ...DEFAULT_TABLE_CALL_LIMITS, ...options.limits };
  // The SDK's own retry is off: tableCallPolicy retries only what is safe to send again, each attempt time-boxed.
  const clientOptions = (insecure: boolean) => ({ allowInsecureConnection: insecure, retryOptions: { maxRetries: 0 } });

  const unlimited = (tableName: string): TableClient => {
    if (options.connectionString) {
      const endpoint = connectionStringEndpoint(options.connectionString, 'table');
      const insecure = endpoint ? isLoopbackHost(new URL(endpoint).hostname) : false;
      return TableClient.fromConnectionString(options.connectionString, tableName, clientOptions(insecure));
    }
    if (options.tableEndpoint && options.credential) {
      const insecure = isLoopbackHost(new URL(options.tableEndpoint).hostname);
      return new TableClient(options.tableEndpoint, tableName, options.credential, clientOptions(insecure));
    }
    throw new Error('Table Storage needs a connection string, or an endpoint with a credential.');
  };
  const make = (tableName: string): TableClient => {
    const client = unlimited(tableName);
    client.pipeline.addPolicy(tableCallPolicy(tableName, limits), { phase: 'Retry' });
    return client;
  };

  return {
    table(name: string): Promise<TableClient> {
      const tableName = `${prefix}${name[0]?.toUpperCase() ?? ''}${name.slice(1)}`;
      let pending = clients.get(tableName);
      if (!pending) {
        pending = (async () => {
          const client = make(tableName);
          await tableCall(`Creating table ${tableName}`, () => client.createTable());
          return client;
        })();
        pending.catch(() => clients.delete(tableName));
        clients.set(tableName, pending);
      }
      return pending;
    },
  };
}

/** Reads one entity; undefined when it does not exist. */
export async function getEntity<T extends object>(
  client: TableClient,
  partitionKey: string,
  rowKey: string,
): Promise<TableEntityResult<T> | undefined> {
  try {
    return await client.getEntity<T>(partitionKey, rowKey);
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    return tableCall(`Reading ${client.tableName}/${partitionKey}/${rowKey}`, () => Promise.reject(error));
  }
}

export type { TableEntityResult };
