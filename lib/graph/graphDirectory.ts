/**
 * Directory over Microsoft Graph through the Graph SDK. Lists follow @odata.nextLink to the end; lookups of many
 * objects go through $batch (at most 20 requests each), and throttled or failed sub-requests are retried on
 * their own. The v1.0 GETs of different reads share envelopes (lib/graph/graphBatcher.ts). Any read that cannot be completed throws: a partial list never passes for a complete one.
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
import { createLimiter, mapLimited } from '../limiter.js';
import { RETRYABLE_STATUSES, backoffDelay, parseRetryAfter, type RetryPolicy } from '../http/retryPolicy.js';
import { HttpTransport } from '../http/transport.js';
import {
  GraphTransportMiddleware,
  TokenCredentialAuthProvider,
  transportInfo,
  unwrapGraphFailure,
} from './graphTransport.js';
import { GraphBatcher, type BatchAnswer } from './graphBatcher.js';
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

export { MAX_BATCH } from './graphBatcher.js';
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
  /** Requests of different reads issued in the same turn share a $batch (lib/graph/graphBatcher.ts). Default true. */
  coalesce?: boolean;
  fetch?: typeof fetch;
  random?: () => number;
}

interface Page<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

type GraphObject = Record<string, unknown>;

/** Sub-requests of a $batch round to send again, how long to wait first, and the last failure among them. */
interface Retry {
  requests: { id: string; url: string }[];
  waitMs: number;
  last?: { status: number; retryAfterMs?: number };
}

