/**
 * Every Table Storage request has a time limit, and only requests that are safe to send again are retried:
 * against a loopback "storage account" that accepts connections and never answers (or answers 503).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock.js';
import { openStore } from '../../../lib/tableStorage/openStore.js';
import { StoreError } from '../../../lib/ports/index.js';
import { pendingGrant } from '../../../testkit/fixtures.js';

/** Azurite's well-known development account key (public; it only opens the local emulator). */
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const LIMITS = { timeoutMs: 150, maxAttempts: 3, baseDelayMs: 5 };

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/**
 * Table creation succeeds (after `resetCreates` connections reset instead); everything else goes to `reply`, which
 * may leave the request unanswered.
 */
async function storageAccount(
  reply: (req: IncomingMessage, res: ServerResponse, nth: number) => void,
  resetCreates = 0,
): Promise<{ seen: string[]; creates: number; connection: string }> {
  const seen: string[] = [];
  const account = { seen, creates: 0, connection: '' };
  server = createServer((req, res) => {
    req.resume();
    if (req.method === 'POST' && /\/Tables$/.test(req.url ?? '')) {
      if (++account.creates <= resetCreates) return req.socket.destroy();
      res
        .writeHead(201, { 'content-type': 'application/json;odata=nometadata' })
        .end(JSON.stringify({ TableName: 'x' }));
      return;
    }
    seen.push(`${req.method} ${req.headers['if-match'] ?? ''}`.trim());
    reply(req, res, seen.length);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  account.connection = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${DEV_KEY};TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
  return account;
}

const never = () => undefined;
const grant = pendingGrant('6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f');

const open = (connectionString: string) =>
  openStore({ connectionString, prefix: 'stall', limits: LIMITS }, new ManualClock('2026-11-01T09:00:00Z'));

describe('Table Storage call limits', () => {
  it('a read of a stalled account is tried three times, then fails saying what failed and what to do', async () => {
    const account = await storageAccount(never);
    const started = performance.now();
    const error = await open(account.connection)
      .grants.get(grant.id)
      .catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Reading stallGrants/grant/${grant.id} failed: Table Storage did not answer a GET on table stallGrants within 150 ms on each of 3 attempts\\. Nothing was changed`,
      ),
    );
    expect((error as Error).message).toMatch(/check its health .* network path/);
    expect(account.seen).toEqual(['GET', 'GET', 'GET']);
  });

  it('an ETag-guarded write is retried; an insert is sent once and says it may have been applied', async () => {
    const etag = `W/"datetime'2026-11-01T09%3A00%3A00Z'"`;
    // The grant's read is answered; every write after it is left unanswered.
    const account = await storageAccount((req, res) => {
      if (req.method === 'GET')
        res.writeHead(200, { 'content-type': 'application/json;odata=nometadata', etag }).end(
          JSON.stringify({
            'odata.etag': etag,
            PartitionKey: 'grant',
            RowKey: grant.id,
            json: JSON.stringify(grant),
          }),
        );
    });
    const store = open(account.connection);
    const current = await store.grants.get(grant.id);
    if (!current) throw new Error('the grant read was not answered');
    account.seen.length = 0;
    await expect(store.grants.update(current, { ...current, status: 'approved' })).rejects.toThrow(
      /on each of 3 attempts/,
    );
    expect(account.seen).toEqual(Array(3).fill(`PUT ${etag}`));
    account.seen.length = 0;
    await expect(store.grants.create(grant)).rejects.toThrow(
      /^Creating grant .* failed: Table Storage did not answer a POST .* within 150 ms\. It was a write sent once: it may or may not have been applied/,
    );
    expect(account.seen).toEqual(['POST']);
  });

  it('a read answered 503 is retried and then succeeds', async () => {
    const account = await storageAccount((_req, res, nth) => {
      if (nth <= 2)
        res
          .writeHead(503, { 'content-type': 'application/json' })
          .end('{"odata.error":{"code":"ServerBusy","message":{"value":"busy"}}}');
      else
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end('{"odata.error":{"code":"ResourceNotFound","message":{"value":"not found"}}}');
    });
    expect(await open(account.connection).grants.get(grant.id)).toBeUndefined();
    expect(account.seen).toEqual(['GET', 'GET', 'GET']);
  });

  it('creating a table is sent again after a reset connection: a repeat that finds the table is answered as created', async () => {
    const account = await storageAccount(
      (_req, res) =>
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end('{"odata.error":{"code":"ResourceNotFound","message":{"value":"not found"}}}'),
      2,
    );
    expect(await open(account.connection).grants.get(grant.id)).toBeUndefined();
    expect(account.creates).toBe(3);
    expect(account.seen).toEqual(['GET']);
  });
});
