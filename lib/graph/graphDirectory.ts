/**
 * Directory over Microsoft Graph through the Graph SDK. Lists follow @odata.nextLink to the end; lookups of many
 * objects go through $batch (at most 20 requests each), and throttled or failed sub-requests are retried on
 * their own. Any read that cannot be completed throws: a partial list never passes for a complete one.
 * Only the permissions in GRAPH_PERMISSIONS are needed; nothing here requires Directory.Read.All.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, GraphError } from '@microsoft/microsoft-graph-client';
import type { TokenCredential } from '@azure/identity';
import type { AppRoleHolder, DirectoryPrincipal, DirectoryRoleHolder, PrincipalType } from '../domain.js';
import type { AuditLogQuery, AuditLogRecord, Directory, Logger } from '../ports/index.js';
import {
  RequestError,
  ThrottledError,
  TransientError,
  errorForStatus,
  formatSeconds,
  type CallContext,
} from '../ports/index.js';
import { mapLimited } from '../limiter.js';
import { RETRYABLE_STATUSES, backoffDelay, parseRetryAfter, type RetryPolicy } from '../http/retryPolicy.js';
import { HttpTransport } from '../http/transport.js';
import {
  GraphTransportMiddleware,
  TokenCredentialAuthProvider,
  transportInfo,
  unwrapGraphFailure,
} from './graphTransport.js';
import { filterEquals } from './odata.js';

/** Application permissions each read needs (least privileged), named in PermissionError messages. */
export const GRAPH_PERMISSIONS = {
  users: 'the Microsoft Graph application permission User.Read.All',
  groupMembers: 'the Microsoft Graph application permission GroupMember.Read.All',
  roleAssignments:
    'the Microsoft Graph application permission RoleManagement.Read.Directory (active and PIM-eligible role holders; GroupMember.Read.All to expand role-assignable groups)',
  appRoles: 'the Microsoft Graph application permission Application.Read.All',
  auditLogQuery:
    'the Microsoft Graph application permission AuditLogsQuery-Exchange.Read.All (or set WATCHDOG_AUDIT_LOG_QUERY=false)',
} as const;

const AUDIT_QUERIES = '/security/auditLog/queries';
const ROLE_ASSIGNMENTS = '/roleManagement/directory/roleAssignments';
const ROLE_ELIGIBILITIES = '/roleManagement/directory/roleEligibilityScheduleInstances';

export const MAX_BATCH = 20;
/** Members of a group are users, groups, service principals (or devices): this $select is valid on directoryObject. */
const SELECT = 'id,displayName,userPrincipalName,mail,appId,accountEnabled';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const PRINCIPAL_KINDS = [
  {
    collection: 'users',
    type: 'user',
    select: 'id,displayName,userPrincipalName,mail,accountEnabled',
    permission: GRAPH_PERMISSIONS.users,
  },
  {
    collection: 'servicePrincipals',
    type: 'servicePrincipal',
    select: 'id,displayName,appId,accountEnabled',
    permission: GRAPH_PERMISSIONS.appRoles,
  },
  { collection: 'groups', type: 'group', select: 'id,displayName,mail', permission: GRAPH_PERMISSIONS.groupMembers },
] as const;

export interface GraphDirectoryOptions {
  graphUrl: string;
  credential: TokenCredential;
  policy?: Partial<RetryPolicy>;
  logger?: Logger;
  /** Requests (or batches) in flight at once during fan-out. */
  concurrency?: number;
  fetch?: typeof fetch;
  random?: () => number;
}

interface Page<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

interface BatchResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

type GraphObject = Record<string, unknown>;

export class GraphDirectory implements Directory {
  readonly client: Client;
  private readonly base: string;
  private readonly transport: HttpTransport;
  private readonly concurrency: number;
  private readonly logger?: Logger;

