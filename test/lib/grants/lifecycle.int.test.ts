import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIE_ROLE, type Grant } from '../../../lib/domain.js';
import { activateDueGrants } from '../../../lib/grants/activateDueGrants.js';
import { grantAssignmentName } from '../../../lib/grants/grantAssignment.js';
import { DOMAIN } from '../../../testkit/fixtures.js';
import { requestBody, startGrantApi, USERS, type GrantApi } from '../../support/grantApi.js';

let api: GrantApi;
beforeAll(async () => {
  api = await startGrantApi();
});
afterAll(() => api.stop());

const upn = (local: string) => `${local}@${DOMAIN}`;
const mieAssignments = () => api.runtime.exchange.getRoleAssignments(MIE_ROLE);
const eventsOf = async (id: string) => (await api.journal()).filter((e) => e.subject === id).map((e) => e.type);
const emailsTo = (address: string) =>
  api.emulator.sentEmails().filter((m) => JSON.stringify(m).toLowerCase().includes(address));

async function requestFor(local: string, as = USERS.megan, extra: Record<string, unknown> = {}): Promise<Grant> {
  const res = await api.call('POST', '', { as, body: requestBody({ principal: upn(local), ...extra }) });
  expect(res.status, res.text).toBe(201);
  return res.body as unknown as Grant;
}

