/**
 * Graph requests of different reads share a $batch on a fake Graph: requests of one turn go in one envelope, a lone
 * request goes plainly, a batched request that fails is asked again on its own, and with coalescing off each read
 * goes by itself. (Waiting for a round trip that is out: graphBatcher.unit.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GraphDirectory } from '../../../lib/graph/graphDirectory.js';
import {
  FAST_POLICY,
  startFakeServer,
  testCredential,
  type FakeServer,
  type RecordedRequest,
  type Reply,
} from '../../support/fakeServer.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const id = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;
const user = (n: number) => ({
  '@odata.type': '#microsoft.graph.user',
  id: id(n),
  userPrincipalName: `user${n}@contoso.onmicrosoft.com`,
  accountEnabled: true,
});
const userNumber = (url: string) => Number(/users\/0{8}-0{4}-0{4}-0{4}-(\d{12})/.exec(url)?.[1]);

/** Answers user lookups (plain or inside $batch) from the ids; `sub` may replace a batched answer. */
function graph(sub: (url: string) => Reply | undefined = () => undefined) {
  return (r: RecordedRequest): Reply => {
    if (r.url.startsWith('/v1.0/$batch')) {
      const { requests } = JSON.parse(r.body) as { requests: { id: string; url: string }[] };
      const responses = requests.map((q) => {
        const replaced = sub(q.url);
        if (replaced && typeof replaced === 'object')
          return { id: q.id, status: replaced.status, headers: replaced.headers ?? {}, body: replaced.json };
        return { id: q.id, status: 200, body: user(userNumber(q.url)) };
      });
      return { status: 200, json: { responses } };
    }
    return { status: 200, json: user(userNumber(r.url)) };
  };
}

async function directoryOn(
  handler: (r: RecordedRequest, i: number) => Reply | Promise<Reply>,
  coalesce?: boolean,
): Promise<GraphDirectory> {
  server = await startFakeServer(handler);
  return new GraphDirectory({ graphUrl: server.url, credential: testCredential, policy: FAST_POLICY, coalesce });
}

const batches = () => server!.requests.filter((r) => r.url.startsWith('/v1.0/$batch'));
const plainGets = () => server!.requests.filter((r) => r.method === 'GET');

describe('Graph requests of different reads', () => {
  it('share one $batch when they are issued in the same turn', async () => {
    const directory = await directoryOn(graph());
    const [a, b, principals] = await Promise.all([
      directory.getUser(id(1)),
      directory.getUser(id(2)),
      directory.getPrincipals([id(3), id(4)]),
    ]);
    expect([a?.userPrincipalName, b?.userPrincipalName]).toEqual([
      'user1@contoso.onmicrosoft.com',
      'user2@contoso.onmicrosoft.com',
    ]);
    expect([...principals.keys()]).toEqual([id(3), id(4)]);
    expect(server!.requests).toHaveLength(1);
    expect(JSON.parse(batches()[0]!.body).requests).toHaveLength(4);
  });

  it('go plainly when alone, and each by itself with coalescing off', async () => {
    let directory = await directoryOn(graph());
    expect((await directory.getUser(id(1)))?.id).toBe(id(1));
    expect(plainGets()).toHaveLength(1);
    expect(batches()).toHaveLength(0);
    await server!.close();

    directory = await directoryOn(graph(), false);
    await Promise.all([directory.getUser(id(1)), directory.getUser(id(2))]);
    expect(plainGets()).toHaveLength(2);
    expect(batches()).toHaveLength(0);
  });

  it('ask a batched request that failed again on its own, and report a 404 as not found', async () => {
    const directory = await directoryOn(
      graph((url) => {
        if (userNumber(url) === 1)
          return { status: 429, headers: { 'Retry-After': '0' }, json: { error: { code: 'TooManyRequests' } } };
        if (userNumber(url) === 2) return { status: 404, json: { error: { code: 'Request_ResourceNotFound' } } };
        return undefined;
      }),
    );
    const [one, two, three] = await Promise.all([
      directory.getUser(id(1)),
      directory.getUser(id(2)),
      directory.getUser(id(3)),
    ]);
    expect([one?.id, two, three?.id]).toEqual([id(1), undefined, id(3)]);
    expect(batches()).toHaveLength(1);
    expect(plainGets().map((r) => userNumber(r.url))).toEqual([1]);
  });
});
