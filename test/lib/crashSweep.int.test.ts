/**
 * Die before each store write, deterministically: a clean run is counted first (W store writes), then for
 * every N in 1..W a fresh tenant and store see a run die before its Nth write (every request after it
 * fails too, as in a killed process), and the next run completes the work. Each time the journal must
 * hold every event of the clean run exactly once, verify intact, and no email may go out twice.
 * Covered: a first audit that also sends the daily digest, an audit after a holder was removed, the
 * revocation of an expired grant, the removal of unapproved holders (WATCHDOG_UNAPPROVED_ACTION=revoke; the
 * next run also after an audit that saw them gone) with the "needs a person" alert of the group-path holders,
 * a revocation the mass-removal guard stops, and an expiry reminder.
 */
import { describe, expect, it } from 'vitest';
import { auditOptions, type Runtime } from '../../lib/runtime.js';
import { runAudit } from '../../lib/audit/runAudit.js';
import { mapLimited } from '../../lib/limiter.js';
import { verifyHistory } from '../../lib/evidence/verifyHistory.js';
import { runRevokeSchedule } from '../../lib/revoke/runRevokeSchedule.js';
import { fixedGuid } from '../../emulator/scenarios/baseTenant.js';
import { ASSIGNMENTS, USERS } from '../../emulator/scenarios/forgottenMigrations.js';
import { startRevokeRuntime } from '../support/revokeRuntime.js';
import { seedExpiredGrant, upn } from '../../testkit/fixtures.js';
import { crashingTables } from '../../testkit/tables.js';
import { twinRuntime, type TestRuntime } from '../support/runtime.js';
import { testTables } from '../support/store.js';
import { duplicateEmails } from '../support/runs.js';

/** Past the audit's claim lease, so the next run takes over the dead run's claim. */
const AFTER_CRASH_MS = 11 * 60_000;
const AT_ONCE = 2;

interface Scenario {
  start: string;
  env?: Record<string, string>;
  /** Brings the tenant and store to the state the swept run starts from. */
  setup(rt: TestRuntime): Promise<void>;
  run(runtime: Runtime): Promise<unknown>;
  /** The run after the crash, when it is not `run` again. */
  next?(runtime: Runtime & TestRuntime): Promise<unknown>;
  /** `next` journals and mails more than the swept run (an audit): only the swept run's events are compared. */
  onlySweptEvents?: boolean;
  /** Events and emails left out of the comparison (not covered yet, see docs/revocation.md). */
  exclude?: RegExp;
  /** Events (type|subject prefix) the clean run must journal: what the case is about. */
  covers?: string[];
  /** Clock advance between the crash and the next run (default: past the audit's claim lease). */
  afterCrashMs?: number;
}

/** Adele's grant `sweep-{n}` with its assignment, expired a minute ago. */
const expiredGrant = (rt: TestRuntime, n: number) =>
  seedExpiredGrant(rt.emulator, rt.store.grants, USERS.adelev, {
    id: `sweep-${n}`,
    guid: fixedGuid(0xb7000000, n),
    now: rt.clock.now().getTime(),
    ticket: `CHG-${n}`,
    requestedBy: upn('meganb'),
    approvedBy: upn('lidiah'),
  });

interface Outcome {
  /** type|subject of every entry after the setup, sorted. */
  events: string[];
  emails: string[];
}

async function outcomeAfter(
  rt: TestRuntime,
  fromSeq: number,
  emailsBefore: number,
  exclude?: RegExp,
): Promise<Outcome> {
  const events: string[] = [];
  for await (const e of rt.store.journal.read({ fromSeq: fromSeq + 1 })) events.push(`${e.type}|${e.subject}`);
  const emails = rt.emulator
    .sentEmails()
    .slice(emailsBefore)
    .map((m) => `${[...m.to].sort().join(',')}|${m.subject}`);
  const kept = (x: string) => !exclude?.test(x);
  return { events: events.filter(kept).sort(), emails: emails.filter(kept).sort() };
}

async function prepared(scenario: Scenario): Promise<{ rt: TestRuntime; seq: number; emails: number }> {
  const rt = await startRevokeRuntime({ start: scenario.start, env: { WATCHDOG_DIGEST_HOUR: '23', ...scenario.env } });
  await scenario.setup(rt);
  return { rt, seq: (await rt.store.journalRows.head())?.seq ?? 0, emails: rt.emulator.sentEmails().length };
}

