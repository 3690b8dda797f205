/**
 * The revoke run removes the own assignment (`MIE-Grant-{id}`) of a grant that is already closed: an activation
 * that landed in Exchange with its answer lost leaves one behind when the grant is then closed without removing
 * it (a cancel from before cancel removed it, or a cancel racing an activation whose undo failed).
 */
import { describe, expect, it } from 'vitest';
import { MIE_ROLE, type Grant } from '../../../lib/domain.js';
import { approveGrant } from '../../../lib/grants/approveGrant.js';
import { grantAssignmentName } from '../../../lib/grants/grantAssignment.js';
import { requestGrant } from '../../../lib/grants/requestGrant.js';
import { BREAK_GLASS } from '../../../emulator/scenarios/forgottenMigrations.js';
import { approver, HOUR, journalEntries, requester, upn } from '../../../testkit/fixtures.js';
import { runtimesPerTest, type TestRuntime } from '../../support/runtime.js';
import { activeGrant, emailsAbout, revoke, startRevokeRuntime } from '../../support/revokeRuntime.js';

const runtimes = runtimesPerTest(startRevokeRuntime);

const named = async (r: TestRuntime, id: string) =>
  (await r.exchange.getRoleAssignments(MIE_ROLE)).filter((a) => a.name === grantAssignmentName(id));

/** Approval whose New-ManagementRoleAssignment lands but whose every answer (and read-back) is lost; then the grant is closed as `status`. */
async function leftBehind(r: TestRuntime, local: string, status: Grant['status']): Promise<Grant> {
  const requested = await requestGrant(r, requester('meganb'), {
    principal: upn(local),
    durationMs: 3_600_000,
    justification: 'PST export',
    ticket: 'CHG-7',
  });
  r.emulator.faults.add({
    route: 'exchange:New-ManagementRoleAssignment',
    fault: { kind: 'lost-answer', status: 503 },
    times: 50,
  });
  r.emulator.faults.add({
    route: 'exchange:Get-ManagementRoleAssignment',
    fault: { kind: 'error', status: 503 },
    calls: Array.from({ length: 40 }, (_, i) => i + 2),
  });
  await expect(approveGrant(r, approver('lidiah'), requested.id)).rejects.toThrow(/503/);
  r.emulator.faults.clear();
  const approved = await r.store.grants.get(requested.id);
  if (!approved) throw new Error('grant missing');
  return r.store.grants.update(approved, {
    ...approved,
    status,
    endedAt: r.clock.now().toISOString(),
    endedBy: upn('meganb'),
  });
}

