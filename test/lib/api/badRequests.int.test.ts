import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Grant } from '../../../lib/domain.js';
import { DOMAIN } from '../../../testkit/fixtures.js';
import { requestBody, startGrantApi, USERS, type CallOptions, type GrantApi } from '../../support/grantApi.js';

let api: GrantApi;
let pending: Grant;
beforeAll(async () => {
  api = await startGrantApi();
  pending = (await api.call('POST', '', { as: USERS.megan, body: requestBody() })).body as unknown as Grant;
});
afterAll(() => api.stop());

const UNKNOWN_ID = '6d1f6b4e-2b7a-4c3e-9a51-0f2d3c4b5a69';
const without = (field: string) => {
  const body = requestBody({ principal: `diegos@${DOMAIN}` });
  delete body[field];
  return body;
};
const valid = (overrides: Record<string, unknown>) => requestBody({ principal: `diegos@${DOMAIN}`, ...overrides });
const json = (text: string, contentType = 'application/json'): CallOptions => ({
  rawBody: text,
  headers: { 'content-type': contentType },
});

interface BadCase {
  name: string;
  method: string;
  path: () => string;
  options: CallOptions;
  status: number;
  field?: string;
  /** The check needs a directory read (the principal lookup); it still writes nothing. */
  reads?: boolean;
}

