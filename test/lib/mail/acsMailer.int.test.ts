import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock.js';
import { AcsMailer, operationIdFor } from '../../../lib/mail/acsMailer.js';
import { PermissionError } from '../../../lib/ports/index.js';
import type { EmailMessage, SentMailStore } from '../../../lib/ports/index.js';
import { openTestStore } from '../../support/store.js';
import { fakeServerPerTest, type RecordedRequest, type Reply } from '../../support/fakeServer.js';

const clock = new ManualClock('2026-11-01T09:00:00Z');
const acsServer = fakeServerPerTest();

/** ACS Email as the REST reference describes it: POST /emails:send -> 202 + Operation-Location; GET the operation. */
function acs(
  options: { outcome?: (operationId: string, sends: number) => 'Succeeded' | 'Failed'; status?: number } = {},
) {
  const sends: string[] = [];
  const handler = (r: RecordedRequest): Reply => {
    if (options.status) return { status: options.status, json: { error: { code: 'Denied', message: 'no access' } } };
    const path = new URL(r.url, 'http://x').pathname;
    if (r.method === 'POST' && path === '/emails:send') {
      const operationId = String(r.headers['operation-id']);
      sends.push(operationId);
      return {
        status: 202,
        headers: {
          'operation-location': `${acsServer.server().url}/emails/operations/${operationId}?api-version=2025-09-01`,
          'retry-after': '0',
        },
        json: { id: operationId, status: 'Running' },
      };
    }
    const op = /^\/emails\/operations\/(.+)$/.exec(path)?.[1];
    if (r.method === 'GET' && op) {
      const status = options.outcome?.(op, sends.length) ?? 'Succeeded';
      return {
        status: 200,
        json: {
          id: op,
          status,
          ...(status === 'Failed' ? { error: { code: 'Bounced', message: 'mailbox unavailable' } } : {}),
        },
      };
    }
    return { status: 404, json: {} };
  };
  return { sends, handler };
}

function mailerFor(outbox: SentMailStore): AcsMailer {
  return new AcsMailer({
    connectionString: `endpoint=${acsServer.server().url}/;accesskey=${Buffer.from('test-key').toString('base64')}`,
    sender: 'watchdog@contoso.com',
    outbox,
    clock,
    pollIntervalMs: 5,
    retryDelayMs: 5,
    maxRetries: 2,
  });
}

const message = (key: string): EmailMessage => ({
  to: ['security@contoso.com'],
  subject: 'Unapproved holder: AlexW',
  html: '<p>AlexW</p>',
  text: 'AlexW',
  idempotencyKey: key,
});

describe('AcsMailer (Azurite outbox + loopback ACS)', () => {
  it('sends once per idempotency key, with the key-derived Operation-Id, even from a restarted process', async () => {
    const fake = acs();
    const server = await acsServer.start(fake.handler);
    const store = openTestStore(clock);
    const first = await mailerFor(store.sentMail).send(message('alert:unapproved:alexw'));
    expect(first.status).toBe('sent');
    expect(first.messageId).toBe(operationIdFor('alert:unapproved:alexw', 1));
    expect(await mailerFor(store.sentMail).send(message('alert:unapproved:alexw'))).toEqual({
      status: 'duplicate',
      messageId: first.messageId,
    });
    expect(fake.sends).toEqual([operationIdFor('alert:unapproved:alexw', 1)]);

    const post = server.requests.find((r) => r.method === 'POST')!;
    const body = JSON.parse(post.body) as {
      senderAddress: string;
      recipients: { to: { address: string }[] };
      content: { subject: string };
    };
    expect(body.senderAddress).toBe('watchdog@contoso.com');
    expect(body.recipients.to).toEqual([{ address: 'security@contoso.com' }]);
    expect(post.headers.authorization).toMatch(/^HMAC-SHA256 /);
    expect((await store.sentMail.get('alert:unapproved:alexw'))?.status).toBe('sent');
  });

  it('resumes polling an accepted send after a crash instead of sending again', async () => {
    const fake = acs();
    await acsServer.start(fake.handler);
    const store = openTestStore(clock);
    // A first run that got as far as ACS accepting the send, then died before it saw the outcome.
    const crashed: SentMailStore = {
      ...store.sentMail,
      update: async (record) => {
        const saved = await store.sentMail.update(record);
        if (record.pollerState && record.status === 'sending') throw new Error('process killed');
        return saved;
      },
    };
    await expect(mailerFor(crashed).send(message('reminder:g-1:PT1H'))).rejects.toThrow('process killed');
    expect(fake.sends).toHaveLength(1);
    expect((await store.sentMail.get('reminder:g-1:PT1H'))?.pollerState).toBeTruthy();

    expect((await mailerFor(store.sentMail).send(message('reminder:g-1:PT1H'))).status).toBe('sent');
    expect(fake.sends).toHaveLength(1);
  });

  it('records a failed delivery and sends it again next time under a new operation id', async () => {
    const fake = acs({ outcome: (_op, sends) => (sends === 1 ? 'Failed' : 'Succeeded') });
    await acsServer.start(fake.handler);
    const store = openTestStore(clock);
    await expect(mailerFor(store.sentMail).send(message('digest:2026-11-01'))).rejects.toThrow(/mailbox unavailable/);
    expect((await store.sentMail.get('digest:2026-11-01'))?.status).toBe('failed');
    expect((await mailerFor(store.sentMail).send(message('digest:2026-11-01'))).status).toBe('sent');
    expect(fake.sends).toEqual([operationIdFor('digest:2026-11-01', 1), operationIdFor('digest:2026-11-01', 2)]);
  });

  it('reports a denied send as a PermissionError that names the role to grant', async () => {
    await acsServer.start(acs({ status: 403 }).handler);
    const error = await mailerFor(openTestStore(clock).sentMail)
      .send(message('k'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toMatch(/Communication and Email Service Owner/);
  });

  it('derives a stable RFC 4122 UUID per key and attempt', () => {
    expect(operationIdFor('a', 1)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(operationIdFor('a', 1)).toBe(operationIdFor('a', 1));
    expect(operationIdFor('a', 2)).not.toBe(operationIdFor('a', 1));
  });
});
