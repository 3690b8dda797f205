/**
 * The revocation run end to end: the real job on the tenant emulator over HTTP and Azurite, with a
 * ManualClock shared by the watchdog and the emulator (no sleeps). The timer handler is called with
 * `new InvocationContext(...)`.
 */
import { InvocationContext, type Timer } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { auditOptions } from '../../../lib/runtime.js';
import { runAudit } from '../../../lib/audit/runAudit.js';
import type { Grant } from '../../../lib/domain.js';
import type { GrantStore } from '../../../lib/ports/index.js';
import { createRevokeTimerHandler } from '../../../lib/triggers/revokeTimerHandler.js';
import { USERS } from '../../../emulator/scenarios/forgottenMigrations.js';
import { invoke } from '../../support/emulatorHttp.js';
import { HOUR, journalEntries, upn } from '../../../testkit/fixtures.js';
import { runtimesPerTest, type TestRuntime } from '../../support/runtime.js';
import { activeGrant, emailsAbout, revoke, startRevokeRuntime } from '../../support/revokeRuntime.js';

const context = (logs: string[] = []) =>
  new InvocationContext({
    functionName: 'revokeExpired',
    logHandler: (_level, ...args) => void logs.push(args.map(String).join(' ')),
  });
const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};
const runtimes = runtimesPerTest(startRevokeRuntime);

const removeCalls = (r: TestRuntime) =>
  r.emulator.calls.where({ api: 'exchange', name: 'Remove-ManagementRoleAssignment' });

