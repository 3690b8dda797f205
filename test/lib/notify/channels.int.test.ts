/**
 * Every notice kind through every channel, over real HTTP to loopback receivers and the real outbox on Azurite:
 * the Teams card, the signed webhook event (verified as a receiver would) and the Logs Ingestion rows; a channel
 * refusing a notice keeps it in the outbox with the error while the others still get it; a run that dies around
 * a post leaves nothing lost and, for receivers that deduplicate on the event id, nothing twice.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import { logsChannel } from '../../../lib/channels/logsChannel.js';
import { teamsChannel } from '../../../lib/channels/teamsChannel.js';
import { webhookChannel } from '../../../lib/channels/webhookChannel.js';
import { ManualClock } from '../../../lib/clock.js';
import { NOTICE_KINDS, type NoticeKind } from '../../../lib/notify/noticeKinds.js';
import { parseRoutes } from '../../../lib/notify/routes.js';
import { sendNotice, type NoticeDeps } from '../../../lib/notify/sendNotice.js';
import { escapeMarkdown } from '../../../lib/notify/teamsCard.js';
import { webhookEventSchema } from '../../../lib/notify/webhookEventSchema.js';
import type { EmailMessage, Mailer, SentMailStore } from '../../../lib/ports/index.js';
import { storeOn } from '../../../lib/tableStorage/openStore.js';
import { crashingTables } from '../../../testkit/tables.js';
import { startFakeServer, type FakeServer, type RecordedRequest, type Reply } from '../../support/fakeServer.js';
import { testTables, uniquePrefix } from '../../support/store.js';
import { HOSTILE, sampleNotices } from './sampleNotices.js';

const SECRET = 'a-webhook-secret-of-at-least-32-characters';
const WEB = 'https://mie.contoso.example';
const FAST = { baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 50 };
const KINDS = Object.keys(NOTICE_KINDS) as NoticeKind[];

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function receiver(reply: (r: RecordedRequest, i: number) => Reply = () => ({ status: 202 })) {
  const server = await startFakeServer(reply);
  servers.push(server);
  return server;
}

function recordingMailer(): Mailer & { sent: EmailMessage[] } {
  const sent: EmailMessage[] = [];
  return {
    sent,
    send: async (m) => {
      sent.push(m);
      return { status: 'sent', messageId: m.idempotencyKey };
    },
    sendDeferred: async () => ({ sent: [], waiting: 0 }),
  };
}

/** What a receiver does with the documented recipe: recompute the HMAC over "<timestamp>.<raw body>", compare in constant time, refuse stale. */
function verifyLikeAReceiver(request: RecordedRequest, secret: string, nowMs: number): boolean {
  const timestamp = String(request.headers['x-watchdog-timestamp'] ?? '');
  const given = Buffer.from(String(request.headers['x-watchdog-signature'] ?? ''));
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex')}`,
  );
  const fresh = Math.abs(nowMs / 1000 - Number(timestamp)) <= 300;
  return fresh && given.length === expected.length && timingSafeEqual(given, expected);
}

async function setup(
  options: {
    teams?: FakeServer;
    webhook?: FakeServer;
    logs?: FakeServer;
    outbox?: SentMailStore;
    routes?: string;
  } = {},
) {
  const clock = new ManualClock('2026-11-02T10:00:00.000Z');
  const teams = options.teams ?? (await receiver());
  const webhook = options.webhook ?? (await receiver());
  const logs = options.logs ?? (await receiver(() => ({ status: 204 })));
  const outbox = options.outbox ?? storeOn(testTables(), clock).sentMail;
  const credential = { getToken: async () => ({ token: 'monitor-token', expiresOnTimestamp: Date.now() + HOUR_MS }) };
  const base = { outbox, clock, policy: FAST };
  const channels = [
    teamsChannel({ ...base, url: `${teams.url}/workflows/1` }),
    webhookChannel({ ...base, url: `${webhook.url}/hook`, secret: SECRET }),
    logsChannel({
      ...base,
      endpoint: logs.url,
      ruleId: 'dcr-00000000000000000000000000000001',
      stream: 'Custom-MieWatchdog_CL',
      credential,
    }),
  ];
  const mailer = recordingMailer();
  const routes = options.routes ? (parseRoutes(options.routes) as { ok: true; value: never }).value : undefined;
  const deps: NoticeDeps = {
    mailer,
    store: { journal: { append: async () => ({}) as never, appendOnce: async () => [] } as never },
    notify: { webUrl: WEB, channels, routes },
  };
  return { clock, teams, webhook, logs, outbox, channels, mailer, deps };
}

