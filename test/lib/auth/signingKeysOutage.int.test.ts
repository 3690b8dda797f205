/**
 * When the issuer's keys cannot be read, a valid token is not a bad token: both HTTP APIs answer 503
 * with Retry-After (not 401) and log the outage, and recover once the keys are back.
 */
import { randomUUID } from 'node:crypto';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../lib/auth/authenticator.js';
import { createEvidenceHttpHandler } from '../../../lib/triggers/evidenceHttpHandler.js';
import { startGrantApi, USERS, type GrantApi } from '../../support/grantApi.js';
import type { KeyFault } from '../../support/tokens.js';

let api: GrantApi;

beforeAll(async () => {
  api = await startGrantApi();
});
afterAll(() => api.stop());

describe('signing keys unavailable', () => {
  it.each([
    ['keys', 'status-500'],
    ['metadata', 'bad-json'],
  ] as ['keys' | 'metadata', KeyFault][])(
    'the grant API answers 503 with Retry-After when the %s answer %s, logs it, and writes nothing',
    async (target, fault) => {
      // A fresh handler has read no keys yet.
      const fresh = await startGrantApi();
      try {
        fresh.issuer.fault(target, fault);
        const logs: string[] = [];
        const res = await fresh.call('POST', '', {
          as: USERS.megan,
          body: { principal: 'adelev@contoso.onmicrosoft.com', duration: 'PT8H', justification: 'x', ticket: 'T-1' },
          logs,
        });
        expect(res.status, res.text).toBe(503);
        expect(res.headers.get('retry-after')).toBe('30');
        expect(res.body.type).toBe('urn:mie-watchdog:problem:signing-keys-unavailable');
        expect(res.body.detail).not.toMatch(/not a valid token/);
        expect(logs.join('\n')).toMatch(/^error: Grant API POST \/api\/grants: The .* answered|is not JSON/m);
        expect(await fresh.runtime.store.grants.list()).toEqual([]);
        fresh.issuer.fault(target, undefined);
        expect((await fresh.call('GET', '', { as: USERS.megan })).status).toBe(200);
      } finally {
        await fresh.stop();
      }
    },
  );

  it('the evidence API answers 503 with Retry-After too, and logs it', async () => {
    api.issuer.fault('keys', 'status-500');
    try {
      const handler = createEvidenceHttpHandler({
        deps: () => {
          throw new Error('no evidence is read before the caller is known');
        },
        authenticate: createAuthenticator(api.runtime.config.auth, api.clock),
      });
      const logs: string[] = [];
      const token = await api.issuer.token(USERS.auditor);
      const request = new HttpRequest({
        method: 'GET',
        url: 'http://localhost:7071/api/evidence/verify',
        headers: { authorization: `Bearer ${token}` },
      });
      const context = new InvocationContext({
        invocationId: randomUUID(),
        functionName: 'auditExport',
        logHandler: (level, ...args) => void logs.push(`${level}: ${args.map(String).join(' ')}`),
      });
      const response = await handler(request, context);
      expect(response.status).toBe(503);
      expect(new Headers(response.headers as Record<string, string>).get('retry-after')).toBe('30');
      expect(logs.join('\n')).toMatch(
        /^error: Evidence API GET \/api\/evidence\/verify: The signing key set .* answered HTTP 500/m,
      );
    } finally {
      api.issuer.fault('keys', undefined);
    }
  });
});
