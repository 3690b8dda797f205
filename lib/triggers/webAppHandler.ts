/**
 * The web app, served by the Function App itself: the files esbuild built into dist/web (scripts/build.mjs), the
 * sign-in settings the page needs (/app-config.json), MSAL's redirect page (/redirect), and index.html for every other page path so that links
 * such as /grants/{id} open the app. Hashed assets are cached for a year, the rest revalidated; every answer
 * carries a strict Content-Security-Policy: scripts and styles from this origin only, no inline script, and
 * the only other origin the login endpoint (MSAL's token requests and its hidden sign-in renewal frame).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';

export interface WebSignIn {
  /** The app registration's client id: the SPA and the API share one registration. */
  clientId: string;
  tenantId: string;
  /** Login endpoint, e.g. https://login.microsoftonline.com. */
  authority: string;
  /** The allowed grant durations (WATCHDOG_GRANT_MIN_DURATION, WATCHDOG_GRANT_MAX_DURATION), shown on the request form. */
  grantDurations: { minMs: number; maxMs: number };
}

export type WebAppHandler = (request: HttpRequest) => Promise<HttpResponseInit>;

interface StaticFile {
  body: Buffer;
  gzip?: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

/** Every built file by its path from the root, with its precompressed .gz beside it when the build made one. */
export function readWebFiles(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!entry.name.endsWith('.gz')) {
        const ext = entry.name.slice(entry.name.lastIndexOf('.'));
        let gzip: Buffer | undefined;
        try {
          gzip = readFileSync(`${path}.gz`);
        } catch {
          gzip = undefined;
        }
        files.set(relative(root, path).split(sep).join('/'), {
          body: readFileSync(path),
          gzip,
          type: TYPES[ext] ?? 'application/octet-stream',
        });
      }
    }
  };
  walk(root);
  return files;
}

/**
 * `framedBy`: who may frame the page. Only the redirect page may be framed, by the app itself: MSAL's hidden
 * renewal frame starts at the login endpoint and ends there with the answer (login_required, say), which MSAL
 * reads from the frame; with `frame-ancestors 'none'` that answer never arrives and the renewal times out.
 */
export function contentSecurityPolicy(authority: string, framedBy: "'none'" | "'self'" = "'none'"): string {
  const login = new URL(authority).origin;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${login}`,
    // The renewal frame goes to the login endpoint and is redirected back here.
    `frame-src 'self' ${login}`,
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${framedBy}`,
  ].join('; ');
}

const notFound = (path: string): HttpResponseInit => ({
  status: 404,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  body: `Nothing is served at /${path}.`,
});

export function createWebAppHandler(options: {
  files: () => Map<string, StaticFile>;
  signIn: () => WebSignIn | { problem: string };
}): WebAppHandler {
  return async (request) => {
    const path = new URL(request.url).pathname.replace(/^\/+/, '');
    const signIn = options.signIn();
    const common = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': contentSecurityPolicy(
        'problem' in signIn ? 'https://login.microsoftonline.com' : signIn.authority,
        path === 'redirect' ? "'self'" : "'none'",
      ),
    };
    // An API path no function serves is the API's 404, never the app's page.
    if (path === 'api' || path.startsWith('api/')) return notFound(path);
    if (path === 'app-config.json') {
      const body =
        'problem' in signIn
          ? { problem: signIn.problem }
          : {
              clientId: signIn.clientId,
              authority: `${signIn.authority.replace(/\/+$/, '')}/${signIn.tenantId}`,
              knownAuthorities: [new URL(signIn.authority).host],
              scopes: [`api://${signIn.clientId}/access_as_user`],
              grantDurations: signIn.grantDurations,
            };
      return {
        status: 'problem' in signIn ? 503 : 200,
        headers: { ...common, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
        body: JSON.stringify(body),
      };
    }
    const files = options.files();
    const asset = path.startsWith('assets/') ? files.get(path) : undefined;
    if (path.startsWith('assets/') && !asset) return notFound(path);
    // /redirect is MSAL's redirect bridge; a path with a file extension that is not a built file is a missing
    // file; any other path is a page of the app.
    const page = path === 'redirect' ? 'redirect.html' : /\.[a-z0-9]+$/i.test(path) ? path : 'index.html';
    const file = asset ?? files.get(page);
    if (!file) return notFound(path);
    const gzip = file.gzip && /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
    return {
      status: 200,
      headers: {
        ...common,
        'content-type': file.type,
        // Asset names carry their content hash: a new build has new names.
        'cache-control': asset ? 'public, max-age=31536000, immutable' : 'no-cache',
        vary: 'accept-encoding',
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      },
      body: gzip ? file.gzip : file.body,
    };
  };
}
