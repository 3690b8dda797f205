/**
 * Four eyes hold whatever the UPN claim says: the same object id under a renamed UPN or a look-alike
 * spelling of it is the same person (through the real handler, with signed tokens). The command line,
 * which names people by free-text UPN, resolves them to the same object ids. A 409 for a person who
 * already has an open grant names that grant only to a caller who may see it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGrant } from '../../../cli/grant.js';
import { MIE_ROLE, type Grant } from '../../../lib/domain.js';
import { ASSIGNMENTS } from '../../../emulator/scenarios/forgottenMigrations.js';
import { captureIo } from '../../../testkit/captureIo.js';
import { DOMAIN } from '../../../testkit/fixtures.js';
import { grantRequestArgs } from '../../support/cliFlags.js';
import { requestBody, startGrantApi, USERS, type GrantApi } from '../../support/grantApi.js';
import { oidOf, TEST_TENANT_ID, type TokenUser } from '../../support/tokens.js';

let api: GrantApi;
beforeAll(async () => {
  api = await startGrantApi();
});
afterAll(() => api.stop());

const GRADY = USERS.grady.upn;
/** Grady's token with another name claim: same object id, Grant.Approve. */
const gradyAs = (upn: string) => ({ upn, oid: oidOf(GRADY), roles: ['Grant.Request', 'Grant.Approve'] });