  constructor(options: GraphDirectoryOptions) {
    this.base = options.graphUrl.replace(/\/+$/, '');
    this.transport = new HttpTransport({
      policy: options.policy,
      logger: options.logger,
      fetch: options.fetch,
      random: options.random,
    });
    this.concurrency = options.concurrency ?? 4;
    this.logger = options.logger;
    const auth = new TokenCredentialAuthProvider(options.credential, `${this.base}/.default`);
    this.client = Client.initWithMiddleware({
      middleware: new GraphTransportMiddleware(this.transport, auth),
      baseUrl: this.base,
      defaultVersion: 'v1.0',
    });
  }

  async getUser(upnOrId: string): Promise<DirectoryPrincipal | undefined> {
    const id = upnOrId.trim();
    if (!id) throw new Error('Graph user lookup needs a UPN or object id.');
    const path = `/users/${encodeURIComponent(id)}?$select=id,displayName,userPrincipalName,mail,accountEnabled`;
    const user = await this.call<GraphObject>(
      'GET /users/{id}',
      GRAPH_PERMISSIONS.users,
      () => this.client.api(path).get(),
      { notFound: 'undefined' },
    );
    return user ? toPrincipal(user, 'user') : undefined;
  }

  /**
   * Looks ids up as users first, then the misses as service principals, then as groups: per-type reads need only
   * User.Read.All, Application.Read.All and GroupMember.Read.All, where /directoryObjects would need
   * Directory.Read.All. Keys are lower-cased object ids; ids that are not GUIDs or not found are left out.
   */
  async getPrincipals(ids: string[]): Promise<Map<string, DirectoryPrincipal>> {
    let remaining = [...new Set(ids.map((id) => id.trim().toLowerCase()).filter((id) => GUID.test(id)))];
    const out = new Map<string, DirectoryPrincipal>();
    for (const kind of PRINCIPAL_KINDS) {
      if (!remaining.length) break;
      const found = await this.batchGet(
        remaining.map((id) => ({ id, url: `/${kind.collection}/${id}?$select=${kind.select}` })),
        `GET /${kind.collection}/{id}`,
        kind.permission,
      );
      for (const [id, body] of found) if (body) out.set(id, toPrincipal(body as GraphObject, kind.type));
      remaining = remaining.filter((id) => !out.has(id));
    }
    return out;
  }

  async getTransitiveMembers(groupId: string): Promise<DirectoryPrincipal[]> {
    const members = await this.transitiveMembersOf([groupId]);
    return members.get(groupId.toLowerCase()) ?? [];
  }