describe('revokeExpired: grants', () => {
  it('removes the assignment at expiry, reads it back, records and notifies; the next audit confirms it stays gone', async () => {
    const rt = await runtimes.start({ propagationDelayMs: HOUR });
    const grant = await activeGrant(rt, 'adelev');
    expect(grant.status).toBe('active');
    const guid = grant.assignmentGuid ?? '';
    expect(rt.emulator.state.assignment(guid)).toBeDefined();

    const handler = createRevokeTimerHandler(() => rt);
    rt.clock.advance(4 * HOUR - 1);
    const early = await handler(timer, context());
    expect(early.revocation.planned).toEqual([]);

    rt.clock.advance(1);
    const logs: string[] = [];
    const result = await handler(timer, context(logs));
    expect(logs.at(-1)).toContain('1 removed and verified, 0 failed');
    expect(result.revocation.removed).toMatchObject([
      { kind: 'grant', grantId: grant.id, principal: upn('adelev'), outcome: 'removed', assignmentGuid: guid },
    ]);
    expect(result.revocation.failed).toEqual([]);
    expect(rt.emulator.state.assignment(guid)).toBeUndefined();

    const stored = await rt.store.grants.get(grant.id);
    expect(stored?.status).toBe('revoked');
    expect(stored?.revocation?.verifiedAt).toBe(rt.clock.now().toISOString());
    expect(stored?.endedBy).toBe('watchdog');

    const types = (await journalEntries(rt.store))
      .filter((e) => e.subject === grant.id || e.subject === guid)
      .map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['grant.expired', 'assignment.removed', 'grant.revoked']));

    const [mail, ...more] = emailsAbout(rt, 'removed from adelev');
    expect(more).toEqual([]);
    expect(mail?.to.sort()).toEqual([upn('adelev'), upn('meganb'), upn('security')].sort());
    expect(mail?.text).toContain('up to 60 minutes');
    expect(mail?.html).toContain('&lt;urgent&gt; &amp; &quot;legal&quot;');

    // Exchange's permission cache: still working right after the removal, gone an hour later.
    expect(rt.emulator.state.canExport(upn('adelev'))).toBe(true);
    rt.clock.advance(HOUR);
    expect(rt.emulator.state.canExport(upn('adelev'))).toBe(false);
    const audit = await runAudit(rt, auditOptions(rt.config));
    expect(audit.holders.map((h) => h.principal)).not.toContain(upn('adelev'));
    expect(audit.findings.filter((f) => f.grantId === grant.id)).toEqual([]);
  });

  it('verifies with the documented identity hazard on: the read-back answered with every assignment means gone, not still present', async () => {
    const rt = await runtimes.start();
    expect(rt.emulator.exchange.identityReturnsAll).toBe(true);
    const grant = await activeGrant(rt, 'adelev');
    const guid = grant.assignmentGuid ?? '';
    rt.clock.advance(4 * HOUR);
    const { revocation } = await revoke(rt);
    expect(revocation.failed).toEqual([]);
    expect(revocation.removed).toMatchObject([{ grantId: grant.id, outcome: 'removed', assignmentGuid: guid }]);
    // What the read-back got: Get-ManagementRoleAssignment -Identity <the removed guid> answers every assignment.
    const readBack = rt.emulator.calls
      .where({ api: 'exchange', name: 'Get-ManagementRoleAssignment' })
      .filter((c) => c.parameters.Identity === guid);
    expect(readBack).toHaveLength(2);
    const answer = await invoke(rt.emulator, 'Get-ManagementRoleAssignment', { Identity: guid });
    expect(answer.body.value.length).toBe(rt.emulator.state.assignments.size);
    expect(answer.body.value.length).toBeGreaterThan(1);
    expect((await rt.store.grants.get(grant.id))?.status).toBe('revoked');
  });

  it('reads an assignment removed by hand as absent when the not-found comes as 500 InternalServerError in the JSON-string form', async () => {
    const rt = await runtimes.start({
      exchange: { identityReturnsAll: false, errorDetail: 'json', notFound: 'InternalServerError' },
    });
    const grant = await activeGrant(rt, 'adelev');
    const assignment = rt.emulator.state.assignment(grant.assignmentGuid ?? '');
    if (!assignment) throw new Error('the grant made no assignment');
    rt.emulator.state.removeAssignment(assignment);
    rt.clock.advance(4 * HOUR);
    const { revocation } = await revoke(rt);
    expect(revocation.failed).toEqual([]);
    expect(revocation.removed).toMatchObject([{ grantId: grant.id, outcome: 'absent' }]);
    expect(
      rt.emulator.calls
        .where({ api: 'exchange', name: 'Get-ManagementRoleAssignment' })
        .filter((c) => c.status === 500),
    ).toHaveLength(1);
    expect(removeCalls(rt)).toEqual([]);
  });

  it('removes a role-group grant by membership only, leaving the group assignment to its other members', async () => {
    const rt = await runtimes.start({ env: { WATCHDOG_GRANT_ROLE_GROUP: 'PST Migration Operators' } });
    const grant = await activeGrant(rt, 'adelev');
    expect(grant.method).toBe('role-group');
    const members = async () => (await rt.exchange.getRoleGroupMembers('PST Migration Operators')).map((m) => m.name);
    expect(await members()).toContain('AdeleV');
    rt.clock.advance(4 * HOUR);
    const { revocation } = await revoke(rt);
    expect(revocation.removed).toMatchObject([{ grantId: grant.id, outcome: 'removed' }]);
    expect(await members()).toEqual(expect.arrayContaining(['LynneR', 'GradyA']));
    expect(await members()).not.toContain('AdeleV');
    expect(rt.emulator.state.assignment(grant.assignmentGuid ?? '')).toBeDefined();
    expect(removeCalls(rt)).toEqual([]);
  });

  it('never removes twice: a removal verified by a run whose notice failed is not repeated, whatever holds the access now', async () => {
    const rt = await runtimes.start({ env: { WATCHDOG_GRANT_ROLE_GROUP: 'PST Migration Operators' } });
    const grant = await activeGrant(rt, 'adelev');
    rt.clock.advance(4 * HOUR);
    const down = {
      send: () => Promise.reject(new Error('ACS is down')),
      sendDeferred: () => Promise.reject(new Error('ACS is down')),
    };
    const first = await revoke({ ...rt, mailer: down });
    expect(first.revocation.failed).toMatchObject([
      { grantId: grant.id, error: expect.stringContaining('notice was not sent') },
    ]);
    expect((await rt.store.grants.get(grant.id))?.revocation?.verifiedAt).toBeDefined();
    // Meanwhile the same person is back in the group (a newer grant, say): that access is not the old grant's to take.
    await rt.exchange.addRoleGroupMember('PST Migration Operators', 'AdeleV');
    rt.clock.advance(5 * 60_000);
    const { revocation } = await revoke(rt);
    expect(revocation.removed).toMatchObject([{ grantId: grant.id, outcome: 'absent' }]);
    expect((await rt.store.grants.get(grant.id))?.status).toBe('revoked');
    expect((await rt.exchange.getRoleGroupMembers('PST Migration Operators')).map((m) => m.name)).toContain('AdeleV');
    expect(rt.emulator.calls.where({ api: 'exchange', name: 'Remove-RoleGroupMember' })).toHaveLength(1);
    expect(emailsAbout(rt, 'removed from adelev')).toHaveLength(1);
  });

  it('sends each reminder once to grantee and requester, and nothing more on re-runs', async () => {
    const rt = await runtimes.start();
    const grant = await activeGrant(rt, 'adelev', 30 * HOUR);
    rt.clock.advance(5 * HOUR);
    expect((await revoke(rt)).revocation.reminders).toEqual([]);
    rt.clock.advance(1 * HOUR);
    expect((await revoke(rt)).revocation.reminders).toMatchObject([{ grantId: grant.id, offset: 'P1D' }]);
    await revoke(rt);
    rt.clock.advance(23 * HOUR);
    expect((await revoke(rt)).revocation.reminders).toMatchObject([{ grantId: grant.id, offset: 'PT1H' }]);
    await revoke(rt);

    const reminders = emailsAbout(rt, 'expires in');
    expect(reminders.map((m) => m.subject)).toEqual([
      expect.stringContaining('expires in 24 hours'),
      expect.stringContaining('expires in 1 hour'),
    ]);
    expect(reminders[0]?.to.sort()).toEqual([upn('adelev'), upn('meganb')]);
    expect((await rt.store.grants.get(grant.id))?.remindersSent).toEqual(['P1D', 'PT1H']);
  });

  it('dry run reports what would happen and changes nothing', async () => {
    const rt = await runtimes.start();
    const grant = await activeGrant(rt, 'adelev');
    rt.clock.advance(5 * HOUR);
    const before = rt.emulator.sentEmails().length;
    const { revocation } = await revoke(rt, { dryRun: true });
    expect(revocation.dryRun).toBe(true);
    expect(revocation.planned).toMatchObject([{ grantId: grant.id, principal: upn('adelev'), reason: 'expired' }]);
    expect(revocation.removed).toEqual([]);
    expect(removeCalls(rt)).toEqual([]);
    expect((await rt.store.grants.get(grant.id))?.status).toBe('active');
    expect(rt.emulator.sentEmails()).toHaveLength(before);
  });

  it('a re-run after success changes and sends nothing', async () => {
    const rt = await runtimes.start();
    await activeGrant(rt, 'adelev');
    rt.clock.advance(4 * HOUR);
    await revoke(rt);
    const emails = rt.emulator.sentEmails().length;
    const entries = (await journalEntries(rt.store)).length;
    const calls = removeCalls(rt).length;
    rt.clock.advance(5 * 60_000);
    const again = await revoke(rt);
    expect(again.revocation.planned).toEqual([]);
    expect(rt.emulator.sentEmails()).toHaveLength(emails);
    expect(await journalEntries(rt.store)).toHaveLength(entries);
    expect(removeCalls(rt)).toHaveLength(calls);
  });

  it('survives 503 twice on Remove-ManagementRoleAssignment (client retries) and still verifies', async () => {
    const rt = await runtimes.start();
    const grant = await activeGrant(rt, 'adelev');
    rt.emulator.faults.add({
      route: 'exchange:Remove-ManagementRoleAssignment',
      fault: { kind: 'error', status: 503 },
      times: 2,
    });
    rt.clock.advance(4 * HOUR);
    const { revocation } = await revoke(rt);
    expect(revocation.failed).toEqual([]);
    expect(revocation.removed).toMatchObject([{ grantId: grant.id, outcome: 'removed' }]);
    expect(removeCalls(rt).map((c) => c.status)).toEqual([503, 503, 200]);
    expect((await rt.store.grants.get(grant.id))?.revocation).toMatchObject({
      attempts: 1,
      verifiedAt: rt.clock.now().toISOString(),
    });
    expect(emailsAbout(rt, 'failed')).toEqual([]);
  });

  it('escalates a failing revocation every run until it succeeds, without blocking other grants', async () => {
    const rt = await runtimes.start({ http: { maxAttempts: 2 } });
    const stuck = await activeGrant(rt, 'adelev');
    rt.clock.advance(60_000);
    const other = await activeGrant(rt, 'meganb', 4 * HOUR, 'adelev');
    rt.clock.advance(4 * HOUR);

    for (const run of [1, 2]) {
      rt.emulator.faults.clear();
      // Only the stuck grant's removals fail, however the run interleaves the two grants.
      rt.emulator.faults.add({
        route: 'exchange:Remove-ManagementRoleAssignment',
        parameters: { Identity: stuck.assignmentGuid ?? '' },
        fault: { kind: 'error', status: 503 },
        times: 2,
      });
      const { revocation } = await revoke(rt);
      expect(revocation.failed).toMatchObject([{ grantId: stuck.id, attempts: run }]);
      if (run === 1) expect(revocation.removed).toMatchObject([{ grantId: other.id }]);
      rt.clock.advance(5 * 60_000);
    }
    const stored = await rt.store.grants.get(stuck.id);
    expect(stored).toMatchObject({
      status: 'expired',
      revocation: { attempts: 2, lastError: expect.stringContaining('503') },
    });
    expect((await rt.store.grants.get(other.id))?.status).toBe('revoked');
    const escalations = emailsAbout(rt, 'Revocation of Mailbox Import Export from adelev');
    expect(escalations.map((m) => m.subject)).toEqual([
      expect.stringContaining('[CRITICAL]'),
      expect.stringContaining('(2 attempts)'),
    ]);
    expect(escalations[0]?.to).toEqual([upn('security')]);

    rt.emulator.faults.clear();
    const { revocation } = await revoke(rt);
    expect(revocation.removed).toMatchObject([{ grantId: stuck.id }]);
    expect(await rt.store.grants.get(stuck.id)).toMatchObject({ status: 'revoked', revocation: { attempts: 3 } });
    expect((await rt.store.grants.get(stuck.id))?.revocation?.lastError).toBeUndefined();
    expect(
      (await journalEntries(rt.store)).filter((e) => e.type === 'grant.revoke-failed' && e.subject === stuck.id),
    ).toHaveLength(2);
  });

  it('a run that dies after notifying is finished by the next one, without a second email', async () => {
    const rt = await runtimes.start();
    const grant = await activeGrant(rt, 'adelev');
    rt.clock.advance(4 * HOUR);
    const grants: GrantStore = {
      ...rt.store.grants,
      update: (current: Grant, next: Grant) =>
        next.status === 'revoked' ? Promise.reject(new Error('host stopped')) : rt.store.grants.update(current, next),
    };
    await expect(revoke({ ...rt, store: { ...rt.store, grants } })).rejects.toThrow('host stopped');
    expect((await rt.store.grants.get(grant.id))?.status).toBe('expired');
    expect(emailsAbout(rt, 'removed from adelev')).toHaveLength(1);

    rt.clock.advance(5 * 60_000);
    const { revocation } = await revoke(rt);
    expect(revocation.removed).toMatchObject([{ grantId: grant.id, outcome: 'absent' }]);
    expect((await rt.store.grants.get(grant.id))?.status).toBe('revoked');
    expect(emailsAbout(rt, 'removed from adelev')).toHaveLength(1);
    expect(removeCalls(rt)).toHaveLength(1);
    expect((await journalEntries(rt.store)).filter((e) => e.type === 'grant.expired')).toHaveLength(1);
  });

  it('refuses to remove an assignment whose Guid now belongs to someone else', async () => {
    const rt = await runtimes.start();
    const grant = await activeGrant(rt, 'adelev');
    const live = rt.emulator.state.assignment(grant.assignmentGuid ?? '');
    if (!live) throw new Error('assignment missing');
    live.assignee = USERS.lidiah.id;
    rt.clock.advance(4 * HOUR);
    const { revocation } = await revoke(rt);
    expect(revocation.failed).toMatchObject([{ grantId: grant.id, error: expect.stringContaining('was not removed') }]);
    expect(removeCalls(rt)).toEqual([]);
  });
});
