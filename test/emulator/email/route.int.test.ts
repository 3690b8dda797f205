/** ACS Email on the emulator, driven by the real @azure/communication-email SDK. */
import { EmailClient } from '@azure/communication-email';
import { describe, expect, it } from 'vitest';
import { EMULATOR_TOKEN } from '../../../contract/emulator.js';
import { EMULATOR_ACCESS_KEY } from '../../../emulator/server.js';
import { SECURITY_TEAM, SENDER } from '../../../emulator/scenarios/forgottenMigrations.js';
import { useEmulator } from '../../support/emulator.js';

const emulator = useEmulator();
const message = {
  senderAddress: SENDER,
  recipients: { to: [{ address: SECURITY_TEAM }] },
  content: { subject: 'Drift: 1 unapproved holder', html: '<p>AlexW</p>', plainText: 'AlexW' },
};

function client(connectionString = emulator().emailConnectionString): EmailClient {
  return new EmailClient(connectionString, { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } });
}

describe('ACS Email', () => {
  it('accepts a send (202 + Operation-Location), polls Running -> Succeeded, and records the message', async () => {
    const result = await (await client().beginSend(message, { updateIntervalInMs: 1 })).pollUntilDone();
    expect(result.status).toBe('Succeeded');
    expect(emulator().sentEmails()).toEqual([
      expect.objectContaining({
        operationId: result.id,
        from: SENDER,
        to: [SECURITY_TEAM],
        subject: message.content.subject,
        html: '<p>AlexW</p>',
        text: 'AlexW',
      }),
    ]);
    expect(
      emulator()
        .calls.where({ api: 'email' })
        .map((c) => [c.name, c.status]),
    ).toEqual([
      ['send', 202],
      ['poll', 200],
    ]);
  });

  it('answers the same Operation-Id with the same operation and sends nothing twice', async () => {
    const operationId = '3f9e2b7c-1d4a-4c8e-9b0f-6a5d2e1c7b84';
    const first = await (await client().beginSend(message, { operationId, updateIntervalInMs: 1 })).pollUntilDone();
    const second = await (await client().beginSend(message, { operationId, updateIntervalInMs: 1 })).pollUntilDone();
    expect(first.id).toBe(operationId);
    expect(second.id).toBe(operationId);
    expect(emulator().sentEmails()).toHaveLength(1);
  });

  it('checks the HMAC signature against the access key', async () => {
    const wrongKey = `endpoint=${emulator().url}/;accesskey=${Buffer.from('not-the-key').toString('base64')}`;
    await expect(client(wrongKey).beginSend(message)).rejects.toMatchObject({ statusCode: 401 });
    expect(emulator().sentEmails()).toHaveLength(0);
    expect(EMULATOR_ACCESS_KEY).toBe(emulator().emailConnectionString.split('accesskey=')[1]);
  });

  it('speaks the REST protocol: bearer auth, 202 Running with Operation-Location, then Succeeded on the poll', async () => {
    const headers = {
      Authorization: `Bearer ${EMULATOR_TOKEN}`,
      'Content-Type': 'application/json',
      'Operation-Id': 'op-1',
    };
    const noAuth = await fetch(`${emulator().url}/emails:send?api-version=2025-09-01`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(message),
    });
    expect(noAuth.status).toBe(401);
    const noVersion = await fetch(`${emulator().url}/emails:send`, {
      method: 'POST',
      headers,
      body: JSON.stringify(message),
    });
    expect(((await noVersion.json()) as { error: { code: string } }).error.code).toBe('MissingApiVersionParameter');
    const accepted = await fetch(`${emulator().url}/emails:send?api-version=2025-09-01`, {
      method: 'POST',
      headers,
      body: JSON.stringify(message),
    });
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ id: 'op-1', status: 'Running' });
    const location = accepted.headers.get('operation-location') as string;
    expect(location).toBe(`${emulator().url}/emails/operations/op-1?api-version=2025-09-01`);
    const polled = await fetch(location, { headers: { Authorization: `Bearer ${EMULATOR_TOKEN}` } });
    expect(await polled.json()).toEqual({ id: 'op-1', status: 'Succeeded' });
  });

  it('rejects a message without recipients or subject, and unknown operations', async () => {
    await expect(client().beginSend({ ...message, recipients: { to: [] } })).rejects.toMatchObject({ statusCode: 400 });
    await expect(client().beginSend({ ...message, content: { subject: '', plainText: 'x' } })).rejects.toMatchObject({
      statusCode: 400,
    });
    const res = await fetch(`${emulator().url}/emails/operations/nope?api-version=2025-09-01`, {
      headers: { Authorization: `Bearer ${EMULATOR_TOKEN}` },
    });
    expect(res.status).toBe(404);
  });

  it('throttles a send with 429 + Retry-After when told to', async () => {
    emulator().faults.add({ route: 'email:send', fault: { kind: 'throttle', retryAfterSeconds: 1.5 }, times: 1 });
    const res = await fetch(`${emulator().url}/emails:send?api-version=2025-09-01`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${EMULATOR_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(message),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1.5');
    expect(emulator().sentEmails()).toHaveLength(0);
  });
});