const HOUR_MS = 3_600_000;

describe('every kind through every channel', () => {
  it('posts a Teams card, a signed webhook event and log rows for each kind, each carrying the notice', async () => {
    const s = await setup();
    const notices = sampleNotices();
    for (const kind of KINDS) await sendNotice(s.deps, notices[kind]);
    expect(s.teams.requests).toHaveLength(KINDS.length);
    expect(s.webhook.requests).toHaveLength(KINDS.length);
    expect(s.logs.requests).toHaveLength(KINDS.length);
    for (const [i, kind] of KINDS.entries()) {
      const notice = notices[kind];
      const page = notice.page ? `${WEB}${notice.page.path}` : undefined;

      const card = JSON.parse(s.teams.requests[i]!.body);
      expect(card.type).toBe('message');
      const content = card.attachments[0].content;
      expect(card.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(content.version).toBe('1.4');
      expect(content.body[0].items[0].text).toContain(escapeMarkdown(NOTICE_KINDS[kind].label));
      expect(content.actions?.[0]).toEqual(
        page ? { type: 'Action.OpenUrl', title: notice.page?.label, url: page } : undefined,
      );
      expect(Buffer.byteLength(s.teams.requests[i]!.body)).toBeLessThan(28_000);

      const hook = s.webhook.requests[i]!;
      expect(verifyLikeAReceiver(hook, SECRET, s.clock.now().getTime()), kind).toBe(true);
      const event = v.parse(webhookEventSchema, JSON.parse(hook.body));
      expect(event).toMatchObject({
        id: notice.key,
        kind,
        severity: notice.severity,
        occurredAt: notice.at,
        summary: notice.summary,
      });
      expect(event.url).toBe(page);
      expect(hook.headers['x-watchdog-event-id']).toBe(notice.key);

      const rows = JSON.parse(s.logs.requests[i]!.body);
      expect(s.logs.requests[i]!.url).toBe(
        '/dataCollectionRules/dcr-00000000000000000000000000000001/streams/Custom-MieWatchdog_CL?api-version=2023-01-01',
      );
      expect(s.logs.requests[i]!.headers.authorization).toBe('Bearer monitor-token');
      expect(rows[0]).toMatchObject({
        RowType: 'notice',
        EventId: notice.key,
        Kind: kind,
        Severity: notice.severity,
        TimeGenerated: notice.at,
      });
      expect(rows.length).toBe(1 + notice.tables.reduce((n, t) => n + t.rows.length, 0));
    }
    expect(s.mailer.sent.map((m) => m.idempotencyKey)).toEqual(KINDS.map((k) => notices[k].key));
  });

  it('carries user text as text: escaped Markdown in Teams, the raw string in the event and the rows', async () => {
    const s = await setup();
    const notice = sampleNotices()['grant-requested'];
    await sendNotice(s.deps, notice);
    const card = s.teams.requests[0]!.body;
    expect(card).not.toContain('[click](https://evil.example)');
    expect(card).toContain('\\\\[click\\\\]\\\\(https://evil\\\\.example\\\\)');
    const event = JSON.parse(s.webhook.requests[0]!.body);
    expect(event.facts.find((f: { label: string }) => f.label === 'Justification').text).toBe(HOSTILE);
  });

  it('sends each notice once per channel, whatever repeats it', async () => {
    const s = await setup();
    const notice = sampleNotices()['revoke-failed'];
    await sendNotice(s.deps, notice);
    await sendNotice(s.deps, notice);
    for (const c of s.channels) expect(await c.deliverWaiting()).toMatchObject({ sent: 0, waiting: 0 });
    expect([s.teams, s.webhook, s.logs].map((r) => r.requests.length)).toEqual([1, 1, 1]);
  });

  it('routes by kind and least severity, email included', async () => {
    const s = await setup({ routes: 'teams: * >= high; webhook: grant-*; logs: *; email: revoke-*' });
    const notices = sampleNotices();
    await sendNotice(s.deps, notices['grant-approved']);
    await sendNotice(s.deps, notices['revoke-failed']);
    const kinds = (r: FakeServer) =>
      r.requests.map((q) => (JSON.parse(q.body).kind ?? JSON.parse(q.body)[0]?.Kind ?? 'card') as string);
    expect(s.teams.requests).toHaveLength(1);
    expect(kinds(s.webhook)).toEqual(['grant-approved']);
    expect(kinds(s.logs)).toEqual(['grant-approved', 'revoke-failed']);
    expect(s.mailer.sent.map((m) => m.idempotencyKey)).toEqual([notices['revoke-failed'].key]);
  });
});

describe('a channel that fails', () => {
  it('keeps a notice Teams refused (4xx) in the outbox with the error; the webhook, the logs and the email still get it; a later run delivers it once', async () => {
    let refuse = true;
    const teams = await receiver(() =>
      refuse ? { status: 400, text: 'Bad payload: card is invalid' } : { status: 202 },
    );
    const s = await setup({ teams });
    const notice = sampleNotices().drift;
    await sendNotice(s.deps, notice);
    expect(teams.requests).toHaveLength(1); // a 4xx is not retried within the run
    expect([s.webhook.requests.length, s.logs.requests.length, s.mailer.sent.length]).toEqual([1, 1, 1]);
    const record = await s.outbox.get(`teams|${notice.key}`);
    expect(record).toMatchObject({ status: 'deferred', attempt: 2 });
    expect(record?.error).toContain('HTTP 400');
    expect(record?.error).toContain('card is invalid');

    const teamsChannel = s.channels[0]!;
    expect(await teamsChannel.deliverWaiting()).toMatchObject({ sent: 0, waiting: 1, errors: [] }); // not due yet
    refuse = false;
    s.clock.advance(2 * 60_000);
    expect(await teamsChannel.deliverWaiting()).toMatchObject({ sent: 1, waiting: 0 });
    expect(await teamsChannel.deliverWaiting()).toMatchObject({ sent: 0, waiting: 0 });
    expect(teams.requests).toHaveLength(2);
    expect((await s.outbox.get(`teams|${notice.key}`))?.status).toBe('sent');
  });

  it('retries a throttled or failing webhook with backoff within the run, then leaves it for the next one', async () => {
    const webhook = await receiver((_r, i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': '0' } } : { status: 503 },
    );
    const s = await setup({ webhook });
    const notice = sampleNotices()['grant-active'];
    await sendNotice(s.deps, notice);
    expect(webhook.requests).toHaveLength(3);
    // Each attempt is signed anew and verifies.
    for (const r of webhook.requests) expect(verifyLikeAReceiver(r, SECRET, s.clock.now().getTime())).toBe(true);
    const result = await s.channels[1]!.deliverWaiting();
    expect(result).toMatchObject({ sent: 0, waiting: 1 });
    expect((await s.outbox.get(`webhook|${notice.key}`))?.error).toContain('HTTP 503 after 3 attempt(s)');
  });

  it('keeps rows a data collection rule rejects, with its answer, and sends them when it accepts', async () => {
    let reject = true;
    const logs = await receiver(() =>
      reject
        ? { status: 400, json: { error: { code: 'InvalidStream', message: 'Stream not declared in the rule' } } }
        : { status: 204 },
    );
    const s = await setup({ logs });
    const notice = sampleNotices()['unapproved-revoked'];
    await sendNotice(s.deps, notice);
    expect((await s.outbox.get(`logs|${notice.key}`))?.error).toContain('InvalidStream');
    reject = false;
    s.clock.advance(HOUR_MS);
    expect(await s.channels[2]!.deliverWaiting()).toMatchObject({ sent: 1, waiting: 0 });
    expect(logs.requests.map((r) => JSON.parse(r.body)[0].EventId)).toEqual([notice.key, notice.key]);
  });
});

describe('a run that dies', () => {
  /** Writes of one delivery: claim, write-ahead row, record deferred, (post), record sent, drop the row. */
  for (const { crashAt, when, posts } of [
    { crashAt: 2, when: 'before its message reached the outbox', posts: 1 },
    { crashAt: 3, when: 'after the write-ahead, before the post', posts: 1 },
    { crashAt: 4, when: 'after the post, before the outbox recorded it', posts: 2 },
    { crashAt: 5, when: 'after recording it, before dropping the waiting copy', posts: 1 },
  ]) {
    it(`loses nothing when it dies ${when}`, async () => {
      const prefix = uniquePrefix();
      const clock = new ManualClock('2026-11-02T10:00:00.000Z');
      const crashing = crashingTables(testTables(prefix), crashAt);
      const webhook = await receiver();
      const dying = webhookChannel({
        outbox: storeOn(crashing, clock).sentMail,
        clock,
        url: webhook.url,
        secret: SECRET,
        policy: FAST,
      });
      const notice = sampleNotices()['grant-revoked'];
      const message = {
        channel: 'webhook' as const,
        idempotencyKey: `webhook|${notice.key}`,
        noticeKey: notice.key,
        subject: notice.subject,
        body: '{"id":"x"}',
      };
      await expect(dying.deliver(message)).rejects.toThrow(/simulated crash/);

      // The next run: the notice is raised again (its intent survived), and the outbox pass runs.
      const next = webhookChannel({
        outbox: storeOn(testTables(prefix), clock).sentMail,
        clock,
        url: webhook.url,
        secret: SECRET,
        policy: FAST,
      });
      await next.deliver(message);
      await next.deliverWaiting();
      expect(webhook.requests).toHaveLength(posts);
      // Every post carries the same event id, so a receiver that deduplicates on it sees the notice once.
      expect(new Set(webhook.requests.map((r) => r.headers['x-watchdog-event-id']))).toEqual(new Set([notice.key]));
      expect(await next.deliverWaiting()).toMatchObject({ sent: 0, waiting: 0 });
    });
  }

  it('delivers from the outbox alone when the notice is never raised again', async () => {
    const prefix = uniquePrefix();
    const clock = new ManualClock('2026-11-02T10:00:00.000Z');
    const logs = await receiver(() => ({ status: 204 }));
    const credential = { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + HOUR_MS }) };
    const options = {
      endpoint: logs.url,
      ruleId: 'dcr-00000000000000000000000000000001',
      stream: 'Custom-MieWatchdog_CL',
      credential,
      clock,
      policy: FAST,
    };
    const dying = logsChannel({ ...options, outbox: storeOn(crashingTables(testTables(prefix), 3), clock).sentMail });
    const message = {
      channel: 'logs' as const,
      idempotencyKey: 'logs|k-1',
      noticeKey: 'k-1',
      subject: 's',
      body: '[]',
    };
    await expect(dying.deliver(message)).rejects.toThrow(/simulated crash/);
    expect(logs.requests).toHaveLength(0);
    const next = logsChannel({ ...options, outbox: storeOn(testTables(prefix), clock).sentMail });
    expect(await next.deliverWaiting()).toMatchObject({ channel: 'logs', sent: 1, waiting: 0 });
    expect(logs.requests).toHaveLength(1);
  });
});
