/**
 * The local web stack behind `mie-watchdog serve`: Azurite, the tenant emulator and the Function App's HTTP
 * functions on one HTTPS origin. HTTPS because @azure/msal-browser only signs in against an https authority:
 * the origin also passes the tenant's sign-in endpoints (`/{tenant-id}/...`) on to the emulator, so the browser
 * signs in, and the functions verify tokens, exactly as against Entra ID (the functions read the emulator's
 * OpenID configuration and keys directly, through WATCHDOG_AUTH_AUTHORITY). The certificate is self-signed
 * and made for each run.
 */
import { existsSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { generate } from 'selfsigned';
import { offsetClock } from '../../lib/clock.js';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { startAzurite } from './azurite.js';
import { createFunctionHost, type FunctionHost, type Functions } from './functionHost.js';
import { installFunctionsCore } from './functionsCore.js';
import { localEnv } from './localEnv.js';

export interface WebStackOptions {
  /** 0 takes a free port. */
  port: number;
  /** Where the stack's clock starts (WATCHDOG_LOCAL_CLOCK of the functions); default now. */
  clockStart?: Date;
  log?: (line: string) => void;
}

export interface WebStack {
  /** https://127.0.0.1:PORT (no trailing slash). */
  url: string;
  emulator: RunningEmulator;
  /** The functions' clock (WATCHDOG_LOCAL_CLOCK, running at real speed). */
  now(): Date;
  /** Moves the tenant's clock (and so the times its tokens carry) against the functions' clock. */
  skewTenantClock(ms: number): void;
  functions: FunctionHost['routes'];
  stop(): Promise<void>;
}

/** The repository root (the folder with package.json), from the source or the built CLI alike. */
function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

async function certificate(): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: 'mie-watchdog local' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** Passes a request on to the emulator, saying where the browser reached it (its discovery document links back here). */
function proxy(emulator: RunningEmulator, req: IncomingMessage, res: ServerResponse, host: string): void {
  const upstream = httpRequest(
    `${emulator.url}${req.url ?? '/'}`,
    { method: req.method, headers: { ...req.headers, 'x-forwarded-proto': 'https', 'x-forwarded-host': host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end('The tenant emulator did not answer.');
  });
  req.pipe(upstream);
}

export async function startWebStack(options: WebStackOptions): Promise<WebStack> {
  const repo = repoRoot();
  if (!existsSync(join(repo, 'dist', 'web', 'index.html')))
    throw new Error('the web app is not built: run `npm run build` first (`npm run serve` builds on its own).');
  const log = options.log ?? (() => undefined);
  const start = options.clockStart ?? new Date();
  const base = offsetClock(start);
  let skewMs = 0;
  const tenantClock = { now: () => new Date(base.now().getTime() + skewMs) };
  const [azurite, emulator, tls] = await Promise.all([
    startAzurite(),
    startEmulator({ clock: tenantClock }),
    certificate(),
  ]);
  let server: Server | undefined;
  try {
    server = createServer(tls);
    await new Promise<void>((done, fail) => {
      server?.once('error', fail);
      server?.listen(options.port, '127.0.0.1', () => done());
    });
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(
      process.env,
      localEnv({
        emulator,
        storageConnectionString: azurite.connectionString,
        channels: true,
        overrides: { WATCHDOG_LOCAL_CLOCK: start.toISOString(), WATCHDOG_LOCAL_SIGN_IN_AUTHORITY: url },
      }),
    );
    const registrations = installFunctionsCore();
    await import('../../functions/index.js');
    // A CommonJS package: its classes may only be on the default export when imported from ESM.
    const loaded = (await import('@azure/functions')) as Functions & { default?: Functions };
    const host = createFunctionHost(loaded.default ?? loaded, registrations, {
      hostJson: join(repo, 'host.json'),
      log,
    });
    const tenantPath = `/${emulator.state.tenantId}/`;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if ((req.url ?? '').startsWith(tenantPath)) return proxy(emulator, req, res, req.headers.host ?? '');
      host.handle(req, res, url).then(
        (handled) => {
          if (!handled) res.writeHead(404, { 'content-type': 'text/plain' }).end('No function serves this path.');
        },
        (error: unknown) => {
          log(`request failed: ${error instanceof Error ? error.message : String(error)}`);
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end();
        },
      );
    });
    const running = server;
    return {
      url,
      emulator,
      functions: host.routes,
      now: () => base.now(),
      skewTenantClock(ms) {
        skewMs += ms;
      },
      async stop() {
        await new Promise<void>((done) => {
          running.close(() => done());
          running.closeAllConnections();
        });
        await Promise.all([emulator.stop(), azurite.stop()]);
      },
    };
  } catch (error) {
    server?.close();
    await Promise.all([emulator.stop(), azurite.stop()]);
    throw error;
  }
}
