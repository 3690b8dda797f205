/**
 * docs/openapi.json is what `npm run docs:openapi` generates from the handlers and the valibot schemas, and it
 * describes exactly the HTTP routes the Function App registers and its handlers serve.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HttpRequest, InvocationContext, type HttpFunctionOptions, type HttpResponseInit } from '@azure/functions';
import type * as AzureFunctions from '@azure/functions';
import { describe, expect, it, vi } from 'vitest';
import { GRANT_ROUTES, createGrantHttpHandler } from '../../lib/triggers/grantHttpHandler.js';
import { UnauthenticatedError } from '../../lib/caller.js';
import type { GrantDeps } from '../../lib/grants/grantDeps.js';
import { createDoctorHttpHandler } from '../../lib/triggers/doctorHttpHandler.js';
import { EVIDENCE_ROUTES, createEvidenceHttpHandler } from '../../lib/triggers/evidenceHttpHandler.js';
import { grantPath, OPENAPI_FILE, renderOpenApiDocument } from '../../scripts/openapi.js';

const registered = vi.hoisted(() => new Map<string, { route: string; methods: string[] }>());
vi.mock('@azure/functions', async (original) => {
  const actual = await original<typeof AzureFunctions>();
  return {
    ...actual,
    app: {
      http: (name: string, options: HttpFunctionOptions) =>
        registered.set(name, { route: options.route ?? name, methods: options.methods ?? [] }),
    },
  };
});

const repo = resolve(import.meta.dirname, '../..');
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as {
  openapi: string;
  paths: Record<string, Record<string, { 'x-app-roles'?: string[] }>>;
};
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.keys(item)
    .filter((m) => (METHODS as readonly string[]).includes(m))
    .map((method) => ({ path, method: method.toUpperCase(), roles: item[method]?.['x-app-roles'] ?? [] })),
);

const refuseEveryone = async (): Promise<never> => {
  throw new UnauthenticatedError('no token in this test');
};
const unreachable = (): never => {
  throw new Error('the handler reached past authentication');
};
const handlers: Record<string, (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>> = {
  grants: createGrantHttpHandler({
    deps: new Proxy({} as GrantDeps, { get: unreachable }),
    authenticate: refuseEveryone,
  }),
  evidence: createEvidenceHttpHandler({ deps: unreachable, authenticate: refuseEveryone }),
  doctor: createDoctorHttpHandler({ doctor: unreachable, authenticate: refuseEveryone }),
};

async function call(method: string, path: string): Promise<HttpResponseInit> {
  const url = `http://localhost${path.replace('{id}', '0b6f1f6e-3c1d-4d62-9d1f-4f2c8a1e7b55')}`;
  const handler = handlers[path.split('/')[2] ?? ''];
  if (!handler) throw new Error(`no handler serves ${path}`);
  return handler(new HttpRequest({ method, url }), new InvocationContext({ invocationId: 'openapi-test' }));
}

const routePrefix = (
  JSON.parse(readFileSync(join(repo, 'host.json'), 'utf8')) as { extensions?: { http?: { routePrefix?: string } } }
).extensions?.http?.routePrefix;

/** An Azure Functions route template ("api/grants/{id?}/{action?}") under host.json's prefix, as a pattern for documented paths. */
function routePattern(route: string): RegExp {
  const segments = [routePrefix ?? 'api', ...route.split('/')]
    .filter(Boolean)
    .map((s) => (s.endsWith('?}') ? '(?:/[^/]+)?' : `/${s.startsWith('{') ? '[^/]+' : s}`));
  return new RegExp(`^${segments.join('')}$`);
}

describe('docs/openapi.json', () => {
  it('is what npm run docs:openapi generates (run it after changing a route or a schema)', async () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(await renderOpenApiDocument());
  });

  it('is OpenAPI 3.1 and every $ref resolves', () => {
    expect(doc.openapi).toBe('3.1.0');
    const text = readFileSync(OPENAPI_FILE, 'utf8');
    const refs = [...text.matchAll(/"\$ref": "#\/([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(refs.length).toBeGreaterThan(10);
    const resolvable = (pointer: string) =>
      pointer.split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
    expect(refs.filter((r) => resolvable(r) === undefined)).toEqual([]);
  });

  it('lists every route of the grant, evidence and doctor handlers, with the app roles the grant routes accept', () => {
    for (const { key, roles } of GRANT_ROUTES) {
      const [method = '', shape = ''] = key.split(' ');
      expect(operations, key).toContainEqual({ path: grantPath(shape), method, roles: [...roles] });
    }
    for (const name of EVIDENCE_ROUTES)
      expect(operations).toContainEqual({ path: `/api/evidence/${name}`, method: 'GET', roles: ['Audit.Read'] });
    expect(operations).toContainEqual({ path: '/api/doctor', method: 'GET', roles: ['Audit.Read'] });
    expect(operations).toHaveLength(GRANT_ROUTES.length + EVIDENCE_ROUTES.length + 1);
  });

  it('documents only what the registered HTTP functions route to their handlers', async () => {
    const httpFunctions = readdirSync(join(repo, 'functions'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .filter((e) => readFileSync(join(repo, 'functions', e.name, 'index.ts'), 'utf8').includes('app.http('))
      .map((e) => e.name)
      .sort();
    // webApp serves the web app's pages, not the API (docs/web.md).
    expect(httpFunctions).toEqual(['auditExport', 'doctor', 'grantRequest', 'webApp']);
    await import('../../functions/auditExport/index.js');
    await import('../../functions/doctor/index.js');
    await import('../../functions/grantRequest/index.js');
    const routes = [...registered.values()];
    for (const { path, method } of operations) {
      const route = routes.find((r) => routePattern(r.route).test(path.replace('{id}', 'x')));
      expect(route, `${method} ${path} is registered`).toBeDefined();
      expect(route?.methods, `${method} ${path}`).toContain(method);
      // The handler routes it: the caller is asked who they are (401), not told the route does not exist.
      expect((await call(method, path)).status, `${method} ${path}`).toBe(401);
    }
  });

  it('leaves out no method the handlers answer on a documented path', async () => {
    for (const path of Object.keys(doc.paths)) {
      const documented = new Set(operations.filter((o) => o.path === path).map((o) => o.method));
      for (const method of ['GET', 'POST'].filter((m) => !documented.has(m)))
        expect([404, 405], `${method} ${path}`).toContain((await call(method, path)).status);
    }
  });
});
