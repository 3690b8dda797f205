import { describe, expect, it } from 'vitest';
import { createLimiter, mapLimited } from '../../../lib/limiter.js';
import { backoffDelay, parseRetryAfter, retryPolicy } from '../../../lib/http/retryPolicy.js';
import { HttpTransport } from '../../../lib/http/transport.js';
import { TransientError } from '../../../lib/ports/index.js';
import type { Logger } from '../../../lib/ports/index.js';
import { FAST_POLICY, fakeServerPerTest } from '../../support/fakeServer.js';

const ctx = { service: 'Microsoft Graph' as const, operation: 'GET /test' };
const fake = fakeServerPerTest();

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
}

describe('Retry-After and backoff', () => {
  it('reads fractional seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-01T09:00:00Z');
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('0.25', now)).toBe(250);
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 01 Nov 2026 09:00:04 GMT', now)).toBe(4000);
    expect(parseRetryAfter('Sun, 01 Nov 2026 08:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('grows exponentially, stays within the cap and jitters within half of it', () => {
    const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 });
    expect(backoffDelay(policy, 1, () => 0)).toBe(50);
    expect(backoffDelay(policy, 1, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, () => 1)).toBe(400);
    expect(backoffDelay(policy, 10, () => 1)).toBe(1000);
    expect(backoffDelay(policy, 10, () => 0)).toBe(500);
  });

  it('rejects a policy without attempts', () => {
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
  });
});

describe('HttpTransport over real HTTP', () => {
  it('honours a fractional Retry-After on 429, then succeeds', async () => {
    const server = await fake.start((_r, i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': '0.15' }, json: {} } : { status: 200, json: { ok: true } },
    );
    const logger = recordingLogger();
    const transport = new HttpTransport({ policy: FAST_POLICY, logger });
    const res = await transport.send(() => ({ method: 'GET', url: `${server.url}/x` }), ctx);
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(2);
    const [first, second] = server.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(140);
    expect(logger.lines.join('\n')).toMatch(/HTTP 429; retrying in 0\.15s \(attempt 2 of 4\)/);
  });

  it('honours an HTTP-date Retry-After', async () => {
    const server = await fake.start((_r, i) =>
      i === 0
        ? { status: 503, headers: { 'retry-after': new Date(Date.now() + 1200).toUTCString() }, json: {} }
        : { status: 200, json: {} },
    );
    const res = await new HttpTransport({ policy: FAST_POLICY }).send(() => ({ method: 'GET', url: server.url }), ctx);
    expect(res.status).toBe(200);
    // HTTP dates have whole-second precision: the wait is at least what remained of the next second.
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(150);
  });

  it('retries 500, 502, 503 and 504 up to the attempt bound and returns the last response', async () => {
    const statuses = [500, 502, 504, 503];
    const server = await fake.start((_r, i) => ({ status: statuses[i] ?? 200, json: {} }));
    const res = await new HttpTransport({ policy: FAST_POLICY }).send(() => ({ method: 'GET', url: server.url }), ctx);
    expect(res.status).toBe(503);
    expect(res.attempts).toBe(4);
    expect(server.requests).toHaveLength(4);
  });

  it('does not retry a 400 or a 404', async () => {
    const server = await fake.start(() => ({ status: 400, json: {} }));
    const res = await new HttpTransport({ policy: FAST_POLICY }).send(() => ({ method: 'GET', url: server.url }), ctx);
    expect(res.status).toBe(400);
    expect(server.requests).toHaveLength(1);
  });

  it('gives up at once when Retry-After is longer than the policy allows', async () => {
    const server = await fake.start(() => ({ status: 429, headers: { 'retry-after': '3600' }, json: {} }));
    const res = await new HttpTransport({ policy: { ...FAST_POLICY, maxRetryAfterMs: 1000 } }).send(
      () => ({ method: 'GET', url: server.url }),
      ctx,
    );
    expect(res.status).toBe(429);
    expect(res.retryAfterMs).toBe(3_600_000);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a reset connection', async () => {
    const server = await fake.start((_r, i) => (i < 2 ? 'reset' : { status: 200, json: { ok: 1 } }));
    const res = await new HttpTransport({ policy: FAST_POLICY }).send(() => ({ method: 'GET', url: server.url }), ctx);
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(3);
  });

  it('times out each attempt and ends in a TransientError after the bound', async () => {
    const server = await fake.start(() => 'hang');
    const transport = new HttpTransport({ policy: { ...FAST_POLICY, timeoutMs: 80, maxAttempts: 3 } });
    const error = await transport.send(() => ({ method: 'GET', url: server.url }), ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).message).toMatch(/timed out after 0\.08s after 3 attempt\(s\)/);
    expect(server.requests).toHaveLength(3);
  });

  it('builds the request again for every attempt (fresh token) and never logs it', async () => {
    const server = await fake.start((_r, i) => (i === 0 ? { status: 503, json: {} } : { status: 200, json: {} }));
    const logger = recordingLogger();
    let built = 0;
    await new HttpTransport({ policy: FAST_POLICY, logger }).send(
      () => ({ method: 'GET', url: server.url, headers: { Authorization: `Bearer secret-${++built}` } }),
      ctx,
    );
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer secret-1', 'Bearer secret-2']);
    expect(logger.lines.join('\n')).not.toMatch(/secret/);
  });
});

describe('limiter', () => {
  it('keeps at most N tasks in flight and preserves result order', async () => {
    let active = 0;
    let peak = 0;
    const results = await mapLimited([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setImmediate(r));
      active--;
      return n * 2;
    });
    expect(peak).toBe(3);
    expect(results).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
  });

  it('hands a freed slot to a waiter before any newcomer', async () => {
    const limit = createLimiter(1);
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = limit(() => gate.then(() => order.push('first')));
    const second = limit(async () => order.push('second'));
    release();
    await first;
    const third = limit(async () => order.push('third'));
    await Promise.all([second, third]);
    expect(order).toEqual(['first', 'second', 'third']);
  });
});
