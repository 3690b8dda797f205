/**
 * Microsoft Graph v1.0 / beta: the directory reads the watchdog makes, with Graph's paging
 * (`$top`, `@odata.nextLink` with `$skiptoken`), `$select`, `$filter`, `$expand=principal`,
 * application-permission checks, its error envelope, and `$batch` (at most 20 requests).
 */
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { EMULATOR_TOKEN } from '../../contract/emulator.js';
import { GRAPH_APP_ID } from '../../contract/microsoft.js';
import type { EmulatorContext } from '../context.js';
import { bearer, sleep, type Reply } from '../http.js';
import type { AuditLogQueryState } from '../tenantState.js';
import { FilterError, parseFilter } from './filter.js';
import {
  appRoleAssignmentObject,
  directoryObject,
  groupObject,
  project,
  roleAssignmentObject,
  roleEligibilityInstanceObject,
  servicePrincipalObject,
  userObject,
  type GraphObject,
  type Shaped,
} from './objects.js';
import { faultReply } from '../faultReply.js';

export interface GraphRequest {
  method: string;
  version: string;
  /** Path without the version, e.g. /users/abc. */
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export const GRAPH_PATH = /^\/(v1\.0|beta)(\/.*)$/;
const DEFAULT_PAGE = 100;
const MAX_TOP = 999;
export const MAX_BATCH = 20;

const PERMISSIONS = {
  users: ['User.Read.All', 'User.ReadBasic.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  groups: [
    'GroupMember.Read.All',
    'Group.Read.All',
    'Group.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  directoryObjects: ['Directory.Read.All', 'Directory.ReadWrite.All'],
  servicePrincipals: [
    'Application.Read.All',
    'Application.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  roleManagement: [
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'RoleManagement.ReadWrite.Directory',
    'Directory.Read.All',
  ],
  /** Least privileged first (https://learn.microsoft.com/graph/api/rbacapplication-list-roleeligibilityscheduleinstances). */
  roleEligibility: [
    'RoleEligibilitySchedule.Read.Directory',
    'RoleEligibilitySchedule.ReadWrite.Directory',
    'RoleManagement.Read.All',
    'RoleManagement.Read.Directory',
    'RoleManagement.ReadWrite.Directory',
  ],
  auditLogQuery: ['AuditLogsQuery-Exchange.Read.All', 'AuditLogsQuery.Read.All'],
} as const;

const AUDIT_QUERY_STATUSES_WITH_RECORDS = new Set(['succeeded']);

export function graphError(status: number, code: string, message: string): Reply {
  return {
    status,
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          'request-id': randomUUID(),
          'client-request-id': randomUUID(),
        },
      },
    },
  };
}

const notFound = (id: string) =>
  graphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
const badRequest = (message: string, code = 'BadRequest') => graphError(400, code, message);

/** 401 for a missing or foreign token; undefined when the request may proceed. */
export function graphAuth(req: IncomingMessage): Reply | undefined {
  const token = bearer(req);
  if (!token) return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  if (token !== EMULATOR_TOKEN)
    return graphError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
  return undefined;
}

function permitted(ctx: EmulatorContext, needs: readonly string[]): Reply | undefined {
  const held = ctx.state.callerAppRoles(GRAPH_APP_ID);
  if (needs.some((p) => held.has(p))) return undefined;
  return graphError(
    403,
    'Authorization_RequestDenied',
    `Insufficient privileges to complete the operation. The app needs one of these Microsoft Graph application permissions: ${needs.join(', ')}.`,
  );
}

function selectOf(q: URLSearchParams): string[] | undefined {
  const s = q.get('$select');
  return s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : undefined;
}

function filterOf(q: URLSearchParams, allowed: string[]): ((x: GraphObject) => boolean) | Reply | undefined {
  const f = q.get('$filter');
  if (f === null) return undefined;
  try {
    const predicate = parseFilter(f);
    const props = [...f.replace(/'(?:[^']|'')*'/g, "''").matchAll(/([A-Za-z][A-Za-z0-9_/]*)\s+(?:eq|ne|in)\b/g)].map(
      (m) => m[1] as string,
    );
    const startsWith = [...f.matchAll(/startswith\(\s*([A-Za-z][A-Za-z0-9_/]*)/gi)].map((m) => m[1] as string);
    const unknown = [...props, ...startsWith].find((p) => !allowed.includes(p));
    if (unknown)
      return badRequest(
        `Unsupported or invalid query filter clause specified for property '${unknown}' of resource.`,
        'Request_UnsupportedQuery',
      );
    return predicate;
  } catch (err) {
    if (err instanceof FilterError) return badRequest(`Invalid filter clause: ${err.message}`);
    throw err;
  }
}

