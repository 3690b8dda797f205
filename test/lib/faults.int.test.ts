/**
 * Random faults: a seeded 20% of Exchange, Graph and email calls answer 429, 503 or drop the connection,
 * with only two attempts per call so that some runs do fail (which ones depends on how concurrent calls
 * interleave, so both outcomes are checked whichever happens). Whatever happens, an audit stores exactly the
 * right snapshot or none, no grant is lost, no email goes out twice, and the next fault-free runs finish.
 */
import { describe, expect, it } from 'vitest';
import { AuditFailedError } from '../../lib/audit/runAudit.js';
import { collectHolders } from '../../lib/audit/collectHolders.js';
import type { Fault } from '../../emulator/faults.js';
import { HOUR, journalEntries } from '../../testkit/fixtures.js';
import { activeGrant, revoke, startRevokeRuntime } from '../support/revokeRuntime.js';
import { runtimesPerTest, type TestRuntime } from '../support/runtime.js';
import { audit, duplicateEmails, outcome, storedHolders } from '../support/runs.js';

const SEEDS = [1, 2, 3, 4, 5, 6];
/** Three rules on each API: 1 - (1 - 0.072)^3 = 20% of calls fail once. */
const RATE = 0.072;
const FAULTS: Fault[] = [
  { kind: 'throttle', retryAfterSeconds: 0.01 },
  { kind: 'error', status: 503 },
  { kind: 'reset' },
];

const runtimes = runtimesPerTest(startRevokeRuntime);

function injectFaults(runtime: TestRuntime): void {
  for (const route of ['exchange:*', 'graph:/**', 'email:*'])
    for (const fault of FAULTS) runtime.emulator.faults.add({ route, fault, rate: RATE });
}

describe.each(SEEDS)('20%% failing calls, seed %i', (seed) => {
  it('stores the right snapshot or none, keeps the grant, sends no email twice, and the next runs finish', async () => {
    const rt = await runtimes.start({ faultSeed: seed, http: { maxAttempts: 2 }, env: { WATCHDOG_DIGEST_HOUR: '23' } });
    const grant = await activeGrant(rt, 'adelev', HOUR);
    const expected = (await collectHolders(rt, rt.clock.now())).holders;
    injectFaults(rt);

    const first = await outcome(() => audit(rt));
    const afterFirst = await storedHolders(rt);
    if (first.ok) expect(afterFirst).toEqual(expected);
    else {
      expect(first.error).toBeInstanceOf(AuditFailedError);
      // A failed read stores nothing; a failure after the commit (the alert) leaves the complete snapshot.
      if (afterFirst) expect(afterFirst).toEqual(expected);
      else expect((await journalEntries(rt.store)).filter((e) => e.type.startsWith('holder.'))).toEqual([]);
    }

    rt.clock.advance(2 * HOUR);
    await outcome(() => revoke(rt));
    const during = await rt.store.grants.get(grant.id);
    expect(['active', 'expired', 'revoked']).toContain(during?.status);

    expect(rt.emulator.faults.list().reduce((n, r) => n + r.fired, 0)).toBeGreaterThan(0);
    rt.emulator.faults.clear();
    const finalRevoke = await revoke(rt);
    expect(finalRevoke.revocation.failed).toEqual([]);
    expect((await rt.store.grants.get(grant.id))?.status).toBe('revoked');
    expect([...rt.emulator.state.assignments.values()].filter((a) => a.guid === grant.assignmentGuid)).toEqual([]);

    const last = await audit(rt);
    expect(last.holders).toEqual(expected.filter((h) => h.principal !== grant.principal));
    expect(await storedHolders(rt)).toEqual(last.holders);
    const events = (await journalEntries(rt.store)).filter((e) => e.subject === grant.id).map((e) => e.type);
    expect(events.filter((t) => t === 'grant.revoked')).toHaveLength(1);
    expect(duplicateEmails(rt)).toEqual([]);
    expect(
      rt.emulator
        .sentEmails()
        .filter((e) => e.subject.toLowerCase().includes('revoked') || e.subject.toLowerCase().includes('removed'))
        .length,
    ).toBeGreaterThanOrEqual(1);
  });
});