describe('revokeExpired: assignments left behind by closed grants', () => {
  it('removes a cancelled grant’s own assignment, verifies, journals and notifies, once', async () => {
    const rt = await runtimes.start();
    const open = await activeGrant(rt, 'diegos');
    const cancelled = await leftBehind(rt, 'adelev', 'cancelled');
    const [leftover] = await named(rt, cancelled.id);
    expect(leftover).toBeDefined();

    const dry = await revoke(rt, { dryRun: true });
    expect(dry.revocation.planned).toContainEqual(
      expect.objectContaining({
        kind: 'leftover',
        grantId: cancelled.id,
        assignmentGuid: leftover?.guid,
        reason: 'grant-closed',
      }),
    );
    expect(await named(rt, cancelled.id)).toHaveLength(1);

    const { revocation } = await revoke(rt);
    expect(revocation.removed).toEqual([
      expect.objectContaining({ kind: 'leftover', grantId: cancelled.id, outcome: 'removed' }),
    ]);
    expect(await named(rt, cancelled.id)).toEqual([]);
    expect(await named(rt, open.id)).toHaveLength(1);
    const removed = (await journalEntries(rt.store)).filter((e) => e.type === 'assignment.removed');
    expect(removed).toEqual([expect.objectContaining({ subject: leftover?.guid, reason: 'grant-closed' })]);
    const mails = emailsAbout(rt, 'assignment left behind');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toEqual(expect.arrayContaining([upn('adelev'), upn('meganb')]));

    const again = await revoke(rt);
    expect([again.revocation.planned, again.revocation.removed]).toEqual([[], []]);
    expect(emailsAbout(rt, 'assignment left behind')).toHaveLength(1);
  });

  it('removes a released grant’s re-created assignment too, and leaves a grant name it does not know alone', async () => {
    const rt = await runtimes.start();
    const released = await leftBehind(rt, 'adelev', 'released');
    const stranger = await rt.exchange.newRoleAssignment({
      name: grantAssignmentName('0f0e0d0c-other-deployment'),
      role: MIE_ROLE,
      user: 'DiegoS',
    });
    const { revocation } = await revoke(rt);
    expect(revocation.removed.map((r) => r.grantId)).toEqual([released.id]);
    expect(await named(rt, released.id)).toEqual([]);
    expect((await rt.exchange.getRoleAssignment(stranger.guid))?.name).toBe(stranger.name);
  });

  it('a failed removal is reported and alerted every run until it succeeds; expired grants are revoked meanwhile', async () => {
    const rt = await runtimes.start();
    const expiring = await activeGrant(rt, 'diegos', HOUR);
    const cancelled = await leftBehind(rt, 'adelev', 'cancelled');
    const [leftover] = await named(rt, cancelled.id);
    rt.emulator.faults.add({
      route: 'exchange:Remove-ManagementRoleAssignment',
      parameters: { Identity: leftover?.guid ?? '' },
      fault: { kind: 'error', status: 503 },
      times: 50,
    });
    rt.clock.advance(HOUR);
    const { revocation } = await revoke(rt);
    expect(revocation.failed).toEqual([expect.objectContaining({ kind: 'leftover', grantId: cancelled.id })]);
    expect(revocation.removed.map((r) => r.grantId)).toEqual([expiring.id]);
    expect(emailsAbout(rt, 'Could not remove leftover')).toHaveLength(1);
    rt.emulator.faults.clear();
    expect((await revoke(rt)).revocation.removed.map((r) => r.grantId)).toEqual([cancelled.id]);
  });

  it('leftovers count toward WATCHDOG_REVOKE_MAX_COUNT: grants that all turn closed at once (a store problem) remove nothing and alert', async () => {
    const rt = await runtimes.start({ env: { WATCHDOG_REVOKE_MAX_COUNT: '2' } });
    const live = [await activeGrant(rt, 'adelev'), await activeGrant(rt, 'diegos'), await activeGrant(rt, 'alexw')];
    // The grants table is not chained: rows edited to cancelled look exactly like closed grants.
    for (const g of live) {
      const row = await rt.store.grants.get(g.id);
      if (row)
        await rt.store.grants.update(row, {
          ...row,
          status: 'cancelled',
          endedAt: rt.clock.now().toISOString(),
          endedBy: upn('meganb'),
        });
    }
    const { revocation } = await revoke(rt);
    expect(revocation.blocked).toMatchObject({ removals: 3, maxCount: 2 });
    expect(revocation.blocked?.reason).toContain('WATCHDOG_REVOKE_MAX_COUNT (2)');
    expect(revocation.removed).toEqual([]);
    for (const g of live) expect(await named(rt, g.id)).toHaveLength(1);
    expect((await journalEntries(rt.store)).filter((e) => e.type === 'revoke.blocked')).toHaveLength(1);
    const [mail] = emailsAbout(rt, 'Revocation stopped');
    expect(mail?.text).toContain(`grant ${live[0]?.id}, closed`);
  });

  it('never removes a break-glass principal’s leftover: a person decides', async () => {
    const rt = await runtimes.start({ env: { WATCHDOG_BREAK_GLASS: [...BREAK_GLASS, upn('adelev')].join(',') } });
    const cancelled = await leftBehind(rt, 'adelev', 'cancelled');
    const { revocation } = await revoke(rt);
    expect(revocation.removed).toEqual([]);
    expect(revocation.protected).toContainEqual(
      expect.objectContaining({ principal: upn('adelev'), reason: 'break-glass' }),
    );
    expect(await named(rt, cancelled.id)).toHaveLength(1);
  });
});