function isReply(x: unknown): x is Reply {
  return typeof x === 'object' && x !== null && 'status' in x && typeof (x as Reply).status === 'number';
}

/** A page of a collection, with @odata.nextLink when more remain. */
function page(ctx: EmulatorContext, r: GraphRequest, items: GraphObject[], context: string): Reply {
  const topText = r.query.get('$top');
  let size = DEFAULT_PAGE;
  if (topText !== null) {
    const top = Number(topText);
    if (!Number.isInteger(top) || top < 1 || top > MAX_TOP)
      return badRequest(`Invalid page size specified: '${topText}'. Must be between 1 and ${MAX_TOP} inclusive.`);
    size = top;
  }
  if (ctx.pageSize !== undefined) size = Math.min(size, ctx.pageSize);
  let offset = 0;
  const token = r.query.get('$skiptoken');
  if (token !== null) {
    const decoded = Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^o:/, ''));
    if (
      !Number.isInteger(decoded) ||
      decoded < 0 ||
      !Buffer.from(token, 'base64url').toString('utf8').startsWith('o:')
    ) {
      return badRequest(`Invalid $skiptoken '${token}'.`, 'Directory_InvalidSkipToken');
    }
    offset = decoded;
  }
  const body: GraphObject = { '@odata.context': `${ctx.baseUrl}/${r.version}/$metadata#${context}` };
  if (offset + size < items.length) {
    const next = new URLSearchParams(r.query);
    next.set('$skiptoken', Buffer.from(`o:${offset + size}`).toString('base64url'));
    body['@odata.nextLink'] = `${ctx.baseUrl}/${r.version}${r.path}?${next.toString().replace(/%24/g, '$')}`;
  }
  body.value = items.slice(offset, offset + size);
  return { status: 200, body };
}

function entity(ctx: EmulatorContext, r: GraphRequest, o: Shaped, context: string): Reply {
  return {
    status: 200,
    body: {
      '@odata.context': `${ctx.baseUrl}/${r.version}/$metadata#${context}/$entity`,
      ...project(o, selectOf(r.query), false),
    },
  };
}

type Handler = (ctx: EmulatorContext, r: GraphRequest, m: RegExpExecArray) => Reply;

