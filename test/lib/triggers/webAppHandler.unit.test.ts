import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { createWebAppHandler, readWebFiles } from '../../../lib/triggers/webAppHandler.js';

const root = mkdtempSync(join(tmpdir(), 'web-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
writeFileSync(join(root, 'redirect.html'), '<!doctype html><title>Signing in</title>');
writeFileSync(join(root, 'assets', 'app-ABC.js'), 'console.log(1)');
writeFileSync(join(root, 'assets', 'app-ABC.js.gz'), gzipSync('console.log(1)'));

const signIn = {
  clientId: '9d3b6f0e-2a4c-4e7b-8f1a-5c6d7e8f9a0b',
  tenantId: '4f1c2a7e-0d55-4b7a-9a3e-6c2d1e0f9b11',
  authority: 'https://login.microsoftonline.com',
  grantDurations: { minMs: 3_600_000, maxMs: 86_400_000 },
};
const handler = createWebAppHandler({ files: () => readWebFiles(root), signIn: () => signIn });
const get = (path: string, headers: Record<string, string> = {}) =>
  handler(new HttpRequest({ method: 'GET', url: `https://app.example${path}`, headers }));
const header = (r: Awaited<ReturnType<typeof get>>, name: string) =>
  (r.headers as Record<string, string> | undefined)?.[name];

describe('the web app handler', () => {
  it('serves hashed assets for a year, gzipped when accepted, and pages revalidated, all under a strict CSP', async () => {
    const asset = await get('/assets/app-ABC.js', { 'accept-encoding': 'gzip, br' });
    expect(asset.status).toBe(200);
    expect(header(asset, 'cache-control')).toBe('public, max-age=31536000, immutable');
    expect(header(asset, 'content-encoding')).toBe('gzip');
    const page = await get('/grants/0b6f1f6e-3c1d-4d62-9d1f-4f2c8a1e7b55');
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain('<title>app</title>');
    expect(header(page, 'cache-control')).toBe('no-cache');
    expect(String((await get('/redirect')).body)).toContain('Signing in');
    const csp = header(page, 'content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("connect-src 'self' https://login.microsoftonline.com");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("frame-src 'self' https://login.microsoftonline.com");
    // MSAL's hidden renewal frame ends on the redirect page and must be able to read its answer there.
    expect(header(await get('/redirect'), 'content-security-policy')).toContain("frame-ancestors 'self'");
  });

  it('answers 404 for a missing asset or file and for API paths no function serves', async () => {
    expect((await get('/assets/app-OLD.js')).status).toBe(404);
    expect((await get('/favicon.ico')).status).toBe(404);
    expect((await get('/api/nothing')).status).toBe(404);
  });

  it('gives the page its sign-in settings, or says which settings are missing', async () => {
    const config = await get('/app-config.json');
    expect(JSON.parse(String(config.body))).toEqual({
      clientId: signIn.clientId,
      authority: `https://login.microsoftonline.com/${signIn.tenantId}`,
      knownAuthorities: ['login.microsoftonline.com'],
      scopes: [`api://${signIn.clientId}/access_as_user`],
      grantDurations: signIn.grantDurations,
    });
    const unset = createWebAppHandler({ files: () => readWebFiles(root), signIn: () => ({ problem: 'set it' }) });
    const answer = await unset(new HttpRequest({ method: 'GET', url: 'https://app.example/app-config.json' }));
    expect(answer.status).toBe(503);
    expect(JSON.parse(String(answer.body))).toEqual({ problem: 'set it' });
  });
});
