import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Grant } from '../../lib/domain.js';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';
import { startTestIssuer, type TestIssuer } from '../support/tokens.js';

/** The function module as the host loads it: settings from the environment, the system clock. */
let rt: TestRuntime;
let issuer: TestIssuer;
let grantRequest: (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

beforeAll(async () => {
  rt = await startTestRuntime();
  issuer = await startTestIssuer(() => new Date());
  Object.assign(process.env, rt.env, {
    ...issuer.settings,
    WATCHDOG_APPROVER_RECIPIENTS: 'security-approvers@contoso.onmicrosoft.com',
  });
  ({ grantRequest } = await import('../../functions/grantRequest/index.js'));
});
afterAll(async () => {
  await issuer.stop();
  await rt.stop();
});

async function invoke(method: string, path: string, as: { upn: string; roles: string[] }, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${await issuer.token(as)}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const request = new HttpRequest({
    method,
    url: `http://localhost/api/grants${path}`,
    headers,
    body: body === undefined ? undefined : { string: JSON.stringify(body) },
  });
  const response = await grantRequest(
    request,
    new InvocationContext({ invocationId: 'test', functionName: 'grantRequest' }),
  );
  return { status: response.status, body: JSON.parse(String(response.body)) as Record<string, unknown> };
}

describe('functions/grantRequest exported handler', () => {
  it('requests and approves through the registered function with settings from the environment', async () => {
    const megan = { upn: 'meganb@contoso.onmicrosoft.com', roles: ['Grant.Request'] };
    const created = await invoke('POST', '', megan, {
      principal: 'johannal@contoso.onmicrosoft.com',
      duration: 'PT2H',
      justification: 'mailbox move',
      ticket: 'CHG-77',
    });
    expect(created.status).toBe(201);
    const approved = await invoke('POST', `/${created.body.id as string}/approve`, {
      upn: 'lidiah@contoso.onmicrosoft.com',
      roles: ['Grant.Approve'],
    });
    expect(approved.status).toBe(200);
    expect((approved.body as unknown as Grant).status).toBe('active');
    expect(rt.emulator.calls.count({ api: 'exchange', name: 'New-ManagementRoleAssignment' })).toBe(1);
    const denied = await invoke('GET', '', { upn: 'x@contoso.onmicrosoft.com', roles: [] });
    expect(denied.status).toBe(403);
  });
});
