/**
 * The grant API over HTTP: routes, then the caller's identity (401) and app role (403), then input
 * (4xx problem+json naming the field), then exactly one use case. Nothing is written before the
 * input has passed every check the use case makes.
 *
 *   GET  /api/grants[?status=a,b&principal=upn&limit=n&pageToken=t]
 *                                                 list (paged)  Grant.Request | Grant.Approve | Audit.Read
 *   POST /api/grants                              request       Grant.Request
 *   POST /api/grants/adopt                        adopt         Grant.Approve
 *   GET  /api/grants/grantee?principal=upn        grantee check Grant.Request
 *   GET  /api/grants/{id}                         get           Grant.Request | Grant.Approve | Audit.Read
 *   GET  /api/grants/{id}/journal                 timeline      Grant.Request | Grant.Approve | Audit.Read
 *   POST /api/grants/{id}/approve                 approve       Grant.Approve
 *   POST /api/grants/{id}/deny                    deny          Grant.Approve
 *   POST /api/grants/{id}/cancel                  cancel        Grant.Request | Grant.Approve
 *   POST /api/grants/{id}/extend                  extend        Grant.Request
 *   POST /api/grants/{id}/release                 release       Grant.Request | Grant.Approve
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as v from 'valibot';
import type { Authenticator } from '../auth/authenticator.js';
import { requireRole, SigningKeysUnavailableError, type AppRole, type Caller } from '../caller.js';
import type { Grant } from '../domain.js';
import { adoptGrant } from '../grants/adoptGrant.js';
import { approveGrant } from '../grants/approveGrant.js';
import { cancelGrant } from '../grants/cancelGrant.js';
import { denyGrant } from '../grants/denyGrant.js';
import { extendGrant } from '../grants/extendGrant.js';
import { getGrant } from '../grants/getGrant.js';
import { grantTimeline } from '../grants/grantTimeline.js';
import { lookUpGrantee } from '../grants/lookUpGrantee.js';
import type { GrantDeps } from '../grants/grantDeps.js';
import { GrantNotFoundError } from '../grants/grantErrors.js';
import { ExternalCallError } from '../ports/index.js';
import { listGrantsPage } from '../grants/listGrants.js';
import { PROPAGATION_NOTE } from '../grants/notices/grantNotice.js';
import { requestLapsesAt } from '../grants/policy/requestExpiry.js';
import { releaseGrant } from '../grants/releaseGrant.js';
import { requestGrant } from '../grants/requestGrant.js';
import {
  adoptGrantBody,
  extendGrantBody,
  granteeQuery,
  grantIdSchema,
  listGrantsQuery,
  reasonBody,
  requestGrantBody,
} from '../api/grantBodies.js';
import { grantProblem } from '../api/grantProblems.js';
import { fieldProblem, ProblemError } from '../api/problem.js';
import { parseWith, readJsonBody } from '../api/readJsonBody.js';
import { failureResponse } from './httpFailure.js';

export type GrantHttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

interface Call {
  request: HttpRequest;
  caller: Caller;
  id: string;
  deps: GrantDeps;
}

interface Route {
  roles: [AppRole, ...AppRole[]];
  run(call: Call): Promise<HttpResponseInit>;
}

const ANY_READER: [AppRole, ...AppRole[]] = ['Grant.Request', 'Grant.Approve', 'Audit.Read'];

/** Routes keyed by "METHOD shape", where shape is '', 'adopt', 'grantee', ':id' or ':id/<action>'. */
const ROUTES: Record<string, Route> = {
  'GET ': {
    roles: ANY_READER,
    async run({ request, caller, deps }) {
      const query = parseWith(listGrantsQuery, Object.fromEntries(request.query.entries()));
      const page = await listGrantsPage(
        deps,
        caller,
        { status: query.status, principal: query.principal },
        { limit: query.limit, pageToken: query.pageToken },
      );
      return json(200, {
        grants: page.grants.map((g) => view(deps, g)),
        ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
      });
    },
  },
  'POST ': creation(['Grant.Request'], requestGrantBody, (deps, caller, body) =>
    requestGrant(deps, caller, { ...terms(body), principal: body.principal, startsAt: body.start }),
  ),
  'POST adopt': creation(['Grant.Approve'], adoptGrantBody, (deps, caller, body) =>
    adoptGrant(deps, caller, { ...terms(body), assignmentGuid: body.assignmentGuid }),
  ),
  'GET grantee': {
    roles: ['Grant.Request'],
    async run({ request, deps }) {
      const query = parseWith(granteeQuery, Object.fromEntries(request.query.entries()));
      return json(200, await lookUpGrantee(deps, query.principal));
    },
  },
  'GET :id': {
    roles: ANY_READER,
    run: async ({ caller, id, deps }) => json(200, view(deps, await getGrant(deps, caller, id))),
  },
  'GET :id/journal': {
    roles: ANY_READER,
    run: async ({ caller, id, deps }) => json(200, { entries: await grantTimeline(deps, caller, id) }),
  },
  'POST :id/approve': decision(['Grant.Approve'], approveGrant),
  'POST :id/deny': decision(['Grant.Approve'], denyGrant),
  'POST :id/cancel': decision(['Grant.Request', 'Grant.Approve'], cancelGrant),
  'POST :id/extend': {
    roles: ['Grant.Request'],
    async run({ request, caller, id, deps }) {
      const body = await readJsonBody(request, extendGrantBody);
      return json(
        200,
        view(
          deps,
          await extendGrant(deps, caller, id, { durationMs: body.duration, justification: body.justification }),
        ),
      );
    },
  },
  'POST :id/release': decision(['Grant.Request', 'Grant.Approve'], releaseGrant),
};