async function requestAs(as: TokenUser, principal: string): Promise<string> {
  const res = await api.call('POST', '', { as, body: requestBody({ principal }) });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

async function close(id: string): Promise<void> {
  expect((await api.call('POST', `/${id}/cancel`, { as: USERS.lidia })).status).toBe(200);
}

describe('four eyes by object id (HTTP, signed tokens)', () => {
  it('records the requester by object id and tenant', async () => {
    const id = await requestAs(USERS.grady, `adelev@${DOMAIN}`);
    expect(await api.grant(id)).toMatchObject({
      requestedBy: GRADY,
      requestedById: oidOf(GRADY),
      requestedByTenantId: TEST_TENANT_ID,
    });
    await close(id);
  });

  it.each([
    ['a renamed UPN', 'grady.archie@contoso.onmicrosoft.com', 403],
    ['a leading space', ` ${GRADY}`, 403],
    ['fullwidth letters', 'ｇｒａｄｙａ@contoso.onmicrosoft.com', 403],
    ['an accented look-alike', 'grádya@contoso.onmicrosoft.com', 403],
    ['a zero-width space', 'grad\u200bya@contoso.onmicrosoft.com', 401],
    ['a trailing NUL', `${GRADY}\u0000`, 401],
  ])('the requester under %s can neither approve nor deny her own request', async (_name, spelling, status) => {
    const id = await requestAs(USERS.grady, `adelev@${DOMAIN}`);
    for (const action of ['approve', 'deny']) {
      const res = await api.call('POST', `/${id}/${action}`, { as: gradyAs(spelling) });
      expect(res.status, res.text).toBe(status);
      if (status === 403) expect(res.body.type).toBe('urn:mie-watchdog:problem:self-approval');
    }
    expect((await api.grant(id))?.status).toBe('pending');
    expect((await api.journal()).filter((e) => e.subject === id).map((e) => e.type)).toEqual(['grant.requested']);
    await close(id);
  });

  it('a renamed requester cannot approve the extension of her own grant, and the extension records who asked by object id', async () => {
    const id = await requestAs(USERS.grady, `adelev@${DOMAIN}`);
    expect((await api.call('POST', `/${id}/approve`, { as: USERS.lidia })).status).toBe(200);
    const ext = await api.call('POST', `/${id}/extend`, {
      as: USERS.grady,
      body: { duration: 'PT2H', justification: 'one more batch' },
    });
    expect(ext.status, ext.text).toBe(200);
    expect((await api.grant(id))?.extension).toMatchObject({
      requestedBy: GRADY,
      requestedById: oidOf(GRADY),
      requestedByTenantId: TEST_TENANT_ID,
    });
    const self = await api.call('POST', `/${id}/approve`, { as: gradyAs('grady.archie@contoso.onmicrosoft.com') });
    expect(self.status, self.text).toBe(403);
    expect(self.body.detail).toMatch(/requested the extension/);
    expect((await api.grant(id))?.extension).toBeDefined();
    expect((await api.call('POST', `/${id}/release`, { as: USERS.lidia })).status).toBe(200);
  });

  it('the holder of an assignment cannot adopt it under a renamed UPN', async () => {
    const alex = {
      upn: 'alex.wilber@contoso.onmicrosoft.com',
      oid: oidOf(`alexw@${DOMAIN}`),
      roles: ['Grant.Approve'],
    };
    const res = await api.call('POST', '/adopt', {
      as: alex,
      body: { assignmentGuid: ASSIGNMENTS.alexw.guid, duration: 'P2D', justification: 'wave 2', ticket: 'CHG-3' },
    });
    expect(res.status, res.text).toBe(403);
    expect(res.body.type).toBe('urn:mie-watchdog:problem:self-approval');
  });

  it('a grant row written before object ids were recorded still loads, and its requester is still recognised by UPN', async () => {
    const old = await api.runtime.store.grants.create({
      id: '7a1d5e2c-3b4f-4c6d-8e9f-0a1b2c3d4e5f',
      principal: `adelev@${DOMAIN}`,
      role: MIE_ROLE,
      status: 'pending',
      method: 'direct',
      requestedBy: GRADY,
      requestedAt: api.clock.now().toISOString(),
      justification: 'written by an earlier version',
      ticket: 'CHG-OLD',
      durationMs: 8 * 3_600_000,
    });
    const seen = await api.call('GET', `/${old.id}`, { as: USERS.grady });
    expect(seen.status, seen.text).toBe(200);
    expect(seen.body.requestedById).toBeUndefined();
    expect((await api.call('POST', `/${old.id}/approve`, { as: gradyAs(GRADY.toUpperCase()) })).status).toBe(403);
    expect((await api.call('POST', `/${old.id}/cancel`, { as: USERS.lidia })).status).toBe(200);
  });
});

describe('the command line compares by object id too', () => {
  const cli = async (args: string[]) => {
    const io = captureIo();
    const code = await runGrant(args, io, () => api.runtime);
    return { code, io };
  };

  it('resolves --requester through the directory, so a renamed token of the same person cannot approve over HTTP', async () => {
    const made = await cli([
      ...grantRequestArgs({ justification: 'x', ticket: 'T-9', requester: ` GradyA@${DOMAIN}` }),
      '--json',
    ]);
    expect(made.code, made.io.stderr).toBe(0);
    const grant = (JSON.parse(made.io.stdout) as { grant: Grant }).grant;
    expect(grant).toMatchObject({ requestedBy: GRADY, requestedById: oidOf(GRADY) });
    const res = await api.call('POST', `/${grant.id}/approve`, { as: gradyAs('grady.archie@contoso.onmicrosoft.com') });
    expect(res.status, res.text).toBe(403);
    const self = await cli(['approve', grant.id, '--approver', `ｇｒａｄｙａ@${DOMAIN}`]);
    expect(self.code).toBe(1);
    expect(self.io.stderr).toMatch(/requested grant .* cannot decide on it/);
    await close(grant.id);
  });

  it('refuses a person the directory does not know, and a name with invisible characters', async () => {
    await expect(
      cli(['approve', '6d1f6b4e-2b7a-4c3e-9a51-0f2d3c4b5a69', '--approver', `nobody@${DOMAIN}`]),
    ).rejects.toThrow(/--approver 'nobody@contoso.onmicrosoft.com' is not a user in the directory/);
    await expect(
      cli(['approve', '6d1f6b4e-2b7a-4c3e-9a51-0f2d3c4b5a69', '--approver', `lidia\u200bh@${DOMAIN}`]),
    ).rejects.toThrow(/--approver must be a user principal name/);
  });
});

describe('409 for an open grant names it only to those who may see it', () => {
  it('a requester who may not see the open grant learns only that one exists', async () => {
    const id = await requestAs(USERS.megan, `adelev@${DOMAIN}`);
    const stranger = { upn: `pattif@${DOMAIN}`, roles: ['Grant.Request'] };
    const res = await api.call('POST', '', { as: stranger, body: requestBody({ principal: `adelev@${DOMAIN}` }) });
    expect(res.status, res.text).toBe(409);
    expect(res.body.detail).toMatch(/already has an open grant/);
    expect(res.text).not.toContain(id);
    expect(res.text).not.toMatch(/pending/);
    expect((await api.call('GET', `/${id}`, { as: stranger })).status).toBe(404);

    // The requester, and an approver who also requests, may see it: they are told which grant.
    for (const who of [USERS.megan, USERS.grady]) {
      const named = await api.call('POST', '', { as: who, body: requestBody({ principal: `adelev@${DOMAIN}` }) });
      expect(named.status).toBe(409);
      expect(named.body.detail).toContain(`grant ${id} (pending)`);
    }
    await close(id);
  });
});
