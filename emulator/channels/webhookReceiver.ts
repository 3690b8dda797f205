/**
 * A receiver of the watchdog's generic webhook, `POST /webhook[/...]`, that does what docs/notifications.md tells
 * receivers to do: recompute `sha256=` + hex HMAC-SHA256 of "<X-Watchdog-Timestamp>.<raw body>" under the shared
 * secret, compare it with X-Watchdog-Signature in constant time, refuse a timestamp more than five minutes from its
 * clock, and skip an event id it already took. A refused event answers 401 and is recorded as unverified.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { EmulatorContext } from '../context.js';
import type { Reply } from '../http.js';

export const WEBHOOK_RECEIVER = /^\/webhook(?:\/.*)?$/;

const TOLERANCE_SECONDS = 300;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function verificationProblem(secret: string, nowMs: number, raw: Buffer, timestamp?: string, signature?: string) {
  if (!timestamp || !/^\d+$/.test(timestamp)) return 'X-Watchdog-Timestamp is missing or not Unix seconds';
  if (!signature) return 'X-Watchdog-Signature is missing';
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(raw).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return 'the signature does not match the body under the shared secret';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > TOLERANCE_SECONDS)
    return `the timestamp is more than ${TOLERANCE_SECONDS} seconds from the receiver's clock (a replay?)`;
  return undefined;
}

export function receiveWebhook(
  ctx: EmulatorContext,
  req: IncomingMessage,
  url: URL,
  raw: Buffer,
  event: unknown,
): Reply {
  const timestamp = header(req, 'x-watchdog-timestamp');
  const eventId = header(req, 'x-watchdog-event-id');
  const now = ctx.state.clock.now();
  const problem = verificationProblem(
    ctx.channels.webhookSecret,
    now.getTime(),
    raw,
    timestamp,
    header(req, 'x-watchdog-signature'),
  );
  const duplicate = !problem && ctx.channels.webhook.some((d) => d.verified && d.eventId === eventId);
  const status = problem ? 401 : 202;
  ctx.channels.webhook.push({
    at: now.toISOString(),
    path: url.pathname,
    status,
    verified: !problem,
    ...(problem ? { problem } : {}),
    ...(eventId ? { eventId } : {}),
    ...(timestamp ? { timestamp } : {}),
    duplicate,
    event,
  });
  return problem
    ? { status, body: { error: { code: 'Unauthorized', message: `Refused: ${problem}.` } } }
    : { status, body: { received: eventId ?? null, duplicate } };
}
