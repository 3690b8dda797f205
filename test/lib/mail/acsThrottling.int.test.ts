/**
 * ACS Email's rate limits through the real mailer, over HTTP to the emulator and with the outbox in Azurite:
 * a short Retry-After is waited for and retried; a burst over the limit is deferred to the outbox and sent
 * by later runs, every message exactly once. The emulator enforces the documented limits of an Azure-managed
 * domain (5 a minute, 10 an hour).
 */
import { describe, expect, it } from 'vitest';
import { AcsMailer } from '../../../lib/mail/acsMailer.js';
import type { EmailMessage } from '../../../lib/ports/index.js';
import { EMAIL_SEND_LIMITS } from '../../../emulator/email/sendLimits.js';
import { SECURITY_TEAM, SENDER } from '../../../emulator/scenarios/forgottenMigrations.js';
import { journalEntries } from '../../../testkit/fixtures.js';
import { revoke } from '../../support/revokeRuntime.js';
import { runtimesPerTest, type TestRuntime } from '../../support/runtime.js';

const runtimes = runtimesPerTest();

/** The runtime's mailer, but one that waits at most 1 s for a Retry-After (the emulator asks for up to an hour). */
function mailerOf(r: TestRuntime): AcsMailer {
  return new AcsMailer({
    connectionString: r.emulator.emailConnectionString,
    sender: SENDER,
    outbox: r.store.sentMail,
    clock: r.clock,
    pollIntervalMs: 5,
    retryDelayMs: 5,
    maxRetryAfterMs: 1_000,
  });
}

const notice = (i: number): EmailMessage => ({
  to: [SECURITY_TEAM],
  subject: `Notice ${i}`,
  html: `<p>${i}</p>`,
  text: String(i),
  idempotencyKey: `burst/${i}`,
});
const subjects = (r: TestRuntime) => r.emulator.sentEmails().map((e) => e.subject);
const sendCalls = (r: TestRuntime) => r.emulator.calls.where({ api: 'email', name: 'send' });

describe('ACS Email rate limits', () => {
  it('waits out a short Retry-After and sends once', async () => {
    const rt = await runtimes.start({ emailLimits: 'none' });
    rt.emulator.faults.add({ route: 'email:send', fault: { kind: 'throttle', retryAfterSeconds: 0.05 }, times: 2 });
    expect((await mailerOf(rt).send(notice(1))).status).toBe('sent');
    expect(sendCalls(rt).map((c) => c.status)).toEqual([429, 429, 202]);
    expect(subjects(rt)).toEqual(['Notice 1']);
  });

  it('defers a burst over the limit to the outbox and sends it later, each message once', async () => {
    const rt = await runtimes.start({ emailLimits: EMAIL_SEND_LIMITS.azureManagedDomain });
    const mailer = mailerOf(rt);
    const statuses = [];
    for (let i = 1; i <= 12; i++) statuses.push((await mailer.send(notice(i))).status);
    expect(statuses).toEqual([...Array(5).fill('sent'), ...Array(7).fill('deferred')]);
    // Once throttled, the run stops asking: only the sixth send reached ACS (and got 429).
    expect(sendCalls(rt).map((c) => c.status)).toEqual([202, 202, 202, 202, 202, 429]);
    expect(subjects(rt)).toEqual(['Notice 1', 'Notice 2', 'Notice 3', 'Notice 4', 'Notice 5']);
    // A retried run raising the same notices again adds nothing.
    expect((await mailer.send(notice(7))).status).toBe('duplicate');

    // A later run (a new process: a new mailer) before the window reopens sends nothing.
    expect(await mailerOf(rt).sendDeferred()).toEqual({ sent: [], waiting: 7 });
    rt.clock.advance(61_000);
    const second = await mailerOf(rt).sendDeferred();
    expect(second.sent.map((m) => m.subject)).toEqual(['Notice 6', 'Notice 7', 'Notice 8', 'Notice 9', 'Notice 10']);
    expect(second.waiting).toBe(2); // the hourly limit of 10 is reached
    rt.clock.advance(3_600_000);
    const third = await mailerOf(rt).sendDeferred();
    expect(third).toEqual({ sent: [notice(11), notice(12)], waiting: 0 });
    expect(subjects(rt)).toEqual(Array.from({ length: 12 }, (_, i) => `Notice ${i + 1}`));
    expect(await mailerOf(rt).sendDeferred()).toEqual({ sent: [], waiting: 0 });
  });

  it('a revocation run sends what an earlier run deferred, journaled as sent', async () => {
    const rt = await runtimes.start({ emailLimits: { perMinute: 1, perHour: 100 } });
    const r = rt;
    const mailer = mailerOf(r);
    expect((await mailer.send(notice(1))).status).toBe('sent');
    expect((await mailer.send(notice(2))).status).toBe('deferred');
    r.clock.advance(61_000);
    const tick = await revoke({ ...r, mailer: mailerOf(r) });
    expect(tick.outbox).toEqual({ sent: 1, waiting: 0, channels: [] });
    expect(subjects(r)).toEqual(['Notice 1', 'Notice 2']);
    expect(
      (await journalEntries(r.store)).filter((e) => e.type === 'alert.sent' && e.subject === 'burst/2'),
    ).toHaveLength(1);
  });
});
