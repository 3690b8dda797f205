/** HTTP trigger of the web app: the built pages and their sign-in settings (lib/triggers/webAppHandler.ts). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { loadConfig } from '../../lib/config.js';
import { createWebAppHandler, readWebFiles, type WebSignIn } from '../../lib/triggers/webAppHandler.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** dist/web of the app root (the folder with package.json), wherever this module was bundled to. */
function webRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'web');
}

function signIn(): WebSignIn | { problem: string } {
  const config = loadConfig(process.env, { api: true });
  const clientId = config.auth.audiences.find((a) => GUID.test(a));
  const authority = config.localSignInAuthority ?? config.auth.authority;
  if (!clientId || !config.auth.tenantId || !authority)
    return {
      problem:
        'Web sign-in is not configured: set WATCHDOG_AUTH_AUDIENCE to the app registration client id and WATCHDOG_AUTH_ISSUER to the tenant issuer (docs/web.md).',
    };
  return {
    clientId: clientId.toLowerCase(),
    tenantId: config.auth.tenantId,
    authority,
    grantDurations: { minMs: config.grants.minDurationMs, maxMs: config.grants.maxDurationMs },
  };
}

let files: ReturnType<typeof readWebFiles> | undefined;
let settings: ReturnType<typeof signIn> | undefined;
const handler = createWebAppHandler({
  files: () => (files ??= readWebFiles(webRoot())),
  signIn: () => (settings ??= signIn()),
});

export async function webApp(request: HttpRequest): Promise<HttpResponseInit> {
  return handler(request);
}

app.http('webApp', {
  methods: ['GET', 'HEAD'],
  authLevel: 'anonymous',
  // Every path the API's routes do not take (host.json routePrefix is empty, the API routes start with api/).
  route: '{*path}',
  handler: webApp,
});