/** A route that creates a grant from the body: 201 with the grant and where it lives. */
function creation<S extends v.GenericSchema>(
  roles: Route['roles'],
  schema: S,
  create: (deps: GrantDeps, caller: Caller, body: v.InferOutput<S>) => Promise<Grant>,
): Route {
  return {
    roles,
    async run({ request, caller, deps }) {
      const grant = await create(deps, caller, await readJsonBody(request, schema));
      return json(201, view(deps, grant), { location: grantLocation(request, grant.id) });
    },
  };
}

/** The terms every new grant is asked with, from the body's wire names. */
function terms(body: { duration: number; justification: string; ticket: string }) {
  return { durationMs: body.duration, justification: body.justification, ticket: body.ticket };
}

/** A decision on the grant `id` with an optional reason in the body. */
function decision(
  roles: Route['roles'],
  decide: (deps: GrantDeps, caller: Caller, id: string, reason?: string) => Promise<Grant>,
): Route {
  return {
    roles,
    async run({ request, caller, id, deps }) {
      const body = await readJsonBody(request, reasonBody, { optional: true });
      return json(200, view(deps, await decide(deps, caller, id, body.reason)));
    },
  };
}

/** Every route as "METHOD shape" with the app roles it accepts (docs/openapi.json is built from this list). */
export const GRANT_ROUTES: readonly { key: string; roles: readonly AppRole[] }[] = Object.entries(ROUTES).map(
  ([key, route]) => ({ key, roles: route.roles }),
);

export function createGrantHttpHandler(options: { deps: GrantDeps; authenticate: Authenticator }): GrantHttpHandler {
  return async (request, context) => {
    try {
      const { key, id } = routeKey(request);
      const route = ROUTES[`${request.method.toUpperCase()} ${key}`];
      if (!route) throw methodOrPathProblem(key);
      if (request.method.toUpperCase() === 'POST') refuseCrossSite(request);
      const caller = await options.authenticate(request.headers);
      requireRole(caller, ...route.roles);
      if (id !== '' && !v.is(grantIdSchema, id)) throw new GrantNotFoundError(id);
      return await route.run({ request, caller, id, deps: options.deps });
    } catch (error) {
      return failureResponse(error, request, context, {
        api: 'Grant API',
        internal: 'The watchdog could not complete the request',
        problem: (e) => grantProblem(e, context.invocationId),
        logAlso: (e) => e instanceof ExternalCallError || e instanceof SigningKeysUnavailableError,
      });
    }
  };
}

/**
 * With App Service Authentication a browser session cookie identifies the caller, so another site could
 * make an approver's browser POST here. Browsers say where a request comes from; anything but this
 * origin is refused. (Non-browser clients send neither header; bearer tokens are never sent by a browser
 * on its own.)
 */
function refuseCrossSite(request: HttpRequest): void {
  const site = request.headers.get('sec-fetch-site');
  const origin = request.headers.get('origin');
  if ((site && site !== 'same-origin' && site !== 'none') || (origin && origin !== new URL(request.url).origin)) {
    throw fieldProblem(403, 'cross-site', 'Cross-site request refused', [
      {
        field: 'origin',
        message: `requests from ${origin ?? site} are not accepted; call the API from its own origin or a non-browser client.`,
      },
    ]);
  }
}

/** A malformed %-escape stays as sent: it then matches no grant id (404) instead of failing the request. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The path after /grants, reduced to a route shape: '', 'adopt', 'grantee', ':id' or ':id/<action>'. */
function routeKey(request: HttpRequest): { key: string; id: string } {
  const segments = new URL(request.url).pathname.split('/').filter(Boolean).map(decodeSegment);
  const rest = segments.slice(segments.indexOf('grants') + 1);
  if (rest.length === 0) return { key: '', id: '' };
  if (rest.length === 1 && (rest[0] === 'adopt' || rest[0] === 'grantee')) return { key: rest[0], id: '' };
  if (rest.length === 1) return { key: ':id', id: rest[0] ?? '' };
  if (rest.length === 2) return { key: `:id/${rest[1]}`, id: rest[0] ?? '' };
  return { key: rest.join('/'), id: '' };
}

function methodOrPathProblem(key: string): ProblemError {
  const allowed = Object.keys(ROUTES)
    .filter((k) => k.split(' ')[1] === key)
    .map((k) => k.split(' ')[0] ?? '');
  if (allowed.length) {
    return new ProblemError(
      405,
      'method-not-allowed',
      'Method not allowed',
      `Use ${allowed.join(' or ')} on this resource.`,
      { headers: { allow: allowed.join(', ') } },
    );
  }
  return new ProblemError(
    404,
    'not-found',
    'No such resource',
    'Unknown grant API path; see docs/grant-api.md for the routes.',
  );
}

type GrantView = Grant & { note?: string; lapsesAt?: string };

/** The grant with what a reader needs beside it: the propagation note, and when an open request lapses. */
function view(deps: GrantDeps, grant: Grant): GrantView {
  const lapsesAt = requestLapsesAt(grant, deps.config.grants);
  return {
    ...grant,
    ...(grant.status === 'active' ? { note: PROPAGATION_NOTE } : {}),
    ...(lapsesAt ? { lapsesAt } : {}),
  };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

function grantLocation(request: HttpRequest, id: string): string {
  const path = new URL(request.url).pathname.replace(/\/(adopt)?\/?$/, '');
  return `${path}/${encodeURIComponent(id)}`;
}
