/**
 * GET /api/grants in pages: a few hundred grants in Azurite, read through the real handler; continuation tokens,
 * server-side filters, page-size limits, bad tokens, and the Table Storage requests one list call costs.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGrant } from '../../../cli/grant.js';
import { MIE_ROLE, type Grant, type GrantStatus } from '../../../lib/domain.js';
import { captureIo } from '../../../testkit/captureIo.js';
import { DOMAIN } from '../../../testkit/fixtures.js';
import { startGrantApi, USERS, type GrantApi } from '../../support/grantApi.js';

const GRANTS = 300;
const STATUSES: GrantStatus[] = ['revoked', 'cancelled', 'denied', 'released', 'active'];
let api: GrantApi;
let seeded: Grant[];
const sent = { requests: 0, rows: 0 };

beforeAll(async () => {
  api = await startGrantApi();
  const client = await api.runtime.store.tables.table('grants');
  client.pipeline.addPolicy({
    name: 'count-requests',
    async sendRequest(request, next) {
      const response = await next(request);
      sent.requests++;
      sent.rows +=
        request.method === 'GET'
          ? ((JSON.parse(response.bodyAsText ?? '{}') as { value?: unknown[] }).value?.length ?? 0)
          : 0;
      return response;
    },
  });
  const base = Date.parse('2026-10-01T09:00:00Z');
  seeded = Array.from({ length: GRANTS }, (_, i): Grant => {
    // Every 10th grant is megan's request; every 50th (from the 7th) is for a grantee with an apostrophe.
    const principal = i % 50 === 7 ? `o'brien@${DOMAIN}` : `user${i % 30}@${DOMAIN}`;
    return {
      id: randomUUID(),
      principal,
      role: MIE_ROLE,
      status: STATUSES[i % STATUSES.length] as GrantStatus,
      method: 'direct',
      requestedBy: i % 10 === 0 ? USERS.megan.upn : USERS.grady.upn,
      requestedAt: new Date(base + i * 60_000).toISOString(),
      justification: `export ${i}`,
      ticket: `CHG-${i}`,
      durationMs: 3_600_000,
    };
  });
  for (let i = 0; i < seeded.length; i += 25)
    await Promise.all(seeded.slice(i, i + 25).map((g) => api.runtime.store.grants.create(g)));
}, 60_000);
afterAll(() => api.stop());

type Page = { grants: Grant[]; nextPageToken?: string };
async function list(query: string, as = USERS.auditor): Promise<Page> {
  const res = await api.call('GET', query, { as });
  expect(res.status, res.text).toBe(200);
  return res.body as unknown as Page;
}

async function all(query: string, as = USERS.auditor): Promise<{ ids: string[]; pages: number[] }> {
  const ids: string[] = [];
  const pages: number[] = [];
  let token: string | undefined;
  do {
    const page = await list(`${query}${query ? '&' : '?'}${token ? `pageToken=${encodeURIComponent(token)}` : ''}`, as);
    ids.push(...page.grants.map((g) => g.id));
    pages.push(page.grants.length);
    token = page.nextPageToken;
  } while (token);
  return { ids, pages };
}

const sorted = (ids: string[]) => [...ids].sort();
const where = (p: (g: Grant) => boolean) => sorted(seeded.filter(p).map((g) => g.id));

describe('GET /api/grants pages', () => {
  it('answers 100 grants a page by default and hands out tokens until every grant was read once, one Table request a page', async () => {
    sent.requests = 0;
    sent.rows = 0;
    const first = await list('');
    expect(first.grants).toHaveLength(100);
    expect(first.nextPageToken).toMatch(/^[A-Za-z0-9_-]+$/);
    expect([sent.requests, sent.rows]).toEqual([1, 101]);

    const walk = await all('');
    expect(walk.pages).toEqual([100, 100, 100]);
    expect(walk.ids).toEqual(sorted(walk.ids));
    expect(walk.ids).toEqual(where(() => true));
  });

  it('takes limit up to 500 and filters status and principal in Table Storage (the apostrophe escaped)', async () => {
    expect((await all('?limit=250')).pages).toEqual([250, 50]);
    sent.requests = 0;
    sent.rows = 0;
    const active = await all('?status=active,denied&limit=500');
    expect(active.ids).toEqual(where((g) => g.status === 'active' || g.status === 'denied'));
    expect([sent.requests, sent.rows]).toEqual([1, active.ids.length]);
    expect((await all(`?principal=${encodeURIComponent(`O'Brien@${DOMAIN}`)}`)).ids).toEqual(
      where((g) => g.principal === `o'brien@${DOMAIN}`),
    );
  });

  it('shows a requester only her own grants, across pages', async () => {
    const mine = await all('?limit=7', USERS.megan);
    expect(sorted(mine.ids)).toEqual(where((g) => g.requestedBy === USERS.megan.upn));
    expect(mine.pages.every((n) => n <= 7)).toBe(true);
  });

  it('refuses a token it did not hand out with 400 naming pageToken, and a bad limit with 422 naming limit', async () => {
    const good = (await list('?limit=5')).nextPageToken ?? '';
    const forged = Buffer.from(`g1:${seeded[0]?.id ?? ''}'x`, 'utf8').toString('base64url');
    for (const token of [
      'not a token',
      forged,
      `${good}A`,
      Buffer.from('hello').toString('base64url'),
      'x'.repeat(500),
    ]) {
      const res = await api.call('GET', `?pageToken=${encodeURIComponent(token)}`, { as: USERS.auditor });
      expect([res.status, res.body.field], token).toEqual([400, 'pageToken']);
    }
    for (const limit of ['0', '501', 'ten', '-1', '1.5']) {
      const res = await api.call('GET', `?limit=${limit}`, { as: USERS.auditor });
      expect([res.status, res.body.field], limit).toEqual([422, 'limit']);
    }
  });

  it('the CLI `grant list` follows the pages: every grant once, oldest request first', async () => {
    const more = seeded.slice(0, 250).map((g, i) => ({
      ...g,
      id: randomUUID(),
      requestedAt: new Date(Date.parse('2026-09-01T00:00:00Z') + i * 1000).toISOString(),
    }));
    for (let i = 0; i < more.length; i += 25)
      await Promise.all(more.slice(i, i + 25).map((g) => api.runtime.store.grants.create(g)));
    const io = captureIo();
    sent.requests = 0;
    expect(await runGrant(['list', '--json'], io, () => api.runtime), io.stderr).toBe(0);
    const listed = (JSON.parse(io.stdout) as { grants: Grant[] }).grants;
    expect(listed.map((g) => g.id)).toEqual([...more, ...seeded].map((g) => g.id));
    expect(sent.requests).toBe(2);
  });
});