const id = () => pending.id;
const cases: BadCase[] = [
  {
    name: 'no content type',
    method: 'POST',
    path: () => '',
    options: { rawBody: JSON.stringify(valid({})) },
    status: 415,
    field: 'content-type',
  },
  {
    name: 'text/plain',
    method: 'POST',
    path: () => '',
    options: json(JSON.stringify(valid({})), 'text/plain'),
    status: 415,
    field: 'content-type',
  },
  {
    name: 'form encoding',
    method: 'POST',
    path: () => '',
    options: json('principal=x', 'application/x-www-form-urlencoded'),
    status: 415,
    field: 'content-type',
  },
  {
    name: 'JSON in latin-1',
    method: 'POST',
    path: () => '',
    options: json(JSON.stringify(valid({})), 'application/json; charset=iso-8859-1'),
    status: 415,
    field: 'content-type',
  },
  {
    name: 'malformed JSON',
    method: 'POST',
    path: () => '',
    options: json('{"principal": '),
    status: 400,
    field: 'body',
  },
  { name: 'a JSON array', method: 'POST', path: () => '', options: json('[1,2]'), status: 400, field: 'body' },
  { name: 'a JSON string', method: 'POST', path: () => '', options: json('"grant me"'), status: 400, field: 'body' },
  { name: 'JSON null', method: 'POST', path: () => '', options: json('null'), status: 400, field: 'body' },
  { name: 'an empty body', method: 'POST', path: () => '', options: json(''), status: 400, field: 'body' },
  {
    name: 'a body over 16 KiB',
    method: 'POST',
    path: () => '',
    options: { body: valid({ justification: 'x'.repeat(17 * 1024) }) },
    status: 413,
    field: 'body',
  },
  {
    name: 'a declared length over 16 KiB',
    method: 'POST',
    path: () => '',
    options: {
      ...json(JSON.stringify(valid({}))),
      headers: { 'content-type': 'application/json', 'content-length': '999999' },
    },
    status: 413,
    field: 'body',
  },
  {
    name: 'missing principal',
    method: 'POST',
    path: () => '',
    options: { body: without('principal') },
    status: 422,
    field: 'principal',
  },
  {
    name: 'principal not a UPN',
    method: 'POST',
    path: () => '',
    options: { body: valid({ principal: 'adele' }) },
    status: 422,
    field: 'principal',
  },
  {
    name: 'principal a number',
    method: 'POST',
    path: () => '',
    options: { body: valid({ principal: 42 }) },
    status: 422,
    field: 'principal',
  },
  {
    name: 'unknown principal',
    method: 'POST',
    path: () => '',
    options: { body: valid({ principal: `nobody.here@${DOMAIN}` }) },
    status: 422,
    field: 'principal',
    reads: true,
  },
  {
    name: 'missing duration',
    method: 'POST',
    path: () => '',
    options: { body: without('duration') },
    status: 422,
    field: 'duration',
  },
  {
    name: 'duration in months',
    method: 'POST',
    path: () => '',
    options: { body: valid({ duration: 'P1M' }) },
    status: 422,
    field: 'duration',
  },
  {
    name: 'duration not ISO 8601',
    method: 'POST',
    path: () => '',
    options: { body: valid({ duration: '8 hours' }) },
    status: 422,
    field: 'duration',
  },
  {
    name: 'duration a number',
    method: 'POST',
    path: () => '',
    options: { body: valid({ duration: 8 }) },
    status: 422,
    field: 'duration',
  },
  {
    name: 'duration below the minimum',
    method: 'POST',
    path: () => '',
    options: { body: valid({ duration: 'PT30M' }) },
    status: 422,
    field: 'duration',
  },
  {
    name: 'duration above the maximum',
    method: 'POST',
    path: () => '',
    options: { body: valid({ duration: 'P31D' }) },
    status: 422,
    field: 'duration',
  },
  {
    name: 'zero duration',
    method: 'POST',
    path: () => '',
    options: { body: valid({ duration: 'PT0S' }) },
    status: 422,
    field: 'duration',
  },
  {
    name: 'missing justification',
    method: 'POST',
    path: () => '',
    options: { body: without('justification') },
    status: 422,
    field: 'justification',
  },
  {
    name: 'blank justification',
    method: 'POST',
    path: () => '',
    options: { body: valid({ justification: '   ' }) },
    status: 422,
    field: 'justification',
  },
  {
    name: 'justification over 2000 characters',
    method: 'POST',
    path: () => '',
    options: { body: valid({ justification: 'j'.repeat(2001) }) },
    status: 422,
    field: 'justification',
  },
  {
    name: 'justification with a NUL',
    method: 'POST',
    path: () => '',
    options: { body: valid({ justification: 'PST export\u0000 for case 7' }) },
    status: 422,
    field: 'justification',
  },
  {
    name: 'justification with invisible control characters',
    method: 'POST',
    path: () => '',
    options: { body: valid({ justification: `PST export${'\u0001'.repeat(50)}` }) },
    status: 422,
    field: 'justification',
  },
  {
    name: 'justification with a right-to-left override (text that reads otherwise than it is)',
    method: 'POST',
    path: () => '',
    options: { body: valid({ justification: 'approved by CISO \u202e7 esac rof' }) },
    status: 422,
    field: 'justification',
  },
  {
    name: 'justification with an unpaired surrogate',
    method: 'POST',
    path: () => '',
    options: { body: valid({ justification: 'PST export \ud800 for case 7' }) },
    status: 422,
    field: 'justification',
  },
  {
    name: 'missing ticket',
    method: 'POST',
    path: () => '',
    options: { body: without('ticket') },
    status: 422,
    field: 'ticket',
  },
  {
    name: 'ticket with a line break',
    method: 'POST',
    path: () => '',
    options: { body: valid({ ticket: 'CHG-1\nBcc: x' }) },
    status: 422,
    field: 'ticket',
  },
  {
    name: 'an unknown field',
    method: 'POST',
    path: () => '',
    options: { body: valid({ role: 'Organization Management' }) },
    status: 422,
    field: 'role',
  },
  {
    name: 'start not a date-time',
    method: 'POST',
    path: () => '',
    options: { body: valid({ start: 'tomorrow' }) },
    status: 422,
    field: 'start',
  },
  {
    name: 'start on 31 November (no roll-over to 1 December)',
    method: 'POST',
    path: () => '',
    options: { body: valid({ start: '2026-11-31T10:00:00Z' }) },
    status: 422,
    field: 'start',
  },
  {
    name: 'start at hour 24',
    method: 'POST',
    path: () => '',
    options: { body: valid({ start: '2026-11-03T24:00:00Z' }) },
    status: 422,
    field: 'start',
  },
  {
    name: 'start in the past',
    method: 'POST',
    path: () => '',
    options: { body: valid({ start: '2026-11-01T09:00:00Z' }) },
    status: 422,
    field: 'start',
  },
  {
    name: 'start over 90 days ahead',
    method: 'POST',
    path: () => '',
    options: { body: valid({ start: '2027-06-01T09:00:00Z' }) },
    status: 422,
    field: 'start',
  },
  {
    name: 'a second open grant for the same principal',
    method: 'POST',
    path: () => '',
    options: { body: requestBody() },
    status: 409,
    reads: true,
  },
  {
    name: 'approve an unknown grant',
    method: 'POST',
    path: () => `/${UNKNOWN_ID}/approve`,
    options: { as: USERS.lidia },
    status: 404,
    field: 'id',
  },
  {
    name: 'approve a malformed id',
    method: 'POST',
    path: () => '/not-a-guid/approve',
    options: { as: USERS.lidia },
    status: 404,
    field: 'id',
  },
  {
    name: 'a malformed %-escape in the id',
    method: 'GET',
    path: () => '/%E0%A4%A',
    options: { as: USERS.lidia },
    status: 404,
    field: 'id',
  },
  {
    name: 'an approval posted from another site',
    method: 'POST',
    path: () => `/${id()}/approve`,
    options: { as: USERS.lidia, headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } },
    status: 403,
    field: 'origin',
  },
  {
    name: 'an approval sent as a form post',
    method: 'POST',
    path: () => `/${id()}/approve`,
    options: { as: USERS.lidia, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    status: 415,
    field: 'content-type',
  },
  {
    name: 'get an unknown grant',
    method: 'GET',
    path: () => `/${UNKNOWN_ID}`,
    options: { as: USERS.auditor },
    status: 404,
    field: 'id',
  },
  {
    name: 'approve with an unknown field',
    method: 'POST',
    path: () => `/${id()}/approve`,
    options: { as: USERS.lidia, body: { force: true } },
    status: 422,
    field: 'force',
  },
  {
    name: 'approve with a text body',
    method: 'POST',
    path: () => `/${id()}/approve`,
    options: { as: USERS.lidia, ...json('yes', 'text/plain') },
    status: 415,
    field: 'content-type',
  },
  {
    name: 'approve own request (self-approval)',
    method: 'POST',
    path: () => `/${id()}/approve`,
    options: { as: { ...USERS.megan, roles: ['Grant.Approve'] } },
    status: 403,
  },
  {
    name: 'deny with a non-string reason',
    method: 'POST',
    path: () => `/${id()}/deny`,
    options: { as: USERS.lidia, body: { reason: 7 } },
    status: 422,
    field: 'reason',
  },
  {
    name: 'deny with a reason holding a bidi isolate',
    method: 'POST',
    path: () => `/${id()}/deny`,
    options: { as: USERS.lidia, body: { reason: 'not \u2067needed\u2069' } },
    status: 422,
    field: 'reason',
  },
  {
    name: 'deny with a reason over 2000 characters',
    method: 'POST',
    path: () => `/${id()}/deny`,
    options: { as: USERS.lidia, body: { reason: 'r'.repeat(2001) } },
    status: 422,
    field: 'reason',
  },
  {
    name: 'extend without duration',
    method: 'POST',
    path: () => `/${id()}/extend`,
    options: { body: { justification: 'more' } },
    status: 422,
    field: 'duration',
  },
  {
    name: 'extend beyond the maximum',
    method: 'POST',
    path: () => `/${id()}/extend`,
    options: { body: { duration: 'P60D', justification: 'more' } },
    status: 422,
    field: 'duration',
  },
  {
    name: 'extend a pending grant',
    method: 'POST',
    path: () => `/${id()}/extend`,
    options: { body: { duration: 'PT2H', justification: 'more' } },
    status: 409,
  },
  { name: 'release a pending grant', method: 'POST', path: () => `/${id()}/release`, options: {}, status: 409 },
  { name: 'an unknown action', method: 'POST', path: () => `/${id()}/frobnicate`, options: {}, status: 404 },
  { name: 'a path too deep', method: 'POST', path: () => `/${id()}/approve/now`, options: {}, status: 404 },
  { name: 'DELETE on the collection', method: 'DELETE', path: () => '', options: {}, status: 405 },
  { name: 'PUT on a grant', method: 'PUT', path: () => `/${id()}`, options: { body: {} }, status: 405 },
  { name: 'GET on an action', method: 'GET', path: () => `/${id()}/approve`, options: {}, status: 405 },
  {
    name: 'list with an unknown status',
    method: 'GET',
    path: () => '?status=pending,bogus',
    options: { as: USERS.auditor },
    status: 422,
    field: 'status',
  },
  {
    name: 'list with an unknown parameter',
    method: 'GET',
    path: () => '?owner=me',
    options: { as: USERS.auditor },
    status: 422,
    field: 'owner',
  },
  {
    name: 'list with a bad principal',
    method: 'GET',
    path: () => '?principal=adele',
    options: { as: USERS.auditor },
    status: 422,
    field: 'principal',
  },
  {
    name: 'adopt with a malformed guid',
    method: 'POST',
    path: () => '/adopt',
    options: { as: USERS.lidia, body: { assignmentGuid: 'AlexW', duration: 'P1D', justification: 'x', ticket: 'T-1' } },
    status: 422,
    field: 'assignmentGuid',
  },
  {
    name: 'adopt without a ticket',
    method: 'POST',
    path: () => '/adopt',
    options: { as: USERS.lidia, body: { assignmentGuid: UNKNOWN_ID, duration: 'P1D', justification: 'x' } },
    status: 422,
    field: 'ticket',
  },
  {
    name: 'adopt with a duration out of bounds',
    method: 'POST',
    path: () => '/adopt',
    options: {
      as: USERS.lidia,
      body: { assignmentGuid: UNKNOWN_ID, duration: 'PT5M', justification: 'x', ticket: 'T-1' },
    },
    status: 422,
    field: 'duration',
  },
];

