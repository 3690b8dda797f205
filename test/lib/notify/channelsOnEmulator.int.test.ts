/**
 * The Teams, webhook and Logs Ingestion channels through the real path: the runtime built from the local stack's
 * settings (localEnv's channel settings), real HTTP to the tenant emulator's endpoints and the outbox on Azurite.
 * Each kind's payload as the emulator received it; seeded faults (5xx, 429 with Retry-After, a 4xx from Teams, a
 * receiver refusing the signature, a data collection rule refusing the rows) keep the notice in the outbox with the
 * error, the revocation run's outbox pass reports it and delivers it once the channel is back, and the other
 * channels and the email go out regardless.
 */
import * as v from 'valibot';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EMULATOR_LOGS_RULE_ID, EMULATOR_LOGS_STREAM } from '../../../contract/emulator.js';
import { NOTICE_KINDS, type NoticeKind } from '../../../lib/notify/noticeKinds.js';
import { sendNotice } from '../../../lib/notify/sendNotice.js';
import { escapeMarkdown } from '../../../lib/notify/teamsCard.js';
import { webhookEventSchema } from '../../../lib/notify/webhookEventSchema.js';
import type { Logger } from '../../../lib/ports/index.js';
import { runRevokeSchedule } from '../../../lib/revoke/runRevokeSchedule.js';
import { silentLogger } from '../../../testkit/loggers.js';
import { audit } from '../../support/runs.js';
import { startRevokeRuntime } from '../../support/revokeRuntime.js';
import type { TestRuntime } from '../../support/runtime.js';
import { sampleNotices } from './sampleNotices.js';

const KINDS = Object.keys(NOTICE_KINDS) as NoticeKind[];
const MINUTE = 60_000;

/** A runtime whose channels are the emulator's endpoints, as `npm start` and `serve` set them. */
function channelRuntime(logger: Logger = silentLogger, env: Record<string, string> = {}): Promise<TestRuntime> {
  // The digest hour is past the day's runs: the first audit raises one notice, its drift alert.
  return startRevokeRuntime({
    logger,
    emailLimits: 'none',
    withChannels: true,
    env: { WATCHDOG_DIGEST_HOUR: '23', ...env },
  });
}

const noticeDeps = (rt: TestRuntime) => ({ mailer: rt.mailer, store: rt.store, notify: rt.notify });

describe('each kind as the emulator receives it on every channel', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await channelRuntime();
  });
  afterAll(() => rt.stop());
  beforeEach(() => rt.emulator.reset());

  const notices = sampleNotices();
  for (const kind of KINDS) {
    it(kind, async () => {
      const notice = notices[kind];
      await sendNotice(noticeDeps(rt), notice);
      const { channels } = rt.emulator;

      const [post, ...morePosts] = channels.teams();
      expect(morePosts).toEqual([]);
      expect(post).toMatchObject({ status: 202 });
      const card = (post?.message as { attachments: { content: Record<string, unknown> }[] }).attachments[0]!.content;
      expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
      expect(JSON.stringify(card.body)).toContain(
        JSON.stringify(escapeMarkdown(NOTICE_KINDS[kind].label)).slice(1, -1),
      );

      const [delivery, ...moreDeliveries] = channels.webhook();
      expect(moreDeliveries).toEqual([]);
      expect(delivery).toMatchObject({ status: 202, verified: true, duplicate: false, eventId: notice.key });
      expect(v.parse(webhookEventSchema, delivery?.event)).toMatchObject({
        id: notice.key,
        kind,
        severity: notice.severity,
        occurredAt: notice.at,
        summary: notice.summary,
      });

      const [upload, ...moreUploads] = channels.logs();
      expect(moreUploads).toEqual([]);
      expect(upload).toMatchObject({ status: 204, ruleId: EMULATOR_LOGS_RULE_ID, stream: EMULATOR_LOGS_STREAM });
      expect(upload?.rows[0]).toMatchObject({ RowType: 'notice', EventId: notice.key, Kind: kind });
      expect(upload?.rows).toHaveLength(1 + notice.tables.reduce((n, t) => n + t.rows.length, 0));

      for (const channel of ['teams', 'webhook', 'logs'])
        expect((await rt.store.sentMail.get(`${channel}|${notice.key}`))?.status, channel).toBe('sent');
    });
  }
});

/** A logger that keeps the errors: what an operator sees of a channel that failed. */
function errorLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { ...silentLogger, error: (m) => void errors.push(m), errors };
}

