import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Grant } from '../../../lib/domain.js';
import { DOMAIN } from '../../../testkit/fixtures.js';
import { requestBody, startGrantApi, USERS, type GrantApi } from '../../support/grantApi.js';

let api: GrantApi;
let pending: Grant;
beforeAll(async () => {
  api = await startGrantApi();
  pending = (await api.call('POST', '', { as: USERS.grady, body: requestBody() })).body as unknown as Grant;
});
afterAll(() => api.stop());

const ID = () => pending.id;

describe('authentication (401)', () => {
  const routes: [string, () => string][] = [
    ['GET', () => ''],
    ['POST', () => ''],
    ['GET', () => `/${ID()}`],
    ['POST', () => `/${ID()}/approve`],
    ['POST', () => `/${ID()}/deny`],
    ['POST', () => `/${ID()}/cancel`],
    ['POST', () => `/${ID()}/extend`],
    ['POST', () => `/${ID()}/release`],
    ['POST', () => '/adopt'],
  ];
  it.each(routes)('%s %s without a token is 401 problem+json with WWW-Authenticate', async (method, path) => {
    const res = await api.call(method, path(), { as: null, body: {} });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(res.body).toMatchObject({ status: 401, title: 'Authentication required' });
  });

  it('a token from a foreign key is 401 too', async () => {
    const res = await api.call('GET', '', {
      as: null,
      headers: { authorization: `Bearer ${await api.issuer.foreignToken(USERS.lidia)}` },
    });
    expect(res.status).toBe(401);
  });
});

describe('app roles (403)', () => {
  const cases: [string, string, () => string, (typeof USERS)[keyof typeof USERS], string][] = [
    ['list without any role', 'GET', () => '', USERS.nobody, 'Grant.Request'],
    ['get without any role', 'GET', () => `/${ID()}`, USERS.nobody, 'Grant.Request'],
    ['request as an approver only', 'POST', () => '', USERS.lidia, 'Grant.Request'],
    ['request as an auditor', 'POST', () => '', USERS.auditor, 'Grant.Request'],
    ['approve as a requester', 'POST', () => `/${ID()}/approve`, USERS.megan, 'Grant.Approve'],
    ['deny as a requester', 'POST', () => `/${ID()}/deny`, USERS.megan, 'Grant.Approve'],
    ['approve as an auditor', 'POST', () => `/${ID()}/approve`, USERS.auditor, 'Grant.Approve'],
    ['adopt as a requester', 'POST', () => '/adopt', USERS.megan, 'Grant.Approve'],
    ['extend as an approver only', 'POST', () => `/${ID()}/extend`, USERS.lidia, 'Grant.Request'],
    ['cancel as an auditor', 'POST', () => `/${ID()}/cancel`, USERS.auditor, 'Grant.Request'],
    ['release as an auditor', 'POST', () => `/${ID()}/release`, USERS.auditor, 'Grant.Request'],
  ];
  it.each(cases)('%s is 403 naming the role', async (_name, method, path, as, role) => {
    const res = await api.call(method, path(), { as, body: {} });
    expect(res.status, res.text).toBe(403);
    expect(res.body).toMatchObject({ title: 'Missing app role', role });
    expect(res.body.detail).toContain(role);
  });
});

describe('grant policy (403)', () => {
  it('the requester cannot approve or deny their own request, even holding Grant.Approve', async () => {
    for (const action of ['approve', 'deny']) {
      const res = await api.call('POST', `/${ID()}/${action}`, { as: USERS.grady });
      expect(res.status, res.text).toBe(403);
      expect(res.body.type).toBe('urn:mie-watchdog:problem:self-approval');
      expect(res.body.detail).toMatch(/requested grant .* cannot decide on it/);
    }
  });

  it('the grantee cannot approve a request naming them', async () => {
    const forGrady = await api.call('POST', '', {
      as: USERS.megan,
      body: requestBody({ principal: `gradya@${DOMAIN}` }),
    });
    expect(forGrady.status, forGrady.text).toBe(201);
    const res = await api.call('POST', `/${forGrady.body.id as string}/approve`, { as: USERS.grady });
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/grantee/);
    expect((await api.grant(forGrady.body.id as string))?.status).toBe('pending');
  });

  it('only the requester or grantee may extend, only involved people or approvers may release', async () => {
    const approved = await api.call('POST', `/${ID()}/approve`, { as: USERS.lidia });
    expect(approved.status, approved.text).toBe(200);
    const stranger = { upn: `pattif@${DOMAIN}`, roles: ['Grant.Request'] };
    // A stranger's actions answer as for a grant that does not exist: nothing about it leaks.
    expect(
      (await api.call('POST', `/${ID()}/extend`, { as: stranger, body: { duration: 'PT1H', justification: 'x' } }))
        .status,
    ).toBe(404);
    expect((await api.call('POST', `/${ID()}/release`, { as: stranger })).status).toBe(404);
    expect(
      (
        await api.call('POST', `/${ID()}/extend`, {
          as: USERS.adele,
          body: { duration: 'PT1H', justification: 'more time' },
        })
      ).status,
    ).toBe(200);
    const selfExt = await api.call('POST', `/${ID()}/approve`, {
      as: { upn: `adelev@${DOMAIN}`, roles: ['Grant.Approve'] },
    });
    expect(selfExt.status).toBe(403);
  });
});
