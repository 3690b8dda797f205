/**
 * The generic webhook: every notice as one JSON event (docs/notifications.md has its JSON Schema), signed so
 * the receiver knows it came from this watchdog and is fresh. Each attempt sends
 *   X-Watchdog-Event-Id   the event id (the notice key): deduplicate on it
 *   X-Watchdog-Timestamp  Unix seconds when this attempt was signed: refuse old ones (replay)
 *   X-Watchdog-Signature  sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" under WATCHDOG_WEBHOOK_SECRET>
 * (the scheme Stripe and Slack use: the timestamp is inside the signed text, so it cannot be swapped).
 */
import { createHmac } from 'node:crypto';
import type { ChannelMessage, NoticeChannel } from '../ports/index.js';
import { jsonPostChannel, type PostingChannelOptions } from './channelPost.js';

export interface WebhookChannelOptions extends PostingChannelOptions {
  url: string;
  secret: string;
}

const SIGNATURE_HEADER = 'x-watchdog-signature';
const TIMESTAMP_HEADER = 'x-watchdog-timestamp';
const EVENT_ID_HEADER = 'x-watchdog-event-id';

/** The signature of `body` sent at `timestamp` (Unix seconds): what a receiver recomputes. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

function signedHeaders(options: WebhookChannelOptions, message: ChannelMessage): Record<string, string> {
  const timestamp = String(Math.floor(options.clock.now().getTime() / 1000));
  return {
    [EVENT_ID_HEADER]: message.noticeKey,
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: webhookSignature(options.secret, timestamp, message.body),
  };
}

export function webhookChannel(options: WebhookChannelOptions): NoticeChannel {
  // Signed per attempt: a retry after a backoff carries a fresh timestamp.
  return jsonPostChannel({
    ...options,
    name: 'webhook',
    service: 'Webhook',
    headers: (message) => signedHeaders(options, message),
  });
}
