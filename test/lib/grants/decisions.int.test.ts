/**
 * The decisions around a request, over HTTP on the emulator and Azurite: the approver's reason, a denial that must
 * say why, who hears of each decision (the security team of every approval and activation, the other approvers
 * that it is decided), and requests that lapse after WATCHDOG_REQUEST_TTL, crash-safely, on the revoke timer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_TEAM } from '../../../emulator/scenarios/forgottenMigrations.js';
import type { Grant } from '../../../lib/domain.js';
import { lapseStaleRequests } from '../../../lib/grants/lapseStaleRequests.js';
import type { GrantStore } from '../../../lib/ports/index.js';
import { runRevokeSchedule } from '../../../lib/revoke/runRevokeSchedule.js';
import { DOMAIN } from '../../../testkit/fixtures.js';
import { requestBody, startGrantApi, USERS, type GrantApi } from '../../support/grantApi.js';

const upn = (local: string) => `${local}@${DOMAIN}`;
const LIDIA = upn('lidiah');
const PATTI = upn('pattif');

let api: GrantApi;
beforeAll(async () => {
  // Approvers as people, not one list: the one who decides is left off the "decided" emails, the other is not.
  api = await startGrantApi({
    env: { WATCHDOG_APPROVER_RECIPIENTS: `${LIDIA},${PATTI}`, WATCHDOG_REQUEST_TTL: 'P3D' },
  });
});
afterAll(() => api.stop());

/** Emails sent since `from` (an index into the emulator's list) whose subject matches. */
const mails = (from: number, subject: RegExp) =>
  api.emulator
    .sentEmails()
    .slice(from)
    .filter((m) => subject.test(m.subject));
const journalOf = async (id: string) => (await api.journal()).filter((e) => e.subject === id);

async function request(local: string, as = USERS.megan): Promise<Grant> {
  const res = await api.call('POST', '', { as, body: requestBody({ principal: upn(local) }) });
  expect(res.status, res.text).toBe(201);
  return res.body as unknown as Grant;
}

