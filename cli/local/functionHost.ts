/**
 * A small local Functions host for the HTTP functions: routes a node:http request to the function whose route
 * template matches (host.json's routePrefix, `{name}`, `{name?}` and `{*rest}` segments, literal segments
 * before parameters as ASP.NET routing orders them), builds the HttpRequest the host would, calls the registered
 * handler unchanged, and writes its HttpResponse back, streaming its body.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type * as AzureFunctions from '@azure/functions';
import type { Registration } from './functionsCore.js';

export type Functions = typeof AzureFunctions;

interface Route {
  name: string;
  methods: Set<string>;
  segments: string[];
  handler: Registration['handler'];
}

export interface FunctionHost {
  /** False when no function's route matches (the caller answers 404). */
  handle(req: IncomingMessage, res: ServerResponse, origin: string): Promise<boolean>;
  routes: readonly { name: string; route: string; methods: string[] }[];
}

function routePrefix(hostJsonPath: string): string {
  const host = JSON.parse(readFileSync(hostJsonPath, 'utf8')) as { extensions?: { http?: { routePrefix?: string } } };
  return host.extensions?.http?.routePrefix ?? 'api';
}

/** Literal segments first, catch-alls last. */
function specificity(route: Route): number {
  return route.segments.reduce((n, s) => n * 4 + (s.startsWith('{*') ? 0 : s.startsWith('{') ? 1 : 2), 1);
}

function match(route: Route, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const segment = route.segments[i] ?? '';
    const part = parts[i];
    const param = /^\{(\*)?([A-Za-z0-9_]+)(?::[^}?]+)?(\?)?\}$/.exec(segment);
    if (!param) {
      if (part?.toLowerCase() !== segment.toLowerCase()) return undefined;
      continue;
    }
    const [, rest, name = '', optional] = param;
    if (rest) {
      params[name] = parts.slice(i).join('/');
      return params;
    }
    if (part === undefined) {
      if (!optional) return undefined;
      continue;
    }
    params[name] = decodeURIComponent(part);
  }
  return parts.length <= route.segments.length ? params : undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createFunctionHost(
  functions: Functions,
  registrations: readonly Registration[],
  options: { hostJson: string; log: (line: string) => void },
): FunctionHost {
  const prefix = routePrefix(options.hostJson);
  const routes: Route[] = registrations.flatMap((r) => {
    const trigger = Object.values(r.bindings).find((b) => b.type === 'httpTrigger');
    if (!trigger) return [];
    const template = [prefix, trigger.route ?? r.name].filter(Boolean).join('/');
    return [
      {
        name: r.name,
        methods: new Set((trigger.methods ?? ['GET', 'POST']).map((m) => m.toUpperCase())),
        segments: template.split('/').filter(Boolean),
        handler: r.handler,
      },
    ];
  });
  routes.sort((a, b) => specificity(b) - specificity(a));

  return {
    routes: routes.map((r) => ({ name: r.name, route: r.segments.join('/'), methods: [...r.methods] })),
    async handle(req, res, origin) {
      const url = new URL(req.url ?? '/', origin);
      const parts = url.pathname.split('/').filter(Boolean);
      const method = (req.method ?? 'GET').toUpperCase();
      let found: { route: Route; params: Record<string, string> } | undefined;
      for (const route of routes) {
        const params = route.methods.has(method) ? match(route, parts) : undefined;
        if (params) {
          found = { route, params };
          break;
        }
      }
      if (!found) return false;
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const request = new functions.HttpRequest({
        method,
        url: url.toString(),
        headers,
        params: found.params,
        ...(body.length ? { body: { bytes: body } } : {}),
      });
      const context = new functions.InvocationContext({
        invocationId: randomUUID(),
        functionName: found.route.name,
        logHandler: (level, ...args) => {
          if (level === 'error' || level === 'warning')
            options.log(`${found.route.name} ${level}: ${args.map(String).join(' ')}`);
        },
      });
      const result = await found.route.handler(request, context);
      const response =
        result instanceof functions.HttpResponse
          ? result
          : new functions.HttpResponse(result as ConstructorParameters<Functions['HttpResponse']>[0]);
      const out: Record<string, string> = {};
      response.headers.forEach((value, key) => {
        out[key] = value;
      });
      res.writeHead(response.status, out);
      if (response.body && method !== 'HEAD') Readable.fromWeb(response.body).pipe(res);
      else res.end();
      return true;
    },
  };
}