describe('a channel that fails, seeded on the emulator', () => {
  let rt: TestRuntime;
  let logger: ReturnType<typeof errorLogger>;
  beforeEach(async () => {
    logger = errorLogger();
    rt = await channelRuntime(logger);
  });
  afterEach(() => rt.stop());

  /** The first audit's drift alert, the notice every channel gets: its key. */
  async function driftAlert(): Promise<string> {
    const drift = (await audit(rt)).emails.find((e) => e.kind === 'drift');
    expect(drift?.status).toBe('sent');
    return drift?.idempotencyKey as string;
  }

  async function nextTick() {
    rt.clock.advance(5 * MINUTE);
    return (await runRevokeSchedule(rt)).outbox?.channels ?? [];
  }

  it('a webhook answering 503 on every attempt: the notice waits with the error, the run reports it, the others and the email went; delivered once it is back', async () => {
    rt.emulator.faults.add({ route: 'webhook:post', fault: { kind: 'error', status: 503 }, times: 3 });
    const key = await driftAlert();
    expect((await rt.store.sentMail.listDeferred()).map((d) => d.message.idempotencyKey)).toEqual([`webhook|${key}`]);
    expect(rt.emulator.calls.where({ api: 'webhook' }).map((c) => c.status)).toEqual([503, 503, 503]);
    const record = await rt.store.sentMail.get(`webhook|${key}`);
    expect(record).toMatchObject({ status: 'deferred' });
    expect(record?.error).toContain('HTTP 503 after 3 attempt(s)');
    expect(logger.errors.some((e) => e.includes('webhook channel') && e.includes('HTTP 503'))).toBe(true);
    expect(rt.emulator.channels.teams().filter((p) => p.status === 202).length).toBeGreaterThan(0);
    expect(rt.emulator.channels.logs().some((u) => (u.rows[0] as { EventId?: string }).EventId === key)).toBe(true);
    expect(rt.emulator.sentEmails().length).toBeGreaterThan(0);

    const report = await nextTick();
    expect(report.find((c) => c.channel === 'webhook')).toMatchObject({ sent: 1, waiting: 0, errors: [] });
    expect(await nextTick()).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: 'webhook', sent: 0 })]),
    );
    const verified = rt.emulator.channels.webhook().filter((d) => d.verified && d.eventId === key);
    expect(verified.map((d) => d.duplicate)).toEqual([false]);
  });

  it('a throttled webhook: a short Retry-After is waited out within the run, a long one leaves the notice for a later run', async () => {
    rt.emulator.faults.add({ route: 'webhook:post', fault: { kind: 'throttle', retryAfterSeconds: 0.01 }, calls: [1] });
    rt.emulator.faults.add({ route: 'logs:upload', fault: { kind: 'throttle', retryAfterSeconds: 120 }, times: 1 });
    const key = await driftAlert();
    expect(rt.emulator.calls.where({ api: 'webhook' }).map((c) => c.status)).toEqual([429, 202]);
    expect((await rt.store.sentMail.get(`webhook|${key}`))?.status).toBe('sent');
    expect(rt.emulator.calls.where({ api: 'logs' }).map((c) => c.status)).toEqual([429]);
    expect((await rt.store.sentMail.get(`logs|${key}`))?.error).toContain('HTTP 429 after 1 attempt(s)');
    expect((await nextTick()).find((c) => c.channel === 'logs')).toMatchObject({ sent: 1, waiting: 0 });
    expect(rt.emulator.channels.logs().map((u) => u.status)).toEqual([204]);
  });

  it('Teams refusing the post (404, a deleted workflow) is not retried within the run; the webhook, the logs and the email still go', async () => {
    rt.emulator.faults.add({
      route: 'teams:post',
      fault: { kind: 'refuse', status: 404, code: 'WorkflowNotFound', message: 'The workflow was deleted.' },
      times: 2,
    });
    const key = await driftAlert();
    expect(rt.emulator.calls.where({ api: 'teams' }).map((c) => c.status)).toEqual([404]);
    expect((await rt.store.sentMail.get(`teams|${key}`))?.error).toContain('WorkflowNotFound');
    expect((await rt.store.sentMail.get(`webhook|${key}`))?.status).toBe('sent');
    expect((await rt.store.sentMail.get(`logs|${key}`))?.status).toBe('sent');
    expect((await rt.store.sentMail.get(key))?.status).toBe('sent');

    const refusedAgain = await nextTick();
    expect(refusedAgain.find((c) => c.channel === 'teams')?.errors.join()).toContain('HTTP 404');
    rt.clock.advance(10 * MINUTE);
    expect((await nextTick()).find((c) => c.channel === 'teams')).toMatchObject({ sent: 1, waiting: 0 });
    expect(rt.emulator.channels.teams().map((p) => p.status)).toEqual([202]);
  });

  it('a data collection rule that rejects the rows (its stream is not declared), then one the identity may not use: both wait with the answer', async () => {
    const { channels } = rt.emulator;
    channels.setRule(EMULATOR_LOGS_RULE_ID, { streams: ['Custom-SomethingElse_CL'], publisher: true });
    const key = await driftAlert();
    expect((await rt.store.sentMail.get(`logs|${key}`))?.error).toContain('InvalidStream');
    expect(channels.logs().map((u) => u.status)).toEqual([400]);

    channels.setRule(EMULATOR_LOGS_RULE_ID, { streams: [EMULATOR_LOGS_STREAM], publisher: false });
    const forbidden = await nextTick();
    expect(forbidden.find((c) => c.channel === 'logs')?.errors.join()).toContain('HTTP 403');
    expect((await rt.store.sentMail.get(`logs|${key}`))?.error).toContain('OperationFailed');

    channels.setRule(EMULATOR_LOGS_RULE_ID, { streams: [EMULATOR_LOGS_STREAM], publisher: true });
    rt.clock.advance(10 * MINUTE);
    expect((await nextTick()).find((c) => c.channel === 'logs')).toMatchObject({ sent: 1, waiting: 0 });
    const accepted = channels.logs().filter((u) => u.status === 204);
    expect(accepted.map((u) => (u.rows[0] as { EventId: string }).EventId)).toEqual([key]);
  });

  it('a webhook secret the receiver does not hold: refused (401, recorded unverified), the event waits with the answer', async () => {
    await rt.stop();
    rt = await channelRuntime(logger, { WATCHDOG_WEBHOOK_SECRET: 'not-the-secret-the-receiver-holds-0123456789' });
    const key = await driftAlert();
    const [refused] = rt.emulator.channels.webhook();
    expect(refused).toMatchObject({ status: 401, verified: false, eventId: key });
    expect(refused?.problem).toContain('signature does not match');
    expect((await rt.store.sentMail.get(`webhook|${key}`))?.error).toContain('HTTP 401');
  });
});