export class GraphDirectory implements Directory {
  readonly client: Client;
  private readonly base: string;
  private readonly transport: HttpTransport;
  private readonly concurrency: number;
  private readonly logger?: Logger;
  private readonly batcher: GraphBatcher;
  private readonly resources = new Map<string, { id: string; valueById: Map<string, string> }>();

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
    this.batcher = new GraphBatcher(
      (requests) => this.client.api('/$batch').post({ requests }),
      createLimiter(this.concurrency),
      options.coalesce ?? true,
    );
  }

  async getUser(upnOrId: string): Promise<DirectoryPrincipal | undefined> {
    const id = upnOrId.trim();
    if (!id) throw new Error('Graph user lookup needs a UPN or object id.');
    const path = `/users/${encodeURIComponent(id)}?$select=id,displayName,userPrincipalName,mail,accountEnabled`;
    const user = await this.getOne<GraphObject>(path, 'GET /users/{id}', GRAPH_PERMISSIONS.users, {
      notFound: 'undefined',
    });
    return user ? toPrincipal(user, 'user') : undefined;
  }

  /**
   * Looks ids up as users first, then the misses as service principals, then as groups: per-type reads need only
   * User.Read.All, Application.Read.All and GroupMember.Read.All, where /directoryObjects would need
   * Directory.Read.All. Keys are lower-cased object ids; ids that are not GUIDs or not found are left out.
   */
  async getPrincipals(ids: string[]): Promise<Map<string, DirectoryPrincipal>> {
    return this.lookupPrincipals(ids);
  }

  /** getPrincipals, trying the collection of `likely` first when the caller knows what the ids probably are. */
  private async lookupPrincipals(ids: string[], likely?: PrincipalType): Promise<Map<string, DirectoryPrincipal>> {
    let remaining = [...new Set(ids.map((id) => id.trim().toLowerCase()).filter((id) => GUID.test(id)))];
    const out = new Map<string, DirectoryPrincipal>();
    const kinds = [...PRINCIPAL_KINDS].sort((a, b) => Number(b.type === likely) - Number(a.type === likely));
    for (const kind of kinds) {
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

  /**
   * The resource app's service principal and the ids of these app roles on it, kept for the process: the object id
   * of a Microsoft service principal and the ids of its app roles do not change, so later audits of a warm instance
   * go straight to the assignments. A resource without a service principal or without the roles is asked again.
   */
  private async resourceRoles(
    resourceAppId: string,
    appRoleValues: string[],
  ): Promise<{ id: string; valueById: Map<string, string> } | undefined> {
    const key = `${resourceAppId.toLowerCase()}|${[...appRoleValues].sort().join(',')}`;
    const known = this.resources.get(key);
    if (known) return known;
    const found = await this.getOne<Page<GraphObject>>(
      `/servicePrincipals?$filter=${filterEquals('appId', resourceAppId)}&$select=id,appId,displayName,appRoles`,
      'GET /servicePrincipals',
      GRAPH_PERMISSIONS.appRoles,
    );
    const resource = found?.value?.[0];
    if (!resource) return undefined;
    const valueById = new Map<string, string>();
    for (const r of (resource.appRoles as GraphObject[] | undefined) ?? []) {
      if (typeof r.value === 'string' && appRoleValues.includes(r.value))
        valueById.set(String(r.id).toLowerCase(), r.value);
    }
    if (!valueById.size) return undefined;
    const roles = { id: String(resource.id), valueById };
    this.resources.set(key, roles);
    return roles;
  }

  /** Principals holding any of these app roles (by value) of the resource app: the resource (once a process), its assignments. */
  async getAppRoleHolders(resourceAppId: string, appRoleValues: string[]): Promise<AppRoleHolder[]> {
    // No service principal for the resource, or none of the roles on it: nobody can hold the permissions.
    const resource = await this.resourceRoles(resourceAppId, appRoleValues);
    if (!resource) return [];
    const { valueById } = resource;
    const assignedTo = await this.listAll<GraphObject>(
      `/servicePrincipals/${encodeURIComponent(String(resource.id))}/appRoleAssignedTo?$top=999`,
      'GET /servicePrincipals/{id}/appRoleAssignedTo',
      GRAPH_PERMISSIONS.appRoles,
    );
    const matching = assignedTo.filter((a) => valueById.has(String(a.appRoleId).toLowerCase()));
    const typeOf = (a: GraphObject) => principalTypeOf(typeof a.principalType === 'string' ? a.principalType : '');
    // appRoleAssignedTo says what each principal is: each is looked up in its own collection first, side by side.
    const types = [...new Set(matching.map(typeOf))];
    const lookups = await Promise.all(
      types.map((type) =>
        this.lookupPrincipals(
          matching.filter((a) => typeOf(a) === type).map((a) => String(a.principalId)),
          type,
        ),
      ),
    );
    const principals = new Map(lookups.flatMap((m) => [...m]));
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
          type: typeOf(a),
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
    recordTypes?: string[];
  }): Promise<AuditLogQuery> {
    const operation = `POST ${AUDIT_QUERIES}`;
    const body = {
      displayName: input.displayName,
      filterStartDateTime: input.from,
      filterEndDateTime: input.to,
      recordTypeFilters: input.recordTypes ?? ['exchangeAdmin'],
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

  /** Transitive members of each group: first pages in $batch, further pages as each link comes. Keys are lower-cased ids. */
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
    return this.restOfPages(await this.getOne<Page<T>>(path, operation, permission), operation, permission);
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
      const page =
        version === 'v1.0'
          ? await this.getOne<Page<T>>(path, operation, permission)
          : await this.call<Page<T>>(operation, permission, () => this.client.api(path).version(version).get());
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
   * One v1.0 GET through the batcher: it shares a $batch with whatever else this turn asks for, or goes plainly when
   * alone. A batched answer other than success (or a tolerated 404) is asked again on its own, so that it gets the
   * lone call's retries and typed error.
   */
  private async getOne<T>(path: string, operation: string, permission: string): Promise<T>;
  private async getOne<T>(
    path: string,
    operation: string,
    permission: string,
    options: { notFound: 'undefined' },
  ): Promise<T | undefined>;
  private async getOne<T>(
    path: string,
    operation: string,
    permission: string,
    options: { notFound?: 'undefined' } = {},
  ): Promise<T | undefined> {
    const plain = () =>
      this.batcher.track(
        options.notFound
          ? this.call<T>(operation, permission, () => this.client.api(path).get(), { notFound: options.notFound })
          : this.call<T>(operation, permission, () => this.client.api(path).get()),
      );
    const [queued] = this.batcher.get([path], true);
    const answer = await this.call(operation, permission, () => queued as Promise<BatchAnswer | undefined>);
    if (!answer) return plain();
    if (answer.status >= 200 && answer.status < 300) return answer.body as T;
    if (answer.status === 404 && options.notFound) return undefined;
    return plain();
  }

  /**
   * GETs many URLs through $batch (lib/graph/graphBatcher.ts: 20 per envelope, shared with the other reads of the
   * turn). Sub-requests that are throttled or fail transiently are sent again (waiting for the longest Retry-After
   * among them) up to the policy's attempts. Returns body by id; a 404 gives undefined unless `notFound` is 'throw'.
   */
  private async batchGet(
    requests: { id: string; url: string }[],
    operation: string,
    permission: string,
    options: { notFound?: 'undefined' | 'throw' } = {},
  ): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    let pending = requests;
    for (let attempt = 1; pending.length; attempt++) {
      const answers = await this.call('POST /$batch', permission, () =>
        Promise.all(this.batcher.get(pending.map((r) => r.url))),
      );
      const retry = this.takeAnswers(pending, answers, out, { operation, permission, attempt, ...options });
      if (!retry.requests.length) break;
      await this.waitToRetry(retry, operation, attempt);
      pending = retry.requests;
    }
    return out;
  }

  /** Keeps the successful answers (and tolerated 404s); throws for a final failure; returns what deserves another attempt. */
  private takeAnswers(
    pending: { id: string; url: string }[],
    answers: (BatchAnswer | undefined)[],
    out: Map<string, unknown>,
    how: { operation: string; permission: string; attempt: number; notFound?: 'undefined' | 'throw' },
  ): Retry {
    const context: CallContext = { service: 'Microsoft Graph', operation: how.operation };
    const retry: Retry = { requests: [], waitMs: 0 };
    for (const [i, request] of pending.entries()) {
      const sub = answers[i] as BatchAnswer;
      if (sub.status >= 200 && sub.status < 300) {
        out.set(request.id, sub.body);
        continue;
      }
      if (sub.status === 404 && how.notFound !== 'throw') {
        out.set(request.id, undefined);
        continue;
      }
      const retryAfterMs = parseRetryAfter(headerOf(sub.headers, 'retry-after'), Date.now());
      if (!RETRYABLE_STATUSES.has(sub.status))
        throw errorForStatus(
          context,
          { status: sub.status, attempts: how.attempt },
          `${request.url}: ${errorMessage(sub.body)}`,
          how.permission,
        );
      retry.last = { status: sub.status, retryAfterMs };
      retry.requests.push(request);
      retry.waitMs = Math.max(retry.waitMs, retryAfterMs ?? backoffDelay(this.transport.policy, how.attempt));
    }
    return retry;
  }

  /** Waits before another attempt at the throttled sub-requests, or throws when the policy allows no more. */
  private async waitToRetry(retry: Retry, operation: string, attempt: number): Promise<void> {
    const context: CallContext = { service: 'Microsoft Graph', operation };
    const { maxAttempts, maxRetryAfterMs } = this.transport.policy;
    if (attempt >= maxAttempts || retry.waitMs > maxRetryAfterMs) {
      if (retry.last?.status === 429) throw new ThrottledError(context, attempt, retry.last.retryAfterMs);
      throw new TransientError(
        context,
        attempt,
        `HTTP ${retry.last?.status} on ${retry.requests.length} batched request(s)`,
        retry.last?.status,
      );
    }
    this.logger?.warn(
      `Microsoft Graph ${operation}: ${retry.requests.length} batched request(s) throttled or failed; retrying them in ${formatSeconds(retry.waitMs)} (attempt ${attempt + 1} of ${maxAttempts}).`,
    );
    await sleep(retry.waitMs);
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
    recordType: str(object.auditLogRecordType),
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