describe('decisions and who hears of them', () => {
  it('an approval records its reason; the security team hears of the approval and the activation, the other approver that it is decided', async () => {
    const g = await request('isaiahl');
    const sent = api.emulator.sentEmails().length;
    const res = await api.call('POST', `/${g.id}/approve`, {
      as: USERS.lidia,
      body: { reason: 'CAB approved CHG-1042' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'active', approvedBy: LIDIA, approveReason: 'CAB approved CHG-1042' });
    const approved = (await journalOf(g.id)).find((e) => e.type === 'grant.approved');
    expect(approved?.reason).toBe('CAB approved CHG-1042');
    const timeline = await api.call('GET', `/${g.id}/journal`, { as: USERS.megan });
    expect(timeline.body.entries).toContainEqual(
      expect.objectContaining({ type: 'grant.approved', reason: 'CAB approved CHG-1042' }),
    );

    const [approval] = mails(sent, /Grant approved/);
    expect(approval?.to).toEqual(expect.arrayContaining([SECURITY_TEAM, PATTI, upn('meganb'), upn('isaiahl')]));
    expect(approval?.to).not.toContain(LIDIA);
    expect(approval?.text).toContain('Reason: CAB approved CHG-1042');
    const [active] = mails(sent, /granted to/);
    expect(active?.to).toContain(SECURITY_TEAM);

    // An extension's approval is an approval too.
    const ext = await api.call('POST', `/${g.id}/extend`, {
      as: USERS.megan,
      body: { duration: 'PT2H', justification: 'one more batch' },
    });
    expect(ext.status, ext.text).toBe(200);
    const beforeExtension = api.emulator.sentEmails().length;
    const extended = await api.call('POST', `/${g.id}/approve`, { as: USERS.patti, body: { reason: 'same change' } });
    expect(extended.status, extended.text).toBe(200);
    const [extension] = mails(beforeExtension, /Grant extended/);
    expect(extension?.to).toEqual(expect.arrayContaining([SECURITY_TEAM, LIDIA]));
    expect(extension?.to).not.toContain(PATTI);
    expect(extension?.text).toContain('pattif@contoso.onmicrosoft.com extended the grant');
    expect(extension?.text).toContain('Reason: same change');
    const entry = (await journalOf(g.id)).find((e) => e.type === 'grant.extended');
    expect(entry).toMatchObject({ actor: PATTI, reason: 'same change' });
    expect(entry?.data.extension).toMatchObject({ justification: 'one more batch' });
    expect((await api.call('POST', `/${g.id}/release`, { as: USERS.lidia })).status).toBe(200);
  });

  it('a denial must say why: without a reason it is refused next to the field and nothing is written', async () => {
    const g = await request('diegos');
    const before = await journalOf(g.id);
    for (const body of [undefined, {}, { reason: '   ' }]) {
      const res = await api.call('POST', `/${g.id}/deny`, { as: USERS.lidia, body });
      expect(res.status, res.text).toBe(422);
      expect(res.body.errors).toEqual([{ field: 'reason', message: expect.stringMatching(/must not be empty/) }]);
    }
    expect((await api.grant(g.id))?.status).toBe('pending');
    expect(await journalOf(g.id)).toEqual(before);

    const sent = api.emulator.sentEmails().length;
    const denied = await api.call('POST', `/${g.id}/deny`, {
      as: USERS.patti,
      body: { reason: 'use eDiscovery instead' },
    });
    expect(denied.status, denied.text).toBe(200);
    const [denial] = mails(sent, /denied/);
    expect(denial?.to).toEqual(expect.arrayContaining([LIDIA, upn('meganb'), upn('diegos')]));
    expect(denial?.to).not.toContain(PATTI);
    expect(denial?.text).toContain('Reason: use eDiscovery instead');
  });
});

describe('requests lapse after WATCHDOG_REQUEST_TTL', () => {
  it('a request nobody decided on lapses on the revoke timer, the requester and the approvers are told, and it cannot be approved', async () => {
    api.clock.set('2026-11-02T09:00:00Z');
    const g = await request('nestorw');
    api.clock.set('2026-11-05T08:59:00Z');
    expect((await runRevokeSchedule(api.runtime)).lapse.lapsed).toEqual([]);

    api.clock.set('2026-11-05T09:00:00Z');
    // Due before the timer has run: refused by time.
    const early = await api.call('POST', `/${g.id}/approve`, { as: USERS.lidia });
    expect(early.status, early.text).toBe(409);
    expect(early.body).toMatchObject({ type: 'urn:mie-watchdog:problem:request-lapsed' });
    expect(early.body.detail).toMatch(/lapsed at 2026-11-05T09:00:00.000Z: nobody decided within 3 days/);
    expect((await api.call('POST', `/${g.id}/cancel`, { as: USERS.megan })).status).toBe(409);

    const sent = api.emulator.sentEmails().length;
    api.clock.set('2026-11-05T09:05:00Z');
    const run = await runRevokeSchedule(api.runtime);
    expect(run.lapse).toEqual({ lapsed: [{ grantId: g.id, target: 'request' }], skipped: [], failed: [] });
    expect(await api.grant(g.id)).toMatchObject({
      status: 'lapsed',
      endedBy: 'watchdog',
      endedAt: '2026-11-05T09:05:00.000Z',
      endReason: 'no decision within 3 days (WATCHDOG_REQUEST_TTL=P3D)',
    });
    expect((await api.grant(g.id))?.lapse).toBeUndefined();
    const [notice] = mails(sent, /lapsed without a decision/);
    expect(notice?.to).toEqual(expect.arrayContaining([upn('meganb'), upn('nestorw'), LIDIA, PATTI]));
    expect(notice?.text).toContain('Request the grant again if it is still needed.');
    expect((await journalOf(g.id)).map((e) => e.type)).toEqual(['grant.requested', 'grant.request-lapsed']);

    const late = await api.call('POST', `/${g.id}/approve`, { as: USERS.lidia });
    expect(late.status, late.text).toBe(409);
    expect(late.body.detail).toMatch(/is lapsed/);
    expect((await runRevokeSchedule(api.runtime)).lapse.lapsed).toEqual([]);
    const listed = await api.call('GET', '?status=lapsed', { as: USERS.lidia });
    expect((listed.body.grants as Grant[]).map((x) => x.id)).toContain(g.id);
  });

  it('a run that dies after the notice finishes on the next run: one journal entry, one email', async () => {
    api.clock.set('2026-11-06T09:00:00Z');
    const g = await request('lynner');
    api.clock.set('2026-11-09T10:00:00Z');
    const sent = api.emulator.sentEmails().length;
    const grants = api.runtime.store.grants;
    // The closing write fails: the journal entry and the notice are out, the grant still pending with its intent.
    const dying: GrantStore = {
      ...grants,
      list: (f) => grants.list(f),
      update: (current, next) =>
        next.status === 'lapsed' ? Promise.reject(new Error('process killed')) : grants.update(current, next),
    };
    const first = await lapseStaleRequests({ ...api.runtime, store: { ...api.runtime.store, grants: dying } });
    expect(first.failed).toEqual([{ grantId: g.id, error: 'process killed' }]);
    expect((await api.grant(g.id))?.lapse).toMatchObject({ requestedAt: g.requestedAt });

    const second = await lapseStaleRequests(api.runtime);
    expect(second.lapsed).toEqual([{ grantId: g.id, target: 'request' }]);
    expect((await api.grant(g.id))?.status).toBe('lapsed');
    expect(mails(sent, /lapsed without a decision/)).toHaveLength(1);
    const entries = await journalOf(g.id);
    expect(entries.filter((e) => e.type === 'grant.request-lapsed')).toHaveLength(1);
    const alerts = (await api.journal()).filter(
      (e) => e.type === 'alert.sent' && e.subject.startsWith(`grant/${g.id}/request-lapsed`),
    );
    expect(alerts).toHaveLength(1);
  });

  it('an extension request lapses on its own: the grant keeps its expiry and the asker is told', async () => {
    api.clock.set('2026-11-10T09:00:00Z');
    const g = await request('johannal');
    const approved = await api.call('POST', `/${g.id}/approve`, { as: USERS.lidia });
    expect(approved.status, approved.text).toBe(200);
    const ext = await api.call('POST', `/${g.id}/extend`, {
      as: USERS.megan,
      body: { duration: 'PT4H', justification: 'more mailboxes' },
    });
    expect(ext.status, ext.text).toBe(200);
    // The grant lasts 8 hours, shorter than 3 days: a 15-minute TTL lets the extension lapse while it is active.
    api.clock.set('2026-11-10T09:30:00Z');
    const sent = api.emulator.sentEmails().length;
    const grants = { ...api.runtime.config.grants, requestTtlMs: 15 * 60_000 };
    const lapsing = await lapseStaleRequests({ ...api.runtime, config: { ...api.runtime.config, grants } });
    expect(lapsing.lapsed).toEqual([{ grantId: g.id, target: 'extension' }]);
    const after = await api.grant(g.id);
    expect(after).toMatchObject({ status: 'active', expiresAt: approved.body.expiresAt });
    expect(after?.extension).toBeUndefined();
    const [notice] = mails(sent, /Extension request .* lapsed/);
    expect(notice?.to).toContain(upn('meganb'));
    expect(notice?.text).toContain('The grant itself is unchanged');
    expect((await journalOf(g.id)).at(-1)).toMatchObject({ type: 'grant.extension-lapsed', actor: 'watchdog' });
    expect((await api.call('POST', `/${g.id}/release`, { as: USERS.lidia })).status).toBe(200);
  });
});