  /**
   * Active assignments (with the principal expanded) and PIM eligibilities of the roles, in one $batch: a principal
   * only eligible can activate the role at any time, so it is a holder with `eligible: true`. Eligibility instances
   * are read from roleEligibilityScheduleInstances, whose least-privileged permission is
   * RoleEligibilitySchedule.Read.Directory; RoleManagement.Read.Directory, which the active read needs, covers it
   * (https://learn.microsoft.com/graph/api/rbacapplication-list-roleeligibilityscheduleinstances). Eligible
   * principals come by id and are looked up by $batch; groups of either kind are expanded transitively.
   */
  async getDirectoryRoleHolders(roleDefinitionIds: string[]): Promise<DirectoryRoleHolder[]> {
    const roles = [...new Set(roleDefinitionIds.map((r) => r.trim().toLowerCase()).filter(Boolean))];
    const filter = (role: string) => `$filter=${filterEquals('roleDefinitionId', role)}`;
    const reads = roles.flatMap((role) => [
      { id: `active|${role}`, role, url: `${ROLE_ASSIGNMENTS}?${filter(role)}&$expand=principal` },
      { id: `eligible|${role}`, role, url: `${ROLE_ELIGIBILITIES}?${filter(role)}` },
    ]);
    const operation = 'GET /roleManagement/directory/roleAssignments and roleEligibilityScheduleInstances';
    const pages = await this.batchGet(reads, operation, GRAPH_PERMISSIONS.roleAssignments, { notFound: 'throw' });
    const found: { roleDefinitionId: string; principal?: GraphObject; principalId?: string; eligible?: true }[] = [];
    for (const read of reads) {
      const eligible = read.id.startsWith('eligible|');
      const rows = await this.restOfPages<GraphObject>(
        pages.get(read.id) as Page<GraphObject>,
        operation,
        GRAPH_PERMISSIONS.roleAssignments,
      );
      for (const row of rows) {
        const roleDefinitionId = (
          typeof row.roleDefinitionId === 'string' ? row.roleDefinitionId : read.role
        ).toLowerCase();
        // A deleted principal leaves an assignment without one; it gives nobody the role.
        if (!eligible && row.principal && typeof row.principal === 'object')
          found.push({ roleDefinitionId, principal: row.principal as GraphObject });
        if (eligible && typeof row.principalId === 'string' && row.principalId)
          found.push({ roleDefinitionId, principalId: row.principalId.toLowerCase(), eligible: true });
      }
    }
    const eligibleIds = found.flatMap((f) => (f.principalId ? [f.principalId] : []));
    const eligiblePrincipals = eligibleIds.length
      ? await this.getPrincipals(eligibleIds)
      : new Map<string, DirectoryPrincipal>();
    const resolved = found.flatMap((f) => {
      const principal = f.principal ? toPrincipal(f.principal) : eligiblePrincipals.get(f.principalId ?? '');
      return principal ? [{ roleDefinitionId: f.roleDefinitionId, principal, eligible: f.eligible }] : [];
    });
    const groupIds = [...new Set(resolved.filter((a) => a.principal.type === 'group').map((a) => a.principal.id))];
    const members = await this.transitiveMembersOf(groupIds);
    const holders: DirectoryRoleHolder[] = [];
    for (const a of resolved) {
      const flag = a.eligible ? { eligible: true as const } : {};
      if (a.principal.type !== 'group') {
        holders.push({ roleDefinitionId: a.roleDefinitionId, principal: a.principal, ...flag });
        continue;
      }
      for (const member of members.get(a.principal.id) ?? []) {
        if (member.type === 'user' || member.type === 'servicePrincipal')
          holders.push({ roleDefinitionId: a.roleDefinitionId, principal: member, viaGroup: a.principal, ...flag });
      }
    }
    return holders;
  }

  /** Principals holding any of these app roles (by value) of the resource app: one resource lookup, one assignment listing. */
  async getAppRoleHolders(resourceAppId: string, appRoleValues: string[]): Promise<AppRoleHolder[]> {
    const operation = 'GET /servicePrincipals';
    const found = await this.call<Page<GraphObject>>(operation, GRAPH_PERMISSIONS.appRoles, () =>
      this.client
        .api(`/servicePrincipals?$filter=${filterEquals('appId', resourceAppId)}&$select=id,appId,displayName,appRoles`)
        .get(),
    );
    // No service principal for the resource, or none of the roles on it: nobody can hold the permissions.
    const resource = found?.value?.[0];
    if (!resource) return [];
    const valueById = new Map<string, string>();
    for (const r of (resource.appRoles as GraphObject[] | undefined) ?? []) {
      if (typeof r.value === 'string' && appRoleValues.includes(r.value))
        valueById.set(String(r.id).toLowerCase(), r.value);
    }
    if (!valueById.size) return [];
    const assignedTo = await this.listAll<GraphObject>(
      `/servicePrincipals/${encodeURIComponent(String(resource.id))}/appRoleAssignedTo?$top=999`,
      'GET /servicePrincipals/{id}/appRoleAssignedTo',
      GRAPH_PERMISSIONS.appRoles,
    );
    const matching = assignedTo.filter((a) => valueById.has(String(a.appRoleId).toLowerCase()));
    const principals = await this.getPrincipals(matching.map((a) => String(a.principalId)));
    return matching.map((a) => {
      const principalId = String(a.principalId).toLowerCase();
      const appRoleId = String(a.appRoleId).toLowerCase();
      return {
        appRoleId,
        appRoleValue: valueById.get(appRoleId) as string,
        assignmentId: String(a.id),
        createdAt: typeof a.createdDateTime === 'string' ? a.createdDateTime : undefined,
        principal: principals.get(principalId) ?? {
          id: principalId,
          type: principalTypeOf(typeof a.principalType === 'string' ? a.principalType : ''),
          displayName: typeof a.principalDisplayName === 'string' ? a.principalDisplayName : undefined,
        },
      };
    });
  }