const ROUTES: [string, RegExp, readonly string[], Handler][] = [
  [
    'GET',
    /^\/users$/,
    PERMISSIONS.users,
    (ctx, r) => {
      const f = filterOf(r.query, ['id', 'userPrincipalName', 'mail', 'displayName', 'accountEnabled', 'userType']);
      if (isReply(f)) return f;
      const select = selectOf(r.query);
      const items = [...ctx.state.users.values()]
        .map(userObject)
        .filter((o) => !f || f(o.all))
        .map((o) => project(o, select, false));
      return page(ctx, r, items, 'users');
    },
  ],
  [
    'GET',
    /^\/users\/([^/]+)$/,
    PERMISSIONS.users,
    (ctx, r, m) => {
      const key = decodeURIComponent(m[1] as string);
      const u = ctx.state.userByUpnOrId(key);
      return u ? entity(ctx, r, userObject(u), 'users') : notFound(key);
    },
  ],
  [
    'GET',
    /^\/groups$/,
    PERMISSIONS.groups,
    (ctx, r) => {
      const f = filterOf(r.query, ['id', 'displayName', 'mail', 'securityEnabled']);
      if (isReply(f)) return f;
      const select = selectOf(r.query);
      const items = [...ctx.state.groups.values()]
        .map((g) => groupObject(g))
        .filter((o) => !f || f(o.all))
        .map((o) => project(o, select, false));
      return page(ctx, r, items, 'groups');
    },
  ],
  [
    'GET',
    /^\/groups\/([^/]+)$/,
    PERMISSIONS.groups,
    (ctx, r, m) => {
      const g = ctx.state.groups.get(decodeURIComponent(m[1] as string));
      return g ? entity(ctx, r, groupObject(g), 'groups') : notFound(m[1] as string);
    },
  ],
  [
    'GET',
    /^\/groups\/([^/]+)\/(transitiveMembers|members)$/,
    PERMISSIONS.groups,
    (ctx, r, m) => {
      const id = decodeURIComponent(m[1] as string);
      const g = ctx.state.groups.get(id);
      if (!g) return notFound(id);
      const ids = m[2] === 'members' ? ctx.state.currentMembers(g.members) : transitiveMembers(ctx, id);
      const select = selectOf(r.query);
      const items: GraphObject[] = [];
      for (const mid of ids) {
        const o = directoryObject(ctx.state, mid);
        if (o) items.push(project(o, select, true));
      }
      return page(ctx, r, items, 'directoryObjects');
    },
  ],
  [
    'GET',
    /^\/directoryObjects\/([^/]+)$/,
    PERMISSIONS.directoryObjects,
    (ctx, r, m) => {
      const o = directoryObject(ctx.state, decodeURIComponent(m[1] as string));
      if (!o) return notFound(m[1] as string);
      return {
        status: 200,
        body: {
          '@odata.context': `${ctx.baseUrl}/${r.version}/$metadata#directoryObjects/$entity`,
          ...project(o, selectOf(r.query), true),
        },
      };
    },
  ],
  [
    'POST',
    /^\/directoryObjects\/getByIds$/,
    PERMISSIONS.directoryObjects,
    (ctx, r) => {
      const body = r.body as { ids?: unknown; types?: unknown } | undefined;
      if (!body || !Array.isArray(body.ids) || !body.ids.every((x) => typeof x === 'string'))
        return badRequest("The request body needs 'ids', an array of object ids.");
      if (body.ids.length > 1000) return badRequest('getByIds accepts at most 1000 ids.');
      const types = Array.isArray(body.types) ? (body.types as string[]).map((t) => t.toLowerCase()) : undefined;
      const items: GraphObject[] = [];
      for (const id of body.ids) {
        const o = directoryObject(ctx.state, id);
        if (o && (!types || types.includes(o.type.toLowerCase()))) items.push(project(o, selectOf(r.query), true));
      }
      return {
        status: 200,
        body: { '@odata.context': `${ctx.baseUrl}/${r.version}/$metadata#directoryObjects`, value: items },
      };
    },
  ],
  [
    'GET',
    /^\/servicePrincipals$/,
    PERMISSIONS.servicePrincipals,
    (ctx, r) => {
      const f = filterOf(r.query, ['id', 'appId', 'displayName', 'servicePrincipalType', 'accountEnabled']);
      if (isReply(f)) return f;
      const select = selectOf(r.query);
      const items = [...ctx.state.servicePrincipals.values()]
        .map(servicePrincipalObject)
        .filter((o) => !f || f(o.all))
        .map((o) => project(o, select, false));
      return page(ctx, r, items, 'servicePrincipals');
    },
  ],
  [
    'GET',
    /^\/servicePrincipals\(appId='((?:[^']|'')+)'\)$/,
    PERMISSIONS.servicePrincipals,
    (ctx, r, m) => {
      const appId = decodeURIComponent(m[1] as string).replace(/''/g, "'");
      const sp = ctx.state.servicePrincipalByAppId(appId);
      return sp ? entity(ctx, r, servicePrincipalObject(sp), 'servicePrincipals') : notFound(appId);
    },
  ],
  [
    'GET',
    /^\/servicePrincipals\/([^/]+)$/,
    PERMISSIONS.servicePrincipals,
    (ctx, r, m) => {
      const sp = ctx.state.servicePrincipals.get(decodeURIComponent(m[1] as string));
      return sp ? entity(ctx, r, servicePrincipalObject(sp), 'servicePrincipals') : notFound(m[1] as string);
    },
  ],
  [
    'GET',
    /^\/servicePrincipals\/([^/]+)\/(appRoleAssignedTo|appRoleAssignments)$/,
    PERMISSIONS.servicePrincipals,
    (ctx, r, m) => {
      const id = decodeURIComponent(m[1] as string);
      if (!ctx.state.servicePrincipals.has(id)) return notFound(id);
      if (r.query.has('$filter'))
        return badRequest(
          '$filter is not supported on this collection; filter on appRoleId in the client.',
          'Request_UnsupportedQuery',
        );
      const assignedTo = m[2] === 'appRoleAssignedTo';
      const items = ctx.state.appRoleAssignments
        .filter((a) => (assignedTo ? a.resourceId === id : a.principalId === id))
        .map((a) => appRoleAssignmentObject(ctx.state, a));
      return page(ctx, r, items, `servicePrincipals('${id}')/${m[2]}`);
    },
  ],
  [
    'GET',
    /^\/roleManagement\/directory\/roleAssignments$/,
    PERMISSIONS.roleManagement,
    (ctx, r) => {
      const f = filterOf(r.query, ['id', 'roleDefinitionId', 'principalId', 'directoryScopeId']);
      if (isReply(f)) return f;
      const expand = r.query.get('$expand');
      if (expand !== null && expand.trim() !== 'principal')
        return badRequest(
          `Could not find a property named '${expand}' on type 'microsoft.graph.unifiedRoleAssignment' to expand.`,
        );
      const items: GraphObject[] = [];
      for (const d of ctx.state.directoryRoleAssignments) {
        const o = roleAssignmentObject(d);
        if (f && !f(o)) continue;
        if (expand) {
          const p = directoryObject(ctx.state, d.principalId);
          o.principal = p ? project(p, undefined, true) : null;
        }
        items.push(o);
      }
      return page(ctx, r, items, 'roleManagement/directory/roleAssignments');
    },
  ],
  [
    'GET',
    /^\/roleManagement\/directory\/roleEligibilityScheduleInstances$/,
    PERMISSIONS.roleEligibility,
    (ctx, r) => {
      const f = filterOf(r.query, ['id', 'roleDefinitionId', 'principalId', 'directoryScopeId', 'appScopeId']);
      if (isReply(f)) return f;
      const items = ctx.state.directoryRoleEligibilities.map(roleEligibilityInstanceObject).filter((o) => !f || f(o));
      return page(ctx, r, items, 'roleManagement/directory/roleEligibilityScheduleInstances');
    },
  ],
  [
    'POST',
    /^\/security\/auditLog\/queries$/,
    PERMISSIONS.auditLogQuery,
    (ctx, r) => betaOnly(r) ?? createAuditLogQuery(ctx, r),
  ],
  [
    'GET',
    /^\/security\/auditLog\/queries$/,
    PERMISSIONS.auditLogQuery,
    (ctx, r) => {
      const refused = betaOnly(r);
      if (refused) return refused;
      return page(
        ctx,
        r,
        [...ctx.state.auditLogQueries.values()].map((q) => auditLogQueryObject(ctx, r, q)),
        'security/auditLog/queries',
      );
    },
  ],
  [
    'GET',
    /^\/security\/auditLog\/queries\/([^/]+)$/,
    PERMISSIONS.auditLogQuery,
    (ctx, r, m) => {
      const q = ctx.state.auditLogQueries.get(decodeURIComponent(m[1] as string));
      const refused = betaOnly(r) ?? (q ? undefined : notFound(m[1] as string));
      if (refused || !q) return refused as Reply;
      q.polls++;
      return { status: 200, body: auditLogQueryObject(ctx, r, q) };
    },
  ],
  [
    'GET',
    /^\/security\/auditLog\/queries\/([^/]+)\/records$/,
    PERMISSIONS.auditLogQuery,
    (ctx, r, m) => {
      const q = ctx.state.auditLogQueries.get(decodeURIComponent(m[1] as string));
      const refused = betaOnly(r) ?? (q ? undefined : notFound(m[1] as string));
      if (refused || !q) return refused as Reply;
      const status = ctx.state.auditLogQueryStatus(q);
      if (!AUDIT_QUERY_STATUSES_WITH_RECORDS.has(status))
        return badRequest(`The audit log query '${q.id}' is ${status}; its records can be read once it has succeeded.`);
      return page(
        ctx,
        r,
        q.records.map((_, i) => auditLogRecordObject(ctx, q, i)),
        `security/auditLog/queries('${q.id}')/records`,
      );
    },
  ],
];

