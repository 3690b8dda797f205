/**
 * A run killed before any one of its store writes, with every channel pointed at the emulator's endpoints: the
 * first audit raises its drift alert to Teams, the webhook, Logs Ingestion and email; it dies before write N (every
 * N of a clean run, as test/lib/crashSweep.int.test.ts does for the journal); the next audit and the next
 * revocation tick's outbox pass finish the work. Each channel then has every notice (none lost), the webhook
 * receiver and the log rows each notice once by its id, and at most the one post that was in flight when the run
 * died went twice (the window docs/notifications.md names: accepted by the receiver, not yet recorded).
 */
import { describe, expect, it } from 'vitest';
import { mapLimited } from '../../../lib/limiter.js';
import { runRevokeSchedule } from '../../../lib/revoke/runRevokeSchedule.js';
import type { Runtime } from '../../../lib/runtime.js';
import { crashingTables } from '../../../testkit/tables.js';
import { startRevokeRuntime } from '../../support/revokeRuntime.js';
import { audit, duplicateEmails } from '../../support/runs.js';
import { twinRuntime, type TestRuntime } from '../../support/runtime.js';
import { testTables } from '../../support/store.js';

/** Past the audit's claim lease, so the next run takes over the dead run's claim. */
const AFTER_CRASH_MS = 11 * 60_000;

const start = () =>
  startRevokeRuntime({ withChannels: true, emailLimits: 'none', env: { WATCHDOG_DIGEST_HOUR: '23' } });

const firstAudit = (runtime: Runtime) => audit(runtime as TestRuntime);

interface Received {
  teamsPosts: number;
  webhookIds: string[];
  logIds: string[];
  /** Posts accepted beyond one per notice and channel. */
  extra: number;
}

function received(rt: TestRuntime): Received {
  const { channels } = rt.emulator;
  const teams = channels.teams().filter((p) => p.status === 202).length;
  const hooks = channels.webhook().filter((d) => d.verified);
  const uploads = channels.logs().filter((u) => u.status === 204);
  const logIds = uploads.map((u) => (u.rows[0] as { EventId: string }).EventId);
  const webhookIds = [...new Set(hooks.map((d) => d.eventId as string))].sort();
  return {
    teamsPosts: teams,
    webhookIds,
    logIds: [...new Set(logIds)].sort(),
    extra: hooks.length - webhookIds.length + (logIds.length - new Set(logIds).size),
  };
}

describe('a run killed before any store write delivers each notice to every channel', () => {
  it('the first audit and its drift alert, on Teams, the webhook, Logs Ingestion and email', async () => {
    const clean = await start();
    const counter = crashingTables(testTables(clean.tablePrefix));
    await firstAudit(twinRuntime(clean, counter));
    const writes = counter.writes();
    const expected = received(clean);
    const emails = clean.emulator.sentEmails().map((e) => e.subject);
    await clean.stop();
    // Each of the three channels claims, writes ahead, and records twice: its writes are among those swept.
    expect(writes).toBeGreaterThan(12);
    expect(expected.webhookIds.length).toBeGreaterThan(0);
    let postedTwice = 0;
    expect(expected).toMatchObject({ teamsPosts: expected.webhookIds.length, extra: 0, logIds: expected.webhookIds });

    await mapLimited(
      Array.from({ length: writes }, (_, i) => i + 1),
      2,
      async (n) => {
        const rt = await start();
        try {
          await firstAudit(twinRuntime(rt, crashingTables(testTables(rt.tablePrefix), n))).catch(() => undefined);
          rt.clock.advance(AFTER_CRASH_MS);
          await audit(rt);
          await runRevokeSchedule(rt);
          const got = received(rt);
          const at = `after a crash before write ${n} of ${writes}`;
          expect(got.webhookIds, at).toEqual(expected.webhookIds);
          expect(got.logIds, at).toEqual(expected.logIds);
          const teamsExtra = got.teamsPosts - expected.teamsPosts;
          expect(teamsExtra, at).toBeGreaterThanOrEqual(0);
          expect(got.extra + teamsExtra, `${at}: only the post in flight may go twice`).toBeLessThanOrEqual(1);
          postedTwice += got.extra + teamsExtra;
          expect((await rt.store.sentMail.listDeferred()).length, at).toBe(0);
          expect(
            rt.emulator.sentEmails().map((e) => e.subject),
            at,
          ).toEqual(emails);
          expect(duplicateEmails(rt), at).toEqual([]);
        } finally {
          await rt.stop();
        }
      },
    );
    // One crash point per channel falls between its post and its record: those, and only those, posted twice.
    expect(postedTwice).toBe(3);
    // Some 25 runs, each on a tenant and tables of its own: longer than one test's default on a loaded machine.
  }, 120_000);
});
