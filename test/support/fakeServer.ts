/**
 * A loopback HTTP server scripted per test: each request is recorded and answered by the handler, which can
 * also reset the connection or never answer. Transport tests use it to see exactly what went over the wire.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { startedPerTest } from './perTest.js';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export type Reply =
  { status: number; json?: unknown; text?: string; headers?: Record<string, string> } | 'reset' | 'hang';

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startFakeServer(
  handler: (request: RecordedRequest, index: number) => Reply | Promise<Reply>,
): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      };
      requests.push(recorded);
      void Promise.resolve(handler(recorded, requests.length - 1)).then((reply) => {
        if (reply === 'reset') return req.socket.destroy();
        if (reply === 'hang') return;
        const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? '');
        const headers = {
          ...(reply.json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...reply.headers,
        };
        res.writeHead(reply.status, headers).end(body);
      });
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * The fake servers of each test, closed after it (call once at the top of a test file): `start(handler)` starts one,
 * `server()` is the one started last.
 */
export function fakeServerPerTest(): { start: typeof startFakeServer; server: () => FakeServer } {
  const servers = startedPerTest(startFakeServer, (s) => s.close());
  return {
    start: servers.start,
    server: () => {
      const last = servers.last();
      if (!last) throw new Error('No fake server was started in this test.');
      return last;
    },
  };
}

/** How a client under test reaches its fake service: the server's address, the test credential, the short waits. */
export interface FakeServiceAccess {
  url: string;
  credential: typeof testCredential;
  policy: typeof FAST_POLICY;
}

/**
 * fakeServerPerTest for tests of one client (call once at the top of a test file): `clientFor(handler)` starts a fake
 * server answering with `handler` and returns the client `build` makes to reach it.
 */
export function fakeServicePerTest<Client>(build: (access: FakeServiceAccess) => Client): ReturnType<
  typeof fakeServerPerTest
> & {
  clientFor: (handler: Parameters<typeof startFakeServer>[0]) => Promise<Client>;
} {
  const fake = fakeServerPerTest();
  return {
    ...fake,
    clientFor: async (handler) => {
      const { url } = await fake.start(handler);
      return build({ url, credential: testCredential, policy: FAST_POLICY });
    },
  };
}

/** The credential tests hand to adapters; its token must show up as the bearer and nowhere else. */
export const TEST_TOKEN = 'test-token-not-a-secret';
export const testCredential = {
  getToken: async () => ({ token: TEST_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/** Waits short enough to keep tests fast, long enough to measure. */
export const FAST_POLICY = { baseDelayMs: 2, maxDelayMs: 10, timeoutMs: 2_000, maxAttempts: 4 };
