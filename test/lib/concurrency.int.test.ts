/**
 * Runs that overlap: two audits and two revocations at once, in one process (Promise.all on one runtime)
 * and from two runtimes on the same tables (a timer run and an operator's CLI run). One snapshot, one set of
 * holder events, one removal, one email.
 */
import { describe, expect, it } from 'vitest';
import { auditOptions } from '../../lib/runtime.js';
import { runAudit } from '../../lib/audit/runAudit.js';
import { runRevokeSchedule } from '../../lib/revoke/runRevokeSchedule.js';
import { HOUR, journalEntries } from '../../testkit/fixtures.js';
import { activeGrant, startRevokeRuntime } from '../support/revokeRuntime.js';
import { runtimesPerTest, twinRuntime, type TestRuntime } from '../support/runtime.js';
import { duplicateEmails, outcome } from '../support/runs.js';

const runtimes = runtimesPerTest(startRevokeRuntime);

async function holderEvents(runtime: TestRuntime): Promise<string[]> {
  return (await journalEntries(runtime.store))
    .filter((e) => e.type.startsWith('holder.') || e.type.startsWith('finding.'))
    .map((e) => `${e.type} ${e.subject}`);
}

describe.each([
  ['in one process', (runtime: TestRuntime) => runtime],
  ['from two runtimes on the same tables', twinRuntime],
])('two audits at once %s', (_name, second) => {
  it('store one snapshot, journal each holder once and send one alert', async () => {
    const rt = await runtimes.start({ env: { WATCHDOG_DIGEST_HOUR: '23' } });
    const other = second(rt);
    const runs = await Promise.all([
      outcome(() => runAudit(rt, auditOptions(rt.config))),
      outcome(() => runAudit(other, auditOptions(other.config))),
    ]);
    const winners = runs.filter((r) => r.ok);
    expect(winners.length).toBeGreaterThanOrEqual(1);

    const state = await rt.store.snapshots.state();
    expect(state.version).toBe(1);
    const events = await holderEvents(rt);
    expect(state.consecutiveFailures).toBe(0);
    expect(new Set(events).size).toBe(events.length);
    expect(events.filter((e) => e.startsWith('holder.added'))).toHaveLength(16);
    expect(rt.emulator.sentEmails()).toHaveLength(1);

    // The next run sees nothing new.
    rt.clock.advance(15 * 60_000);
    const next = await runAudit(rt, auditOptions(rt.config));
    expect(next.snapshotChanged).toBe(false);
    expect(next.emails).toEqual([]);
    expect(await holderEvents(rt)).toEqual(events);
  });
});

describe.each([
  ['in one process', (runtime: TestRuntime) => runtime],
  ['from two runtimes on the same tables', twinRuntime],
])('two revocation runs at once %s', (_name, second) => {
  it('remove the assignment once, revoke the grant once and send one notice', async () => {
    const rt = await runtimes.start();
    const grant = await activeGrant(rt, 'adelev', HOUR);
    const other = second(rt);
    rt.clock.advance(HOUR + 60_000);
    rt.emulator.calls.clear();
    const emailsBefore = rt.emulator.sentEmails().length;
    const runs = await Promise.all([outcome(() => runRevokeSchedule(rt)), outcome(() => runRevokeSchedule(other))]);
    expect(runs.every((r) => r.ok)).toBe(true);

    expect((await rt.store.grants.get(grant.id))?.status).toBe('revoked');
    expect(rt.emulator.calls.where({ api: 'exchange', name: 'Remove-ManagementRoleAssignment' })).toHaveLength(1);
    const events = (await journalEntries(rt.store))
      .filter((e) => e.subject === grant.id || e.subject === grant.assignmentGuid)
      .map((e) => e.type);
    expect(events.filter((t) => t === 'grant.expired')).toHaveLength(1);
    expect(events.filter((t) => t === 'grant.revoked')).toHaveLength(1);
    expect(events.filter((t) => t === 'assignment.removed')).toHaveLength(1);
    expect(duplicateEmails(rt)).toEqual([]);
    expect(
      rt.emulator
        .sentEmails()
        .slice(emailsBefore)
        .filter((e) => e.to.includes(grant.principal)),
    ).toHaveLength(1);
  });
});