  async startAuditLogQuery(input: {
    displayName: string;
    from: string;
    to: string;
    operations: string[];
  }): Promise<AuditLogQuery> {
    const operation = `POST ${AUDIT_QUERIES}`;
    const body = {
      displayName: input.displayName,
      filterStartDateTime: input.from,
      filterEndDateTime: input.to,
      recordTypeFilters: ['exchangeAdmin'],
      operationFilters: input.operations,
    };
    const query = await this.call<GraphObject>(operation, GRAPH_PERMISSIONS.auditLogQuery, () =>
      this.client.api(AUDIT_QUERIES).version('beta').post(body),
    );
    return toAuditLogQuery(query, operation);
  }

  async getAuditLogQuery(id: string): Promise<AuditLogQuery | undefined> {
    const operation = `GET ${AUDIT_QUERIES}/{id}`;
    const query = await this.call<GraphObject>(
      operation,
      GRAPH_PERMISSIONS.auditLogQuery,
      () =>
        this.client
          .api(`${AUDIT_QUERIES}/${encodeURIComponent(id)}`)
          .version('beta')
          .get(),
      { notFound: 'undefined' },
    );
    return query ? toAuditLogQuery(query, operation) : undefined;
  }

  async listAuditLogRecords(id: string): Promise<AuditLogRecord[]> {
    const operation = `GET ${AUDIT_QUERIES}/{id}/records`;
    const permission = GRAPH_PERMISSIONS.auditLogQuery;
    const first = await this.call<Page<GraphObject>>(operation, permission, () =>
      this.client
        .api(`${AUDIT_QUERIES}/${encodeURIComponent(id)}/records`)
        .version('beta')
        .get(),
    );
    const rows = await this.restOfPages<GraphObject>(first, operation, permission, 'beta');
    return rows.map((row) => toAuditLogRecord(row, operation));
  }

  /** Transitive members of each group: first pages in $batch, further pages one by one. Keys are lower-cased ids. */
  private async transitiveMembersOf(groupIds: string[]): Promise<Map<string, DirectoryPrincipal[]>> {
    const ids = [...new Set(groupIds.map((g) => g.trim().toLowerCase()).filter(Boolean))];
    const operation = 'GET /groups/{id}/transitiveMembers';
    const first = await this.batchGet(
      ids.map((id) => ({ id, url: `/groups/${encodeURIComponent(id)}/transitiveMembers?$select=${SELECT}&$top=999` })),
      operation,
      GRAPH_PERMISSIONS.groupMembers,
      { notFound: 'throw' },
    );
    const out = new Map<string, DirectoryPrincipal[]>();
    await mapLimited(ids, this.concurrency, async (id) => {
      const rows = await this.restOfPages<GraphObject>(
        first.get(id) as Page<GraphObject>,
        operation,
        GRAPH_PERMISSIONS.groupMembers,
      );
      out.set(
        id,
        rows.map((r) => toPrincipal(r)),
      );
    });
    return out;
  }

  private async listAll<T>(path: string, operation: string, permission: string): Promise<T[]> {
    const first = await this.call<Page<T>>(operation, permission, () => this.client.api(path).get());
    return this.restOfPages(first, operation, permission);
  }

  /** The rows of a first page and of every page after it. */
  private async restOfPages<T>(
    first: Page<T> | undefined,
    operation: string,
    permission: string,
    version: 'v1.0' | 'beta' = 'v1.0',
  ): Promise<T[]> {
    if (!first || !Array.isArray(first.value))
      throw new RequestError({ service: 'Microsoft Graph', operation }, 'the response has no "value" array.');
    const rows = [...first.value];
    const seen = new Set<string>();
    let next = first['@odata.nextLink'];
    while (next) {
      if (seen.has(next))
        throw new RequestError(
          { service: 'Microsoft Graph', operation },
          'the same next page link came back twice; the read was stopped instead of looping.',
        );
      seen.add(next);
      const path = this.relative(next, operation, version);
      const page = await this.call<Page<T>>(operation, permission, () => this.client.api(path).version(version).get());
      if (!page || !Array.isArray(page.value))
        throw new RequestError({ service: 'Microsoft Graph', operation }, 'a further page has no "value" array.');
      rows.push(...page.value);
      next = page['@odata.nextLink'];
    }
    return rows;
  }