/** The audit log query routes exist on beta only (as the watchdog calls them). */
function betaOnly(r: GraphRequest): Reply | undefined {
  return r.version === 'beta' ? undefined : badRequest(`Resource not found for the segment 'auditLog'.`);
}

function auditLogQueryObject(ctx: EmulatorContext, r: GraphRequest, q: AuditLogQueryState): GraphObject {
  return {
    '@odata.context': `${ctx.baseUrl}/${r.version}/$metadata#security/auditLog/queries/$entity`,
    id: q.id,
    displayName: q.displayName,
    filterStartDateTime: q.filterStartDateTime,
    filterEndDateTime: q.filterEndDateTime,
    recordTypeFilters: q.recordTypeFilters,
    operationFilters: q.operationFilters,
    keywordFilter: null,
    serviceFilters: [],
    userPrincipalNameFilters: [],
    ipAddressFilters: [],
    objectIdFilters: [],
    administrativeUnitIdFilters: [],
    status: ctx.state.auditLogQueryStatus(q),
  };
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function createAuditLogQuery(ctx: EmulatorContext, r: GraphRequest): Reply {
  const body = r.body as Record<string, unknown> | null | undefined;
  if (!body || typeof body !== 'object') return badRequest('The request body must be an auditLogQuery object.');
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
  const { displayName, filterStartDateTime: from, filterEndDateTime: to, recordTypeFilters, operationFilters } = body;
  if (typeof from !== 'string' || !DATE_TIME.test(from) || typeof to !== 'string' || !DATE_TIME.test(to)) {
    return badRequest('filterStartDateTime and filterEndDateTime must be ISO 8601 date-times.');
  }
  if (Date.parse(from) >= Date.parse(to))
    return badRequest('filterStartDateTime must be earlier than filterEndDateTime.');
  if (
    (recordTypeFilters !== undefined && !strings(recordTypeFilters)) ||
    (operationFilters !== undefined && !strings(operationFilters))
  ) {
    return badRequest('recordTypeFilters and operationFilters must be arrays of strings.');
  }
  const unknownType = (recordTypeFilters ?? []).find((t) => !/^[a-z][A-Za-z0-9]*$/.test(t));
  if (unknownType) return badRequest(`The value '${unknownType}' is not a valid auditLogRecordType.`);
  const q = ctx.state.startAuditLogQuery({
    displayName: typeof displayName === 'string' ? displayName : '',
    filterStartDateTime: from,
    filterEndDateTime: to,
    recordTypeFilters: recordTypeFilters ?? [],
    operationFilters: operationFilters ?? [],
  });
  return { status: 201, body: auditLogQueryObject(ctx, r, q) };
}

/** Per record type: auditData's @odata.type, its numeric RecordType, and the workload (Office 365 Management Activity schema). */
interface RecordTypeShape {
  odataType: string;
  recordType: number;
  workload: string;
}
const EXCHANGE_ADMIN: RecordTypeShape = { odataType: 'exchangeAdminAuditRecord', recordType: 1, workload: 'Exchange' };
const RECORD_TYPES: Record<string, RecordTypeShape> = {
  exchangeAdmin: EXCHANGE_ADMIN,
  exchangeItem: { odataType: 'exchangeMailboxAuditRecord', recordType: 2, workload: 'Exchange' },
  exchangeItemAggregated: { odataType: 'exchangeAggregatedMailboxAuditRecord', recordType: 50, workload: 'Exchange' },
  discovery: { odataType: 'discoveryAuditRecord', recordType: 24, workload: 'SecurityComplianceCenter' },
};

function auditLogRecordObject(ctx: EmulatorContext, q: AuditLogQueryState, index: number): GraphObject {
  const rec = q.records[index] as AuditLogQueryState['records'][number];
  const type = RECORD_TYPES[rec.recordType] ?? EXCHANGE_ADMIN;
  return {
    id: rec.id,
    createdDateTime: rec.createdDateTime,
    auditLogRecordType: rec.recordType,
    operation: rec.operation,
    organizationId: ctx.state.tenantId,
    userType: rec.userPrincipalName.includes('@') ? 'admin' : 'application',
    userId: rec.userPrincipalName,
    service: type.workload,
    objectId: rec.objectId,
    userPrincipalName: rec.userPrincipalName,
    clientIp: null,
    administrativeUnits: [],
    auditData: {
      '@odata.type': `#microsoft.graph.security.${type.odataType}`,
      CreationTime: rec.createdDateTime.slice(0, 19),
      Id: rec.id,
      Operation: rec.operation,
      OrganizationId: ctx.state.tenantId,
      RecordType: type.recordType,
      ResultStatus: 'True',
      UserKey: rec.userPrincipalName,
      Workload: type.workload,
      ObjectId: rec.objectId,
      UserId: rec.userPrincipalName,
      ExternalAccess: false,
      ...(rec.parameters.length || rec.recordType === 'exchangeAdmin'
        ? { Parameters: rec.parameters.map((x) => ({ ...x })) }
        : {}),
      ...rec.auditData,
    },
  };
}

function transitiveMembers(ctx: EmulatorContext, groupId: string): string[] {
  // Graph lists nested groups themselves as well as their members.
  const out: string[] = [];
  const seen = new Set<string>([groupId]);
  const stack = [groupId];
  while (stack.length) {
    const g = ctx.state.groups.get(stack.pop() as string);
    if (!g) continue;
    for (const m of ctx.state.currentMembers(g.members)) {
      if (seen.has(m)) continue;
      seen.add(m);
      out.push(m);
      if (ctx.state.groups.has(m)) stack.push(m);
    }
  }
  return out;
}

/** Runs one Graph request (top-level or inside $batch); auth is checked by the caller. */
export function graphRequest(ctx: EmulatorContext, r: GraphRequest): Reply {
  let methodMismatch = false;
  for (const [method, re, needs, handler] of ROUTES) {
    const m = re.exec(r.path);
    if (!m) continue;
    if (method !== r.method) {
      methodMismatch = true;
      continue;
    }
    return permitted(ctx, needs) ?? handler(ctx, r, m);
  }
  if (methodMismatch)
    return graphError(405, 'Request_BadRequest', `The method ${r.method} is not allowed on ${r.path}.`);
  const segment = r.path.split('/').filter(Boolean).pop() ?? r.path;
  return badRequest(`Resource not found for the segment '${segment}'.`);
}

interface BatchItem {
  id: string;
  method: string;
  url: string;
  body?: unknown;
}

/** POST /$batch: JSON batching, at most 20 requests, each with its own status (429 included). */
export async function graphBatch(ctx: EmulatorContext, version: string, body: unknown): Promise<Reply> {
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests) || requests.length === 0)
    return badRequest('Invalid batch payload format: a non-empty "requests" array is required.');
  if (requests.length > MAX_BATCH)
    return badRequest(`Invalid batch payload: ${requests.length} requests in one batch; the limit is ${MAX_BATCH}.`);
  const ids = new Set<string>();
  for (const item of requests as Partial<BatchItem>[]) {
    if (!item || typeof item.id !== 'string' || typeof item.method !== 'string' || typeof item.url !== 'string') {
      return badRequest('Invalid batch payload format: every request needs id, method and url.');
    }
    if (ids.has(item.id)) return badRequest(`Invalid batch payload: the request id '${item.id}' is used twice.`);
    ids.add(item.id);
  }
  const responses: { id: string; status: number; headers: Record<string, string>; body?: unknown }[] = [];
  for (const item of requests as BatchItem[]) {
    const started = performance.now();
    const target = new URL(item.url.replace(/^\/?/, '/'), 'http://batch');
    const path = target.pathname.replace(/^\/(v1\.0|beta)(?=\/)/, '');
    const decision = ctx.faults.decide({ api: 'graph', name: path, inBatch: true });
    if (decision.latencyMs) await sleep(decision.latencyMs);
    let reply: Reply;
    let fault: string | undefined;
    if (decision.failure?.kind === 'lost-answer') {
      // The request takes effect; a batch cannot drop one answer's connection, so it answers 503 instead.
      graphRequest(ctx, {
        method: item.method.toUpperCase(),
        version,
        path,
        query: target.searchParams,
        body: item.body,
      });
      reply = faultReply('graph', { kind: 'error', status: decision.failure.status ?? 503 });
      fault = decision.failure.kind;
    } else if (decision.failure) {
      // A batch cannot drop one request's connection: an injected reset answers that request 503.
      const failure = decision.failure.kind === 'reset' ? ({ kind: 'error', status: 503 } as const) : decision.failure;
      reply = faultReply('graph', failure);
      fault = decision.failure.kind;
    } else if (path === '/$batch') {
      reply = badRequest('A $batch request cannot contain another $batch.');
    } else {
      reply = graphRequest(ctx, {
        method: item.method.toUpperCase(),
        version,
        path,
        query: target.searchParams,
        body: item.body,
      });
    }
    ctx.calls.record({
      at: ctx.state.clock.now().toISOString(),
      api: 'graph',
      method: item.method.toUpperCase(),
      name: path,
      parameters: Object.fromEntries(target.searchParams),
      status: reply.status,
      durationMs: performance.now() - started,
      batch: true,
      ...(fault ? { fault } : {}),
    });
    responses.push({
      id: item.id,
      status: reply.status,
      headers: { 'Content-Type': 'application/json', ...(reply.headers ?? {}) },
      body: reply.body,
    });
  }
  return { status: 200, body: { responses } };
}
