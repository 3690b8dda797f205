import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIE_ROLE, type Grant } from '../../../lib/domain.js';
import { grantAssignmentName } from '../../../lib/grants/grantAssignment.js';
import { DOMAIN } from '../../../testkit/fixtures.js';
import { requestBody, startGrantApi, USERS, type GrantApi } from '../../support/grantApi.js';

let api: GrantApi;
beforeAll(async () => {
  api = await startGrantApi();
});
afterAll(() => api.stop());

const grantees = ['adelev', 'alexw', 'diegos', 'lynner', 'isaiahl', 'nestorw'];
let next = 0;
async function pendingGrant(): Promise<Grant> {
  const res = await api.call('POST', '', {
    as: USERS.megan,
    body: requestBody({ principal: `${grantees[next++]}@${DOMAIN}` }),
  });
  expect(res.status, res.text).toBe(201);
  return res.body as unknown as Grant;
}
const assignmentsOf = async (id: string) =>
  (await api.runtime.exchange.getRoleAssignments(MIE_ROLE)).filter((a) => a.name === grantAssignmentName(id));
const events = async (id: string, type: string) =>
  (await api.journal()).filter((e) => e.subject === id && e.type === type);

describe('concurrent decisions (ETag)', () => {
  for (let round = 1; round <= 3; round++) {
    it(`two approvers at once: one 200, one 409, one assignment (round ${round})`, async () => {
      const g = await pendingGrant();
      const results = await Promise.all([
        api.call('POST', `/${g.id}/approve`, { as: USERS.lidia }),
        api.call('POST', `/${g.id}/approve`, { as: USERS.patti }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const loser = results.find((r) => r.status === 409);
      expect(loser?.headers.get('content-type')).toBe('application/problem+json');
      const winner = results.find((r) => r.status === 200);
      expect(winner?.body.status).toBe('active');
      expect(await assignmentsOf(g.id)).toHaveLength(1);
      expect(await events(g.id, 'grant.approved')).toHaveLength(1);
      expect((await api.grant(g.id))?.approvedBy).toBe(winner?.body.approvedBy);
    });
  }

  for (let round = 1; round <= 3; round++) {
    it(`approve racing cancel: one 200, one 409, Exchange matches the winner (round ${round})`, async () => {
      const g = await pendingGrant();
      const [approve, cancel] = await Promise.all([
        api.call('POST', `/${g.id}/approve`, { as: USERS.lidia }),
        api.call('POST', `/${g.id}/cancel`, { as: USERS.megan }),
      ]);
      expect([approve.status, cancel.status].sort()).toEqual([200, 409]);
      const stored = await api.grant(g.id);
      if (approve.status === 200) {
        expect(stored?.status).toBe('active');
        expect(await assignmentsOf(g.id)).toHaveLength(1);
        expect(await events(g.id, 'grant.cancelled')).toHaveLength(0);
      } else {
        expect(stored?.status).toBe('cancelled');
        expect(await assignmentsOf(g.id)).toHaveLength(0);
        expect(await events(g.id, 'grant.activated')).toHaveLength(0);
      }
    });
  }
});

describe('concurrent requests for one person', () => {
  it('two requests at once for the same grantee: one 201, one 409, one grant and one journal entry', async () => {
    const body = requestBody({ principal: `johannal@${DOMAIN}` });
    const results = await Promise.all([
      api.call('POST', '', { as: USERS.megan, body }),
      api.call('POST', '', { as: USERS.megan, body }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)?.body.detail).toMatch(
      /already has grant .* extend or cancel it instead of requesting another/,
    );
    const mine = (await api.runtime.store.grants.list({ principal: `johannal@${DOMAIN}` })).map((g) => g.id);
    expect(mine).toHaveLength(1);
    expect((await api.journal()).filter((e) => e.type === 'grant.requested' && e.subject === mine[0])).toHaveLength(1);
  });
});