async function sweep(scenario: Scenario): Promise<number> {
  const clean = await prepared(scenario);
  const counter = crashingTables(testTables(clean.rt.tablePrefix));
  await scenario.run(twinRuntime(clean.rt, counter));
  const writes = counter.writes();
  const expected = await outcomeAfter(clean.rt, clean.seq, clean.emails, scenario.exclude);
  await clean.rt.stop();
  expect(writes).toBeGreaterThan(3);
  expect(new Set(expected.events).size, 'a clean run journals each event once').toBe(expected.events.length);
  for (const event of scenario.covers ?? [])
    expect(
      expected.events.some((e) => e.startsWith(event)),
      `the clean run journals ${event}`,
    ).toBe(true);

  // Each crash point has its own tenant and tables, so a few run side by side.
  const points = Array.from({ length: writes }, (_, i) => i + 1);
  await mapLimited(points, AT_ONCE, async (n) => {
    const { rt, seq, emails } = await prepared(scenario);
    try {
      const dying = crashingTables(testTables(rt.tablePrefix), n);
      await scenario.run(twinRuntime(rt, dying)).catch(() => undefined);
      // Concurrent journal appends may lose an ETag race and write again, so a run's write count varies a little.
      if (!dying.crashed()) expect(dying.writes(), `write ${n}`).toBeLessThan(n);
      rt.clock.advance(scenario.afterCrashMs ?? AFTER_CRASH_MS);
      await (scenario.next ?? scenario.run)(rt);
      const all = await outcomeAfter(rt, seq, emails, scenario.exclude);
      const got = scenario.onlySweptEvents
        ? {
            events: all.events.filter((e) => expected.events.includes(e)),
            emails: all.emails.filter((m) => expected.emails.includes(m)),
          }
        : all;
      expect(got.events, `journal after a crash before write ${n} of ${writes}`).toEqual(expected.events);
      expect(got.emails, `emails after a crash before write ${n} of ${writes}`).toEqual(expected.emails);
      expect(duplicateEmails(rt)).toEqual([]);
      expect((await verifyHistory(rt.store.journalRows)).ok, `chain after a crash before write ${n}`).toBe(true);
    } finally {
      await rt.stop();
    }
  });
  return writes;
}

const audit = (runtime: Runtime) => runAudit(runtime, auditOptions(runtime.config));
const revoke = (runtime: Runtime) => runRevokeSchedule(runtime);

/** Two of the seed tenant's direct unapproved assignments (removed side by side), audited and past WATCHDOG_UNAPPROVED_GRACE. */
const unapproved = {
  start: '2026-11-01T09:00:00Z',
  env: { WATCHDOG_UNAPPROVED_ACTION: 'revoke', WATCHDOG_UNAPPROVED_GRACE: 'PT1H' },
  setup: async (rt: TestRuntime) => {
    // Two are enough to race; every further one only lengthens the sweep.
    for (const a of [ASSIGNMENTS.nestorw, ASSIGNMENTS.legacyArchiver]) await rt.exchange.removeRoleAssignment(a.guid);
    await audit(rt);
    rt.clock.advance(61 * 60_000);
  },
  run: revoke,
  covers: ['alert.sent|revoke/needs-person/', 'unapproved.revoked|'],
};