  /** A next link as a path under the configured Graph base; a link to anywhere else is refused (it would carry the token). */
  private relative(link: string, operation: string, version: 'v1.0' | 'beta' = 'v1.0'): string {
    const url = new URL(link, this.base);
    const base = new URL(this.base);
    if (url.origin !== base.origin)
      throw new RequestError(
        { service: 'Microsoft Graph', operation },
        `the next page link points to ${url.origin}, not to ${base.origin}; refusing to send the token there.`,
      );
    const prefix = version === 'beta' ? /^\/beta(?=\/)/ : /^\/v1\.0(?=\/)/;
    return `${url.pathname.replace(prefix, '')}${url.search}`;
  }

  /**
   * GETs many URLs through $batch, 20 per request, batches in parallel up to the concurrency. Sub-requests that
   * are throttled or fail transiently are sent again (waiting for the longest Retry-After among them) up to the
   * policy's attempts. Returns body by id; a 404 gives undefined unless `notFound` is 'throw'.
   */
  // eslint-disable-next-line max-lines-per-function -- one $batch round with its retry of the throttled sub-requests; split with care
  private async batchGet(
    requests: { id: string; url: string }[],
    operation: string,
    permission: string,
    options: { notFound?: 'undefined' | 'throw' } = {},
  ): Promise<Map<string, unknown>> {
    const context: CallContext = { service: 'Microsoft Graph', operation };
    const out = new Map<string, unknown>();
    const chunks: { id: string; url: string }[][] = [];
    for (let i = 0; i < requests.length; i += MAX_BATCH) chunks.push(requests.slice(i, i + MAX_BATCH));
    await mapLimited(chunks, this.concurrency, async (chunk) => {
      let pending = chunk;
      for (let attempt = 1; pending.length; attempt++) {
        const result = await this.call<{ responses?: BatchResponse[] }>('POST /$batch', permission, () =>
          this.client
            .api('/$batch')
            .post({ requests: pending.map((r, i) => ({ id: String(i), method: 'GET', url: r.url })) }),
        );
        const responses = result?.responses;
        if (!Array.isArray(responses)) throw new RequestError(context, 'the $batch response has no "responses" array.');
        const retry: { id: string; url: string }[] = [];
        let wait: number | undefined;
        let lastFailure: { status: number; retryAfterMs?: number } | undefined;
        for (const [i, request] of pending.entries()) {
          const index = String(i);
          const sub = responses.find((r) => String(r.id) === index);
          if (!sub) throw new RequestError(context, `the $batch response has no answer for request ${index}.`);
          if (sub.status >= 200 && sub.status < 300) {
            out.set(request.id, sub.body);
            continue;
          }
          if (sub.status === 404 && options.notFound !== 'throw') {
            out.set(request.id, undefined);
            continue;
          }
          const retryAfterMs = parseRetryAfter(headerOf(sub.headers, 'retry-after'), Date.now());
          if (!RETRYABLE_STATUSES.has(sub.status))
            throw errorForStatus(
              context,
              { status: sub.status, attempts: attempt },
              `${request.url}: ${errorMessage(sub.body)}`,
              permission,
            );
          lastFailure = { status: sub.status, retryAfterMs };
          retry.push(request);
          wait = Math.max(wait ?? 0, retryAfterMs ?? backoffDelay(this.transport.policy, attempt));
        }
        if (!retry.length) break;
        if (attempt >= this.transport.policy.maxAttempts || (wait ?? 0) > this.transport.policy.maxRetryAfterMs) {
          if (lastFailure?.status === 429) throw new ThrottledError(context, attempt, lastFailure.retryAfterMs);
          throw new TransientError(
            context,
            attempt,
            `HTTP ${lastFailure?.status} on ${retry.length} batched request(s)`,
            lastFailure?.status,
          );
        }
        this.logger?.warn(
          `Microsoft Graph ${operation}: ${retry.length} batched request(s) throttled or failed; retrying them in ${formatSeconds(wait ?? 0)} (attempt ${attempt + 1} of ${this.transport.policy.maxAttempts}).`,
        );
        await sleep(wait ?? 0);
        pending = retry;
      }
    });
    return out;
  }

