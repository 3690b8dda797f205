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

/** A bad request to `path`, or to the pending grant's `/{id}` followed by `path` when `onPending`. */
const bad =
  (method: string, path: string, onPending = false) =>
  (name: string, options: CallOptions, status: number, field?: string): BadCase => ({
    name,
    method,
    path: () => (onPending ? `/${pending.id}${path}` : path),
    options,
    status,
    field,
  });
const create = bad('POST', '');
const MISSING = Symbol('missing');
/** A grant request with `field` set to `value`, or without it: refused with 422 naming the field. */
const requesting = (name: string, field: string, value: unknown): BadCase =>
  create(name, { body: value === MISSING ? without(field) : valid({ [field]: value }) }, 422, field);
const reading = (c: BadCase): BadCase => ({ ...c, reads: true });
const onPending = (method: string, action: string) => bad(method, action, true);
const approve = onPending('POST', '/approve');
const deny = onPending('POST', '/deny');
const extend = onPending('POST', '/extend');
const list = (name: string, query: string, field: string) => bad('GET', query)(name, { as: USERS.auditor }, 422, field);
const adopt = (name: string, body: Record<string, unknown>, field: string) =>
  bad('POST', '/adopt')(name, { as: USERS.lidia, body }, 422, field);
const validJson = () => JSON.stringify(valid({}));

const cases: BadCase[] = [
  create('no content type', { rawBody: validJson() }, 415, 'content-type'),
  create('text/plain', json(validJson(), 'text/plain'), 415, 'content-type'),
  create('form encoding', json('principal=x', 'application/x-www-form-urlencoded'), 415, 'content-type'),
  create('JSON in latin-1', json(validJson(), 'application/json; charset=iso-8859-1'), 415, 'content-type'),
  create('malformed JSON', json('{"principal": '), 400, 'body'),
  create('a JSON array', json('[1,2]'), 400, 'body'),
  create('a JSON string', json('"grant me"'), 400, 'body'),
  create('JSON null', json('null'), 400, 'body'),
  create('an empty body', json(''), 400, 'body'),
  create('a body over 16 KiB', { body: valid({ justification: 'x'.repeat(17 * 1024) }) }, 413, 'body'),
  create(
    'a declared length over 16 KiB',
    { rawBody: validJson(), headers: { 'content-type': 'application/json', 'content-length': '999999' } },
    413,
    'body',
  ),
  requesting('missing principal', 'principal', MISSING),
  requesting('principal not a UPN', 'principal', 'adele'),
  requesting('principal a number', 'principal', 42),
  reading(requesting('unknown principal', 'principal', `nobody.here@${DOMAIN}`)),
  requesting('missing duration', 'duration', MISSING),
  requesting('duration in months', 'duration', 'P1M'),
  requesting('duration not ISO 8601', 'duration', '8 hours'),
  requesting('duration a number', 'duration', 8),
  requesting('duration below the minimum', 'duration', 'PT30M'),
  requesting('duration above the maximum', 'duration', 'P31D'),
  requesting('zero duration', 'duration', 'PT0S'),
  requesting('missing justification', 'justification', MISSING),
  requesting('blank justification', 'justification', '   '),
  requesting('justification over 2000 characters', 'justification', 'j'.repeat(2001)),
  requesting('justification with a NUL', 'justification', 'PST export\u0000 for case 7'),
  requesting('justification with invisible control characters', 'justification', `PST export${'\u0001'.repeat(50)}`),
  requesting(
    'justification with a right-to-left override (text that reads otherwise than it is)',
    'justification',
    'approved by CISO \u202e7 esac rof',
  ),
  requesting('justification with an unpaired surrogate', 'justification', 'PST export \ud800 for case 7'),
  requesting('missing ticket', 'ticket', MISSING),
  requesting('ticket with a line break', 'ticket', 'CHG-1\nBcc: x'),
  requesting('an unknown field', 'role', 'Organization Management'),
  requesting('start not a date-time', 'start', 'tomorrow'),
  requesting('start on 31 November (no roll-over to 1 December)', 'start', '2026-11-31T10:00:00Z'),
  requesting('start at hour 24', 'start', '2026-11-03T24:00:00Z'),
  requesting('start in the past', 'start', '2026-11-01T09:00:00Z'),
  requesting('start over 90 days ahead', 'start', '2027-06-01T09:00:00Z'),
  reading(create('a second open grant for the same principal', { body: requestBody() }, 409)),
  bad('POST', `/${UNKNOWN_ID}/approve`)('approve an unknown grant', { as: USERS.lidia }, 404, 'id'),
  bad('POST', '/not-a-guid/approve')('approve a malformed id', { as: USERS.lidia }, 404, 'id'),
  bad('GET', '/%E0%A4%A')('a malformed %-escape in the id', { as: USERS.lidia }, 404, 'id'),
  approve(
    'an approval posted from another site',
    { as: USERS.lidia, headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } },
    403,
    'origin',
  ),
  approve(
    'an approval sent as a form post',
    { as: USERS.lidia, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    415,
    'content-type',
  ),
  bad('GET', `/${UNKNOWN_ID}`)('get an unknown grant', { as: USERS.auditor }, 404, 'id'),
  approve('approve with an unknown field', { as: USERS.lidia, body: { force: true } }, 422, 'force'),
  approve('approve with a text body', { as: USERS.lidia, ...json('yes', 'text/plain') }, 415, 'content-type'),
  approve('approve own request (self-approval)', { as: { ...USERS.megan, roles: ['Grant.Approve'] } }, 403),
  deny('deny with a non-string reason', { as: USERS.lidia, body: { reason: 7 } }, 422, 'reason'),
  deny(
    'deny with a reason holding a bidi isolate',
    { as: USERS.lidia, body: { reason: 'not \u2067needed\u2069' } },
    422,
    'reason',
  ),
  deny(
    'deny with a reason over 2000 characters',
    { as: USERS.lidia, body: { reason: 'r'.repeat(2001) } },
    422,
    'reason',
  ),
  extend('extend without duration', { body: { justification: 'more' } }, 422, 'duration'),
  extend('extend beyond the maximum', { body: { duration: 'P60D', justification: 'more' } }, 422, 'duration'),
  extend('extend a pending grant', { body: { duration: 'PT2H', justification: 'more' } }, 409),
  onPending('POST', '/release')('release a pending grant', {}, 409),
  onPending('POST', '/frobnicate')('an unknown action', {}, 404),
  onPending('POST', '/approve/now')('a path too deep', {}, 404),
  bad('DELETE', '')('DELETE on the collection', {}, 405),
  onPending('PUT', '')('PUT on a grant', { body: {} }, 405),
  onPending('GET', '/approve')('GET on an action', {}, 405),
  list('list with an unknown status', '?status=pending,bogus', 'status'),
  list('list with an unknown parameter', '?owner=me', 'owner'),
  list('list with a bad principal', '?principal=adele', 'principal'),
  adopt(
    'adopt with a malformed guid',
    { assignmentGuid: 'AlexW', duration: 'P1D', justification: 'x', ticket: 'T-1' },
    'assignmentGuid',
  ),
  adopt('adopt without a ticket', { assignmentGuid: UNKNOWN_ID, duration: 'P1D', justification: 'x' }, 'ticket'),
  adopt(
    'adopt with a duration out of bounds',
    { assignmentGuid: UNKNOWN_ID, duration: 'PT5M', justification: 'x', ticket: 'T-1' },
    'duration',
  ),
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
