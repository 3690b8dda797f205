import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../../emulator/faults.js';
import { MIE_ROLE, type Grant } from '../../../lib/domain.js';
import { activateDueGrants } from '../../../lib/grants/activateDueGrants.js';
import { grantAssignmentName } from '../../../lib/grants/grantAssignment.js';
import { DOMAIN } from '../../../testkit/fixtures.js';
import { requestBody, startGrantApi, USERS, type GrantApi } from '../../support/grantApi.js';

let api: GrantApi;
beforeAll(async () => {
  api = await startGrantApi();
});
beforeEach(() => api.emulator.faults.clear());
afterAll(() => api.stop());

const assignmentsOf = async (id: string) =>
  (await api.runtime.exchange.getRoleAssignments(MIE_ROLE)).filter((a) => a.name === grantAssignmentName(id));
const eventsOf = async (id: string) => (await api.journal()).filter((e) => e.subject === id).map((e) => e.type);
async function pending(local: string): Promise<Grant> {
  const res = await api.call('POST', '', { body: requestBody({ principal: `${local}@${DOMAIN}` }) });
  expect(res.status, res.text).toBe(201);
  return res.body as unknown as Grant;
}

/** Lidia approves `g` while the first `times` assignment creations in Exchange answer `fault`. */
function approveWhileCreating(g: Grant, fault: FaultRule['fault'], times: number) {
  api.emulator.faults.add({ route: 'exchange:New-ManagementRoleAssignment', fault, times });
  return api.call('POST', `/${g.id}/approve`, { as: USERS.lidia });
}

describe('failures on the way', () => {
  it('Exchange down during activation: 503 naming Exchange, the grant stays approved, the next run activates it once', async () => {
    const g = await pending('adelev');
    const res = await approveWhileCreating(g, { kind: 'error', status: 503 }, 50);
    expect(res.status, res.text).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ service: 'Exchange Online' });
    expect((await api.grant(g.id))?.status).toBe('approved');
    expect(await assignmentsOf(g.id)).toHaveLength(0);

    api.emulator.faults.clear();
    const run = await activateDueGrants(api.runtime);
    expect(run.activated.map((x) => x.id)).toEqual([g.id]);
    expect(await assignmentsOf(g.id)).toHaveLength(1);
    expect(await eventsOf(g.id)).toEqual(['grant.requested', 'grant.approved', 'grant.activated']);
  });

  it('throttling on assignment creation is retried transparently', async () => {
    const g = await pending('isaiahl');
    const res = await approveWhileCreating(g, { kind: 'throttle', retryAfterSeconds: 0.01 }, 1);
    expect(res.status, res.text).toBe(200);
    expect(await assignmentsOf(g.id)).toHaveLength(1);
  });

  it('an email that cannot be sent does not undo the request', async () => {
    api.emulator.faults.add({ route: 'email:send', fault: { kind: 'error', status: 503 }, times: 50 });
    const g = await pending('diegos');
    expect((await api.grant(g.id))?.status).toBe('pending');
    const types = await eventsOf(g.id);
    expect(types).toEqual(['grant.requested']);
    expect((await api.journal()).some((e) => e.type === 'alert.sent' && e.subject === `grant/${g.id}/requested`)).toBe(
      false,
    );
  });
});

/** New-ManagementRoleAssignment lands but every answer is lost, and the read-back fails too: the approver gets 503. */
function loseActivation(target: GrantApi, cmdlet: string): void {
  target.emulator.faults.add({ route: `exchange:${cmdlet}`, fault: { kind: 'lost-answer', status: 503 }, times: 50 });
  // The lookup before the create succeeds; every read after it fails, so the activation cannot find what it made.
  target.emulator.faults.add({
    route: 'exchange:Get-ManagementRoleAssignment',
    fault: { kind: 'error', status: 503 },
    calls: Array.from({ length: 40 }, (_, i) => i + 2),
  });
}