  /**
   * Runs one SDK call and turns whatever it throws into the typed errors of lib/ports/errors.ts. Public for
   * doctor, whose probes make raw Graph GETs through this client.
   */
  async call<T>(operation: string, permission: string, run: () => Promise<T>): Promise<T>;
  async call<T>(
    operation: string,
    permission: string,
    run: () => Promise<T>,
    options: { notFound: 'undefined' },
  ): Promise<T | undefined>;
  async call<T>(
    operation: string,
    permission: string,
    run: () => Promise<T>,
    options: { notFound?: 'undefined' } = {},
  ): Promise<T | undefined> {
    const context: CallContext = { service: 'Microsoft Graph', operation };
    try {
      return await run();
    } catch (raw) {
      const error = unwrapGraphFailure(raw);
      if (!(error instanceof GraphError)) throw error;
      if (error.statusCode === 404 && options.notFound === 'undefined') return undefined;
      if (error.statusCode < 100) throw new RequestError(context, error.message, undefined, undefined, error);
      const info = transportInfo(error.headers);
      throw errorForStatus(
        context,
        { status: error.statusCode, attempts: info?.attempts, retryAfterMs: info?.retryAfterMs },
        [error.code, error.message].filter(Boolean).join(': '),
        permission,
      );
    }
  }
}

function headerOf(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

function errorMessage(body: unknown): string {
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return [error?.code, error?.message].filter(Boolean).join(': ') || 'no error detail';
}

function toAuditLogQuery(object: GraphObject | undefined, operation: string): AuditLogQuery {
  if (!object || typeof object.id !== 'string' || !object.id || typeof object.status !== 'string') {
    throw new RequestError({ service: 'Microsoft Graph', operation }, 'the audit log query has no id or status.');
  }
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return {
    id: object.id,
    status: object.status,
    displayName: str(object.displayName),
    filterStartDateTime: str(object.filterStartDateTime),
    filterEndDateTime: str(object.filterEndDateTime),
  };
}

function toAuditLogRecord(object: GraphObject, operation: string): AuditLogRecord {
  if (
    typeof object.id !== 'string' ||
    typeof object.createdDateTime !== 'string' ||
    typeof object.operation !== 'string'
  ) {
    throw new RequestError(
      { service: 'Microsoft Graph', operation },
      'an audit log record has no id, createdDateTime or operation.',
    );
  }
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const auditData =
    object.auditData && typeof object.auditData === 'object' && !Array.isArray(object.auditData)
      ? (object.auditData as Record<string, unknown>)
      : {};
  return {
    id: object.id,
    createdDateTime: object.createdDateTime,
    operation: object.operation,
    userPrincipalName: str(object.userPrincipalName)?.toLowerCase() ?? str(object.userId)?.toLowerCase(),
    objectId: str(object.objectId),
    auditData,
  };
}

function principalTypeOf(value: string): PrincipalType {
  const v = value.replace(/^#?microsoft\.graph\./i, '').toLowerCase();
  if (v === 'user') return 'user';
  if (v === 'group') return 'group';
  if (v === 'serviceprincipal') return 'servicePrincipal';
  return 'other';
}

function toPrincipal(object: GraphObject, fallback: PrincipalType = 'other'): DirectoryPrincipal {
  const odataType = object['@odata.type'];
  const type = typeof odataType === 'string' ? principalTypeOf(odataType) : fallback;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return {
    id: String(object.id).toLowerCase(),
    type,
    displayName: str(object.displayName),
    userPrincipalName: str(object.userPrincipalName)?.toLowerCase(),
    mail: str(object.mail),
    appId: str(object.appId)?.toLowerCase(),
    accountEnabled: typeof object.accountEnabled === 'boolean' ? object.accountEnabled : undefined,
  };
}