// Each sweep runs the job once per store write, crashing there, and the next run after it: tens of runs a test, so
// a shared machine can take more than the default 30 s over one.
describe(
  'a run that dies before any store write is completed by the next one, every event journaled once',
  { timeout: 90_000 },
  () => {
    it('the first audit of the day, with the drift alert and the daily digest', async () => {
      const writes = await sweep({
        start: '2026-11-01T08:00:00Z',
        env: { WATCHDOG_DIGEST_HOUR: '8' },
        setup: async () => undefined,
        run: audit,
      });
      expect(writes).toBeGreaterThan(8);
    });

    it('an audit after a holder was removed (holder.removed, finding.resolved)', async () => {
      await sweep({
        start: '2026-11-01T09:00:00Z',
        setup: async (rt) => {
          await audit(rt);
          await rt.exchange.removeRoleAssignment(ASSIGNMENTS.alexw.guid);
          rt.clock.advance(15 * 60_000);
        },
        run: audit,
      });
    });

    it('the revocation of an expired grant', async () => {
      await sweep({
        start: '2026-11-01T09:00:00Z',
        setup: async (rt) => {
          await expiredGrant(rt, 1);
        },
        run: revoke,
      });
    });

    it('the removal of unapproved holders (assignment.removed, unapproved.revoked and the notice once each)', async () => {
      const writes = await sweep(unapproved);
      expect(writes).toBeGreaterThan(6);
    });

    it('a revocation stopped by the mass-removal guard (revoke.blocked and its alert once each)', async () => {
      await sweep({
        ...unapproved,
        env: { ...unapproved.env, WATCHDOG_REVOKE_MAX_COUNT: '1' },
        covers: ['revoke.blocked|revoke/blocked/', 'alert.sent|revoke/blocked/', 'alert.sent|revoke/needs-person/'],
      });
    });

    it('a guard alert whose situation changed before the next run: journaled once if the outbox confirms its email, else not at all', async () => {
      const blocked = { ...unapproved, env: { ...unapproved.env, WATCHDOG_REVOKE_MAX_COUNT: '1' } };
      const clean = await prepared(blocked);
      const counter = crashingTables(testTables(clean.rt.tablePrefix));
      await revoke(twinRuntime(clean.rt, counter));
      const key =
        (await outcomeAfter(clean.rt, clean.seq, clean.emails)).events
          .find((e) => e.startsWith('revoke.blocked|'))
          ?.split('|')[1] ?? '';
      await clean.rt.stop();
      expect(key).toMatch(/^revoke\/blocked\//);
      const points = Array.from({ length: counter.writes() }, (_, i) => i + 1);
      await mapLimited(points, AT_ONCE, async (n) => {
        const { rt, seq, emails } = await prepared(blocked);
        try {
          await revoke(twinRuntime(rt, crashingTables(testTables(rt.tablePrefix), n))).catch(() => undefined);
          rt.clock.advance(AFTER_CRASH_MS);
          // The guard no longer stops the next run (a person raised the limit): its plan and alert keys differ.
          await revoke({ ...rt, config: { ...rt.config, revoke: { ...rt.config.revoke, maxCount: 10 } } });
          const { events } = await outcomeAfter(rt, seq, emails);
          const mailed = rt.emulator
            .sentEmails()
            .slice(emails)
            .filter((m) => /Revocation stopped/.test(m.subject)).length;
          const status = (await rt.store.sentMail.get(key))?.status;
          // A send the dead run left in flight ('sending': ACS may have taken it) is the case not covered (see docs/revocation.md).
          const confirmed = status === 'sent' ? 1 : 0;
          expect(mailed, `emails after a crash before write ${n}`).toBe(status === 'sending' ? mailed : confirmed);
          expect(mailed).toBeLessThanOrEqual(1);
          expect(
            events.filter((e) => e.startsWith('alert.sent|revoke/blocked/')),
            `alert.sent after a crash before write ${n}`,
          ).toHaveLength(confirmed);
          expect(
            events.filter((e) => e.startsWith('revoke.blocked|')),
            `revoke.blocked after a crash before write ${n}`,
          ).toHaveLength(confirmed);
          expect(await rt.store.alertIntents.list(), `intents left after a crash before write ${n}`).toEqual([]);
          expect((await verifyHistory(rt.store.journalRows)).ok).toBe(true);
        } finally {
          await rt.stop();
        }
      });
    });

    // Every crash point runs a revocation, a full audit of every door and another revocation on its own tenant.
    it(
      'the removal of unapproved holders, finished after an audit that no longer lists them',
      { timeout: 90_000 },
      async () => {
        await sweep({
          ...unapproved,
          next: async (rt) => {
            await audit(rt);
            await revoke(rt);
          },
          onlySweptEvents: true,
        });
      },
    );

    it('an expiry reminder (its alert.sent once, the email once)', async () => {
      await sweep({
        start: '2026-11-01T09:00:00Z',
        setup: async (rt) => {
          const seeded = await expiredGrant(rt, 2);
          // 30 minutes left: the PT1H reminder is due.
          await rt.store.grants.update(seeded, {
            ...seeded,
            expiresAt: new Date(rt.clock.now().getTime() + 30 * 60_000).toISOString(),
          });
        },
        run: revoke,
        // The email says how long is left: the next run is an immediate retry, so the text is the same.
        afterCrashMs: 0,
      });
    });
  },
);