describe('an activation whose answer was lost', () => {
  it('cancel removes the assignment the activation made, reads it back, then cancels', async () => {
    const g = await pending('alexw');
    loseActivation(api, 'New-ManagementRoleAssignment');
    const approved = await api.call('POST', `/${g.id}/approve`, { as: USERS.lidia });
    expect(approved.status, approved.text).toBe(503);
    api.emulator.faults.clear();
    expect((await api.grant(g.id))?.status).toBe('approved');
    expect(await assignmentsOf(g.id)).toHaveLength(1);

    const cancelled = await api.call('POST', `/${g.id}/cancel`, { body: { reason: 'not needed' } });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await assignmentsOf(g.id)).toEqual([]);
    const entry = (await api.journal()).find((e) => e.type === 'grant.cancelled' && e.subject === g.id);
    expect(entry?.data).toMatchObject({ assignment: 'removed' });
  });

  it('a cancel whose removal cannot be confirmed is refused and leaves the grant approved', async () => {
    const g = await pending('nestorw');
    loseActivation(api, 'New-ManagementRoleAssignment');
    expect((await api.call('POST', `/${g.id}/approve`, { as: USERS.lidia })).status).toBe(503);
    api.emulator.faults.clear();
    api.emulator.faults.add({
      route: 'exchange:Remove-ManagementRoleAssignment',
      fault: { kind: 'error', status: 503 },
      times: 50,
    });
    const refused = await api.call('POST', `/${g.id}/cancel`);
    expect(refused.status, refused.text).toBe(503);
    expect((await api.grant(g.id))?.status).toBe('approved');
    api.emulator.faults.clear();
    expect((await api.call('POST', `/${g.id}/cancel`)).status).toBe(200);
    expect(await assignmentsOf(g.id)).toEqual([]);
  });

  it('cancelling an approved grant that has not started calls Exchange not at all', async () => {
    const start = new Date(api.clock.now().getTime() + 86_400_000).toISOString();
    const g = (await api.call('POST', '', { body: requestBody({ principal: `johannal@${DOMAIN}`, start }) }))
      .body as unknown as Grant;
    expect((await api.call('POST', `/${g.id}/approve`, { as: USERS.lidia })).body.status).toBe('approved');
    api.emulator.calls.clear();
    expect((await api.call('POST', `/${g.id}/cancel`)).status).toBe(200);
    expect(api.emulator.calls.where({ api: 'exchange' })).toEqual([]);
  });
});

describe('role group method (WATCHDOG_GRANT_ROLE_GROUP)', () => {
  let rg: GrantApi;
  beforeAll(async () => {
    rg = await startGrantApi({ env: { WATCHDOG_GRANT_ROLE_GROUP: 'PST Migration Operators' } });
  });
  afterAll(() => rg.stop());

  it('approval adds the grantee to the role group; release takes them out again', async () => {
    const created = await rg.call('POST', '', { body: requestBody() });
    const id = created.body.id as string;
    const res = await rg.call('POST', `/${id}/approve`, { as: USERS.lidia });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      status: 'active',
      method: 'role-group',
      roleGroup: 'PST Migration Operators',
      assignmentName: 'Mailbox Import Export-PST Migration Operators',
    });
    const members = await rg.runtime.exchange.getRoleGroupMembers('PST Migration Operators');
    expect(members.map((m) => m.name)).toContain('AdeleV');

    const released = await rg.call('POST', `/${id}/release`, { as: USERS.adele });
    expect(released.status, released.text).toBe(200);
    expect((await rg.runtime.exchange.getRoleGroupMembers('PST Migration Operators')).map((m) => m.name)).not.toContain(
      'AdeleV',
    );
    expect(
      (await rg.runtime.exchange.getRoleAssignments(MIE_ROLE)).some(
        (a) => a.name === 'Mailbox Import Export-PST Migration Operators',
      ),
    ).toBe(true);
  });

  it('cancel after a lost Add-RoleGroupMember answer takes the grantee out of the role group again', async () => {
    const created = await rg.call('POST', '', { body: requestBody({ principal: `alexw@${DOMAIN}` }) });
    const id = created.body.id as string;
    rg.emulator.faults.add({
      route: 'exchange:Add-RoleGroupMember',
      fault: { kind: 'lost-answer', status: 503 },
      times: 50,
    });
    expect((await rg.call('POST', `/${id}/approve`, { as: USERS.lidia })).status).toBe(503);
    rg.emulator.faults.clear();
    const names = async () =>
      (await rg.runtime.exchange.getRoleGroupMembers('PST Migration Operators')).map((m) => m.name);
    expect(await names()).toContain('AlexW');
    const cancelled = await rg.call('POST', `/${id}/cancel`);
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(await names()).not.toContain('AlexW');
  });

  it('refuses a grant for someone already in the role group: releasing it would remove a membership it never added', async () => {
    const res = await rg.call('POST', '', { body: requestBody({ principal: `lynner@${DOMAIN}` }) });
    expect(res.status, res.text).toBe(422);
    expect(res.body.field).toBe('principal');
    expect(res.body.detail).toMatch(/already a member of the grant role group 'PST Migration Operators'/);
  });
});
