/**
 * The emulator's notification endpoints over raw HTTP: the Teams Workflows webhook, the webhook receiver that
 * verifies the documented signature, and Logs Ingestion; their recordings and rules through the control API, and
 * the faults that make them fail or throttle.
 */
import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EMULATOR_LOGS_RULE_ID, EMULATOR_LOGS_STREAM, EMULATOR_TOKEN } from '../../contract/emulator.js';
import { ManualClock } from '../../lib/clock.js';
import { useEmulator } from '../support/emulator.js';
import type { Json } from '../support/emulatorHttp.js';

const clock = new ManualClock('2026-11-02T10:00:00.000Z');
const emulator = useEmulator({ clock });

const card = (extra: Record<string, unknown> = {}) => ({
  type: 'message',
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: { type: 'AdaptiveCard', version: '1.4', body: [{ type: 'TextBlock', text: 'Drift' }], ...extra },
    },
  ],
});

const post = (url: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

const control = async (path: string): Promise<Json> => (await fetch(`${emulator().url}/_emulator${path}`)).json();
const json = (res: Response | undefined): Promise<Json> => (res as Response).json();

function signed(body: string, secret: string, at = clock.now()) {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signature = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  return { 'x-watchdog-timestamp': timestamp, 'x-watchdog-signature': signature, 'x-watchdog-event-id': 'k-1' };
}

const logsUrl = (rule = EMULATOR_LOGS_RULE_ID, stream = EMULATOR_LOGS_STREAM, version = '2023-01-01') =>
  `${emulator().channels.logsEndpoint}/dataCollectionRules/${rule}/streams/${stream}${version ? `?api-version=${version}` : ''}`;
const bearer = { authorization: `Bearer ${EMULATOR_TOKEN}` };

describe('Teams Workflows webhook', () => {
  it('accepts a card message with 202 and records it; refuses a wrong signature, no card and over 28 KB', async () => {
    const { teamsWebhookUrl } = emulator().channels;
    expect((await post(teamsWebhookUrl, JSON.stringify(card()))).status).toBe(202);
    const wrongSig = await post(teamsWebhookUrl.replace(/sig=[^&]+/, 'sig=forged'), JSON.stringify(card()));
    expect(wrongSig.status).toBe(401);
    const notACard = await post(teamsWebhookUrl, JSON.stringify({ text: 'hello' }));
    expect(notACard.status).toBe(400);
    expect((await json(notACard)).error.code).toBe('InvalidRequestContent');
    const big = JSON.stringify(card({ padding: 'x'.repeat(29_000) }));
    expect((await post(teamsWebhookUrl, big)).status).toBe(413);

    const recorded = (await control('/channels/teams')).value;
    expect(recorded.map((p: { status: number }) => p.status)).toEqual([202, 401, 400, 413]);
    expect(recorded[0].message).toEqual(card());
    expect(recorded[2].problem).toContain('type must be "message"');
  });
});

describe('webhook receiver', () => {
  it('verifies the signature over "<timestamp>.<raw body>" and the timestamp, and marks a repeated id', async () => {
    const { webhookUrl, webhookSecret } = emulator().channels;
    const body = JSON.stringify({ id: 'k-1', kind: 'drift' });
    expect((await post(webhookUrl, body, signed(body, webhookSecret))).status).toBe(202);
    expect((await post(webhookUrl, body, signed(body, webhookSecret))).status).toBe(202);
    const tampered = await post(webhookUrl, body.replace('drift', 'digest'), signed(body, webhookSecret));
    expect(tampered.status).toBe(401);
    const stale = await post(webhookUrl, body, signed(body, webhookSecret, new Date(clock.now().getTime() - 301_000)));
    expect(stale.status).toBe(401);
    expect((await post(webhookUrl, body, signed(body, 'y'.repeat(40)))).status).toBe(401);

    const recorded = emulator().channels.webhook();
    expect(recorded.map((d) => [d.verified, d.duplicate])).toEqual([
      [true, false],
      [true, true],
      [false, false],
      [false, false],
      [false, false],
    ]);
    expect(recorded[0]?.event).toEqual({ id: 'k-1', kind: 'drift' });
    expect(recorded[3]?.problem).toContain('more than 300 seconds');
    expect((await control('/channels/webhook')).value).toHaveLength(5);
  });
});

describe('Logs Ingestion', () => {
  const rows = JSON.stringify([{ TimeGenerated: '2026-11-02T10:00:00Z', EventId: 'k-1', RowType: 'notice' }]);

  it('takes rows of a declared stream with a bearer token: 204, also gzipped; records each upload', async () => {
    expect((await post(logsUrl(), rows, bearer)).status).toBe(204);
    const zipped = await post(logsUrl(), gzipSync(rows), { ...bearer, 'content-encoding': 'gzip' });
    expect(zipped.status).toBe(204);
    const recorded = (await control('/channels/logs')).value;
    expect(recorded).toHaveLength(2);
    expect(recorded[1]).toMatchObject({ status: 204, ruleId: EMULATOR_LOGS_RULE_ID, rows: JSON.parse(rows) });
  });

  it('answers each bad call with the error shape of the API and x-ms-error-code', async () => {
    const cases: [Promise<Response>, number, string][] = [
      [post(logsUrl(), rows), 401, 'InvalidAuthenticationToken'],
      [post(logsUrl(EMULATOR_LOGS_RULE_ID, EMULATOR_LOGS_STREAM, ''), rows, bearer), 400, 'MissingApiVersionParameter'],
      [post(logsUrl('dcr-ffffffffffffffffffffffffffffffff'), rows, bearer), 403, 'OperationFailed'],
      [post(logsUrl(EMULATOR_LOGS_RULE_ID, 'Custom-Other_CL'), rows, bearer), 400, 'InvalidStream'],
      [post(logsUrl(), '{"not":"an array"}', bearer), 400, 'InvalidPayload'],
      [post(logsUrl(), JSON.stringify([{ Big: 'x'.repeat(1_100_000) }]), bearer), 413, 'ContentLengthLimitExceeded'],
    ];
    for (const [response, status, code] of cases) {
      const res = await response;
      expect([res.status, res.headers.get('x-ms-error-code'), (await json(res)).error.code]).toEqual([
        status,
        code,
        code,
      ]);
    }
    expect(
      emulator()
        .channels.logs()
        .every((u) => u.status >= 400 && u.problem),
    ).toBe(true);
  });

  it('a rule replaced through the control API rejects what it no longer declares; reset restores it', async () => {
    const put = await fetch(`${emulator().url}/_emulator/channels/logs/rules/${EMULATOR_LOGS_RULE_ID}`, {
      method: 'PUT',
      body: JSON.stringify({ streams: ['Custom-Other_CL'] }),
    });
    expect(put.status).toBe(200);
    expect((await post(logsUrl(), rows, bearer)).status).toBe(400);
    const invalid = await fetch(`${emulator().url}/_emulator/channels/logs/rules/x`, {
      method: 'PUT',
      body: JSON.stringify({ streams: 'Custom-Other_CL' }),
    });
    expect(invalid.status).toBe(400);
    emulator().reset();
    expect((await post(logsUrl(), rows, bearer)).status).toBe(204);
    expect(emulator().channels.logs()).toHaveLength(1);
  });
});

describe('faults on the notification endpoints', () => {
  it('throttles, fails and refuses them like every other route, and logs each call', async () => {
    const { teamsWebhookUrl } = emulator().channels;
    const faults = emulator().faults;
    faults.add({ route: 'teams:post', fault: { kind: 'throttle', retryAfterSeconds: 7 }, calls: [1] });
    faults.add({ route: 'teams:*', fault: { kind: 'error', status: 502 }, calls: [2] });
    faults.add({ route: 'teams:post', fault: { kind: 'refuse', status: 404, code: 'WorkflowNotFound' }, calls: [3] });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await post(teamsWebhookUrl, JSON.stringify(card())));
    expect(answers.map((r) => r.status)).toEqual([429, 502, 404, 202]);
    expect(answers[0]?.headers.get('retry-after')).toBe('7');
    expect((await json(answers[2])).error.code).toBe('WorkflowNotFound');
    // A faulted call never reached the endpoint: only the last is recorded.
    expect(emulator().channels.teams()).toHaveLength(1);
    expect((await control('/calls?api=teams')).value.map((c: { fault?: string }) => c.fault ?? 'none')).toEqual([
      'throttle',
      'error',
      'refuse',
      'none',
    ]);
  });

  it('validates the rules: refuse takes a 4xx but 429 on a notification route only', () => {
    const faults = emulator().faults;
    expect(() => faults.add({ route: 'graph:/users', fault: { kind: 'refuse', status: 400 } })).toThrow(
      /teams:, webhook: and logs: routes only/,
    );
    expect(() => faults.add({ route: 'logs:upload', fault: { kind: 'refuse', status: 429 } })).toThrow(/4xx/);
    expect(() => faults.add({ route: 'logs:query', fault: { kind: 'error', status: 500 } })).toThrow(/route must be/);
    expect(faults.add({ route: 'webhook:post', fault: { kind: 'refuse', status: 410 } })).toMatch(/^f\d+$/);
  });
});
