/**
 * A plan of 5,000 removals (WATCHDOG_UNAPPROVED_ACTION=revoke on a tenant of 5,000 unapproved direct
 * assignments) is stopped by the mass-removal guard, and everything the run stores fits Table Storage: the
 * revoke.blocked entry keeps the count, a hash and the first targets, not the whole list.
 */
import { describe, expect, it } from 'vitest';
import { auditOptions } from '../../../lib/runtime.js';
import { runAudit } from '../../../lib/audit/runAudit.js';
import { LISTED_TARGETS, summarizeTargets } from '../../../lib/revoke/targetSummary.js';
import { largeTenant } from '../../../emulator/scenarios/largeTenant.js';
import { HOUR, journalEntries } from '../../../testkit/fixtures.js';
import { runtimesPerTest } from '../../support/runtime.js';
import {
  limitCheckedTables,
  MAX_BATCH_BYTES,
  MAX_ENTITY_BYTES,
  MAX_PROPERTY_BYTES,
  type TableWrite,
} from '../../../testkit/tableLimits.js';
import { emailsAbout, revoke, startRevokeRuntime } from '../../support/revokeRuntime.js';

const runtimes = runtimesPerTest(startRevokeRuntime);

describe('revokeExpired: a 5,000-target plan', () => {
  it('is blocked, alerted once and journaled within the Table Storage limits', async () => {
    const writes: TableWrite[] = [];
    const rt = await runtimes.start({
      scenario: largeTenant({ directAssignments: 5_000, roleGroupMembers: 0, securityGroupMembers: 0 }),
      env: { WATCHDOG_UNAPPROVED_ACTION: 'revoke', WATCHDOG_UNAPPROVED_GRACE: 'PT1H' },
      wrapTables: (tables) => limitCheckedTables(tables, writes),
    });
    const audit = await runAudit(rt, auditOptions(rt.config));
    expect(audit.holders.length).toBeGreaterThanOrEqual(5_000);
    rt.clock.advance(2 * HOUR);

    const { revocation } = await revoke(rt);
    expect(revocation.blocked?.removals).toBe(5_000);
    expect(revocation.removed).toEqual([]);
    const blocked = (await journalEntries(rt.store)).filter((e) => e.type === 'revoke.blocked');
    expect(blocked).toHaveLength(1);
    const data = blocked[0]?.data as unknown as ReturnType<typeof summarizeTargets> & { removals: number };
    expect(data.removals).toBe(5_000);
    expect(data.targetCount).toBe(5_000);
    expect(data.targets).toHaveLength(LISTED_TARGETS);
    expect(data.targetsOmitted).toBe(5_000 - LISTED_TARGETS);
    expect(data.targetsHash).toBe(
      summarizeTargets(revocation.planned.map((p) => `assignment:${p.assignmentGuid ?? ''}`)).targetsHash,
    );
    expect(emailsAbout(rt, 'Revocation stopped')).toHaveLength(1);

    // The next run finds the same plan: no second alert, no second entry, and still within the limits.
    await revoke(rt);
    expect((await journalEntries(rt.store)).filter((e) => e.type === 'revoke.blocked')).toHaveLength(1);
    expect(emailsAbout(rt, 'Revocation stopped')).toHaveLength(1);

    expect(writes.length).toBeGreaterThan(0);
    expect(Math.max(...writes.map((w) => w.maxPropertyBytes))).toBeLessThanOrEqual(MAX_PROPERTY_BYTES);
    expect(Math.max(...writes.map((w) => w.maxEntityBytes))).toBeLessThanOrEqual(MAX_ENTITY_BYTES);
    expect(Math.max(...writes.map((w) => w.totalBytes))).toBeLessThanOrEqual(MAX_BATCH_BYTES);
  }, 120_000);
});