const WRITES = /^(New-|Remove-|Add-|Set-|Enable-|Disable-|send$)/i;

async function stateNow() {
  const grants = await api.runtime.store.grants.list();
  const journal = await api.journal();
  const calls = api.emulator.calls.all();
  return {
    grants: JSON.stringify(grants),
    journalHead: journal.at(-1)?.hash,
    journalLength: journal.length,
    calls: calls.length,
    writes: calls.filter((c) => WRITES.test(c.name) || (c.method !== 'GET' && c.api === 'graph')).length,
    emails: api.emulator.sentEmails().length,
  };
}

describe('bad requests: 4xx problem+json naming the field, nothing written', () => {
  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await stateNow();
    const res = await api.call(c.method, c.path(), c.options);
    expect(res.status, res.text).toBe(c.status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({
      status: c.status,
      type: expect.stringMatching(/^urn:mie-watchdog:problem:/),
      title: expect.any(String),
      detail: expect.any(String),
    });
    if (c.field) {
      expect(res.body.field).toBe(c.field);
      expect(res.body.detail).toContain(c.field);
    }
    const after = await stateNow();
    expect(after.grants).toBe(before.grants);
    expect(after.journalLength).toBe(before.journalLength);
    expect(after.journalHead).toBe(before.journalHead);
    expect(after.writes).toBe(before.writes);
    expect(after.emails).toBe(before.emails);
    if (!c.reads) expect(after.calls).toBe(before.calls);
  });
});