describe('grant lifecycle over HTTP (emulator + Azurite)', () => {
  it('request -> approve -> active with a real assignment -> extend -> approve extension -> release', async () => {
    const created = await api.call('POST', '', { body: requestBody() });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`/api/grants/${id}`);
    expect(created.body).toMatchObject({
      status: 'pending',
      principal: upn('adelev'),
      principalName: 'AdeleV',
      requestedBy: upn('meganb'),
      durationMs: 8 * 3_600_000,
      ticket: 'CHG-1042',
    });
    expect(created.body.etag).toBeUndefined();
    expect(emailsTo('security-approvers@contoso.onmicrosoft.com').length).toBeGreaterThan(0);

    const approved = await api.call('POST', `/${id}/approve`, { as: USERS.lidia });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'active',
      approvedBy: upn('lidiah'),
      assignmentName: grantAssignmentName(id),
      method: 'direct',
    });
    expect(approved.body.expiresAt).toBe('2026-11-02T17:00:00.000Z');
    expect(approved.body.note).toMatch(/60 minutes/);

    const assignment = (await mieAssignments()).find((a) => a.name === grantAssignmentName(id));
    expect(assignment).toMatchObject({
      guid: approved.body.assignmentGuid,
      roleAssigneeType: 'User',
      delegationType: 'Regular',
      enabled: true,
    });
    const adeleMail = emailsTo(upn('adelev'));
    expect(adeleMail.some((m) => JSON.stringify(m).includes('60 minutes'))).toBe(true);

    const extend = await api.call('POST', `/${id}/extend`, {
      as: USERS.megan,
      body: { duration: 'PT4H', justification: 'second batch of mailboxes' },
    });
    expect(extend.status, extend.text).toBe(200);
    expect(extend.body.extension).toMatchObject({ durationMs: 4 * 3_600_000, requestedBy: upn('meganb') });
    expect((await api.call('POST', `/${id}/approve`, { as: USERS.megan })).status).toBe(403);
    const extended = await api.call('POST', `/${id}/approve`, { as: USERS.patti });
    expect(extended.status, extended.text).toBe(200);
    expect(extended.body.expiresAt).toBe('2026-11-02T21:00:00.000Z');
    expect(extended.body.extension).toBeUndefined();

    api.clock.advance(3_600_000);
    const released = await api.call('POST', `/${id}/release`, { as: USERS.adele, body: { reason: 'export finished' } });
    expect(released.status, released.text).toBe(200);
    expect(released.body).toMatchObject({ status: 'released', endedBy: upn('adelev'), endReason: 'export finished' });
    expect((await mieAssignments()).some((a) => a.name === grantAssignmentName(id))).toBe(false);

    expect(await eventsOf(id)).toEqual([
      'grant.requested',
      'grant.approved',
      'grant.activated',
      'grant.extension-requested',
      'grant.extended',
      'grant.released',
    ]);
    const approvedEntry = (await api.journal()).find((e) => e.subject === id && e.type === 'grant.approved');
    expect(approvedEntry).toMatchObject({ actor: upn('lidiah'), data: { grant: { id, status: 'approved' } } });

    const again = await api.call('POST', `/${id}/approve`, { as: USERS.lidia });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toBe('application/problem+json');
  });

  it('deny with a reason: requester and grantee are told, the reason is escaped in HTML', async () => {
    const g = await requestFor('isaiahl');
    const denied = await api.call('POST', `/${g.id}/deny`, {
      as: USERS.lidia,
      body: { reason: 'use <b>eDiscovery</b> & not PST' },
    });
    expect(denied.status, denied.text).toBe(200);
    expect(denied.body).toMatchObject({
      status: 'denied',
      deniedBy: upn('lidiah'),
      denyReason: 'use <b>eDiscovery</b> & not PST',
    });
    const mail = emailsTo(upn('isaiahl'))
      .map((m) => JSON.stringify(m))
      .join('\n');
    expect(mail).toContain('&lt;b&gt;eDiscovery&lt;/b&gt; &amp; not PST');
    expect(await eventsOf(g.id)).toEqual(['grant.requested', 'grant.denied']);
    expect((await api.journal()).find((e) => e.subject === g.id && e.type === 'grant.denied')?.reason).toBe(
      'use <b>eDiscovery</b> & not PST',
    );
  });

  it('cancel by the requester; nobody else without the approver role', async () => {
    const g = await requestFor('lidiah');
    // Someone not involved, without the approver role, cannot even learn that the grant exists.
    expect((await api.call('POST', `/${g.id}/cancel`, { as: USERS.adele })).status).toBe(404);
    const cancelled = await api.call('POST', `/${g.id}/cancel`, { as: USERS.megan, body: { reason: 'not needed' } });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await api.call('POST', `/${g.id}/approve`, { as: USERS.patti })).status).toBe(409);
  });

  it('a future start stays approved until activateDueGrants runs after the start', async () => {
    const g = await requestFor('meganb', USERS.grady, { start: '2026-11-03T08:00:00Z', duration: 'PT2H' });
    const approved = await api.call('POST', `/${g.id}/approve`, { as: USERS.lidia });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect((await mieAssignments()).some((a) => a.name === grantAssignmentName(g.id))).toBe(false);

    expect((await activateDueGrants(api.runtime)).activated).toEqual([]);
    api.clock.set('2026-11-03T08:01:00Z');
    const run = await activateDueGrants(api.runtime);
    expect(run.activated.map((x) => x.id)).toEqual([g.id]);
    expect(run.activated[0]).toMatchObject({ status: 'active', expiresAt: '2026-11-03T10:01:00.000Z' });
    expect((await mieAssignments()).filter((a) => a.name === grantAssignmentName(g.id))).toHaveLength(1);
    expect((await activateDueGrants(api.runtime)).activated).toEqual([]);
    expect(await eventsOf(g.id)).toEqual(['grant.requested', 'grant.approved', 'grant.activated']);
    expect((await api.journal()).find((e) => e.subject === g.id && e.type === 'grant.activated')?.actor).toBe(
      'watchdog',
    );
    api.clock.set('2026-11-02T09:00:00Z');
  });

  it('approval is idempotent on Exchange: an assignment left by a crashed attempt is reused, not duplicated', async () => {
    const g = await requestFor('gradya');
    const leftover = await api.runtime.exchange.newRoleAssignment({
      name: grantAssignmentName(g.id),
      role: MIE_ROLE,
      user: upn('gradya'),
    });
    const approved = await api.call('POST', `/${g.id}/approve`, { as: USERS.lidia });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.assignmentGuid).toBe(leftover.guid);
    expect((await mieAssignments()).filter((a) => a.name === grantAssignmentName(g.id))).toHaveLength(1);
    await api.call('POST', `/${g.id}/release`, { as: USERS.lidia });
  });

  it('the same approver retrying after a crash between approval and activation finishes the activation once', async () => {
    const g = await requestFor('johannal');
    const stored = await api.grant(g.id);
    await api.runtime.store.grants.update(stored!, {
      ...stored!,
      status: 'approved',
      approvedBy: upn('lidiah'),
      approvedAt: api.clock.now().toISOString(),
    });
    expect((await api.call('POST', `/${g.id}/approve`, { as: USERS.patti })).status).toBe(409);
    const retried = await api.call('POST', `/${g.id}/approve`, { as: USERS.lidia });
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body.status).toBe('active');
    expect((await mieAssignments()).filter((a) => a.name === grantAssignmentName(g.id))).toHaveLength(1);
    await api.call('POST', `/${g.id}/release`, { as: USERS.lidia });
  });

  it('adopts the forgotten direct assignment of AlexW as a grant that expires', async () => {
    const alex = (await mieAssignments()).find((a) => a.name === 'Mailbox Import Export-AlexW');
    expect(alex).toBeDefined();
    const body = {
      assignmentGuid: alex!.guid,
      duration: 'P3D',
      justification: 'migration wave 2 still running',
      ticket: 'CHG-0999',
    };
    expect((await api.call('POST', '/adopt', { as: USERS.megan, body })).status).toBe(403);
    const adopted = await api.call('POST', '/adopt', { as: USERS.lidia, body });
    expect(adopted.status, adopted.text).toBe(201);
    expect(adopted.body).toMatchObject({
      status: 'active',
      adopted: true,
      principal: upn('alexw'),
      assignmentGuid: alex!.guid,
      assignmentName: 'Mailbox Import Export-AlexW',
      expiresAt: '2026-11-05T09:00:00.000Z',
    });
    expect(await eventsOf(adopted.body.id as string)).toEqual(['grant.adopted']);
    expect((await mieAssignments()).filter((a) => a.guid === alex!.guid)).toHaveLength(1);
    const twice = await api.call('POST', '/adopt', { as: USERS.patti, body });
    expect(twice.status).toBe(409);
  });

  it('refuses to adopt a role group, a delegating assignment, or an unknown one', async () => {
    const all = await mieAssignments();
    const group = all.find((a) => a.roleAssigneeType !== 'User' && a.delegationType === 'Regular');
    const delegating = all.find((a) => a.delegationType !== 'Regular');
    for (const [guid, message] of [
      [group!.guid, /only direct user assignments/],
      [delegating!.guid, /never adopted/],
      ['00000000-0000-4000-8000-000000000000', /not a management role assignment/],
    ] as const) {
      const res = await api.call('POST', '/adopt', {
        as: USERS.lidia,
        body: { assignmentGuid: guid, duration: 'P1D', justification: 'x', ticket: 'T-1' },
      });
      expect(res.status, res.text).toBe(422);
      expect(res.body.field).toBe('assignmentGuid');
      expect(res.body.detail).toMatch(message);
    }
  });

  it('list and get follow visibility: approvers and auditors see all, requesters their own', async () => {
    const mine = await requestFor('diegos');
    const asAuditor = await api.call('GET', '', { as: USERS.auditor });
    expect(asAuditor.status).toBe(200);
    expect((asAuditor.body.grants as Grant[]).some((g) => g.id === mine.id)).toBe(true);
    const pending = await api.call('GET', '?status=pending', { as: USERS.lidia });
    expect((pending.body.grants as Grant[]).every((g) => g.status === 'pending')).toBe(true);
    const byPrincipal = await api.call('GET', `?principal=${encodeURIComponent('DiegoS@contoso.onmicrosoft.com')}`, {
      as: USERS.lidia,
    });
    expect((byPrincipal.body.grants as Grant[]).map((g) => g.id)).toEqual([mine.id]);
    expect((await api.call('GET', `/${mine.id}`, { as: USERS.megan })).status).toBe(200);
    const stranger = { upn: upn('pattif'), roles: ['Grant.Request'] };
    expect((await api.call('GET', `/${mine.id}`, { as: stranger })).status).toBe(404);
    expect(((await api.call('GET', '', { as: stranger })).body.grants as Grant[]).some((g) => g.id === mine.id)).toBe(
      false,
    );
  });
});
