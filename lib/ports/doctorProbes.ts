import type { RoleAssignment, ServicePrincipalPointer } from '../domain.js';
import type { Clock } from './basics.js';

/** A cmdlet's parameters as the Exchange admin API takes them. */
export type CmdletParameters = Record<string, string | number | boolean | string[] | undefined>;

/** A row of doctor's own table (`<prefix>Doctor`), written, read back and deleted; no table the jobs use. */
export interface ProbeTable {
  /** The table's name in storage, for the report. */
  name: string;
  write(rowKey: string, value: string): Promise<void>;
  /** The row, undefined when there is none. */
  read(rowKey: string): Promise<{ value?: string } | undefined>;
  remove(rowKey: string): Promise<void>;
}

/**
 * The live calls doctor makes, each through the same clients (timeouts, retries, typed errors) the jobs use: Graph,
 * Exchange, Table Storage and the HTTP API's authenticator. A call the identity may not make throws PermissionError.
 * The composition root builds them from the settings (lib/doctorProbes.ts); tests may replace them.
 */
export interface DoctorProbes {
  /** GET on Graph; a 401/403 throws PermissionError naming `permission`. */
  graph(path: string, permission: string, version?: 'v1.0' | 'beta'): Promise<Record<string, unknown>>;
  /**
   * The Graph service principal of this application id, or carrying this name among its servicePrincipalNames,
   * with the `select`ed properties (Application.Read.All); undefined when there is none.
   */
  servicePrincipal(
    match: { appId: string } | { servicePrincipalName: string },
    select: readonly string[],
  ): Promise<Record<string, unknown> | undefined>;
  /** Runs a read-only cmdlet; its rows are not looked at. */
  exchange(cmdlet: string, parameters?: CmdletParameters): Promise<unknown[]>;
  /** Get-ServicePrincipal: Exchange's pointers to Entra service principals. */
  exchangeServicePrincipals(): Promise<ServicePrincipalPointer[]>;
  /** Get-ManagementRoleAssignment with these parameters. */
  exchangeRoleAssignments(parameters: CmdletParameters): Promise<RoleAssignment[]>;
  /** Get-ManagementRoleEntry "*\<cmdlet>": each entry's cmdlet name and role, as Exchange answered them. */
  exchangeRoleEntries(cmdlet: string): Promise<{ name?: string; role?: string }[]>;
  /** The doctor table, created the first time. */
  probeTable(): Promise<ProbeTable>;
  /**
   * Builds the HTTP API's authenticator as the Function App does, on the App Service environment `platform`
   * (WEBSITE_AUTH_ENABLED): what refused it, empty when it was built.
   */
  apiAuthenticatorProblems(clock: Clock, platform: Partial<Record<string, string | undefined>>): string[];
}
