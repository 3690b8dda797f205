import type { AppRoleHolder, DirectoryPrincipal, DirectoryRoleHolder } from '../domain.js';

export type AuditLogQueryStatus = 'notStarted' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A Purview audit log search (Graph beta /security/auditLog/queries): asynchronous, polled by id. */
export interface AuditLogQuery {
  id: string;
  /** Graph may add statuses; anything else than these is treated as still running. */
  status: AuditLogQueryStatus | (string & {});
  displayName?: string;
  filterStartDateTime?: string;
  filterEndDateTime?: string;
}

/** One unified audit log record of a succeeded query. */
export interface AuditLogRecord {
  id: string;
  createdDateTime: string;
  operation: string;
  userPrincipalName?: string;
  objectId?: string;
  /** Graph's auditLogRecordType (exchangeAdmin, exchangeItemAggregated, discovery, ...). */
  recordType?: string;
  /** The workload's own record; Exchange admin records carry `Parameters: [{ Name, Value }]`. */
  auditData: Record<string, unknown>;
}

/** Entra ID through Microsoft Graph. */
export interface Directory {
  /** A user by UPN or object id; undefined when not found. */
  getUser(upnOrId: string): Promise<DirectoryPrincipal | undefined>;
  /** Users, groups and service principals by object id ($batch, at most 20 a request). */
  getPrincipals(ids: string[]): Promise<Map<string, DirectoryPrincipal>>;
  /** /groups/{id}/transitiveMembers, all pages. */
  getTransitiveMembers(groupId: string): Promise<DirectoryPrincipal[]>;
  /** Active and PIM-eligible (`eligible: true`) holders of these directory roles (role template ids), groups expanded transitively. */
  getDirectoryRoleHolders(roleDefinitionIds: string[]): Promise<DirectoryRoleHolder[]>;
  /** Principals holding any of these app roles (by value) of the resource app (by appId). */
  getAppRoleHolders(resourceAppId: string, appRoleValues: string[]): Promise<AppRoleHolder[]>;
  /** Starts an audit log search for these operations in [from, to), of these record types (default exchangeAdmin). */
  startAuditLogQuery(input: {
    displayName: string;
    from: string;
    to: string;
    operations: string[];
    recordTypes?: string[];
  }): Promise<AuditLogQuery>;
  /** The query's status; undefined when it no longer exists. */
  getAuditLogQuery(id: string): Promise<AuditLogQuery | undefined>;
  /** Every record of a succeeded query, all pages. */
  listAuditLogRecords(id: string): Promise<AuditLogRecord[]>;
}
