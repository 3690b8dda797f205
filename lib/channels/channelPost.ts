/**
 * The HTTP post every channel makes, over the shared transport (lib/http/transport.ts): each attempt has a
 * timeout, 408, 429 and 5xx are retried with backoff that honours Retry-After, other answers end the post.
 * Anything but a 2xx throws with the status and the start of the answer, which the outbox keeps.
 */
import type {
  ChannelMessage,
  ChannelName,
  Clock,
  Logger,
  NoticeChannel,
  SentMailStore,
  ServiceName,
} from '../ports/index.js';
import { HttpTransport, type HttpRequest } from '../http/transport.js';
import type { RetryPolicy } from '../http/retryPolicy.js';
import { OutboxChannel } from './outboxChannel.js';

interface ChannelPostOptions {
  service: ServiceName;
  policy?: Partial<RetryPolicy>;
  logger?: Logger;
}

/** What every posting channel is built with besides its endpoint. */
export interface PostingChannelOptions {
  outbox: SentMailStore;
  clock: Clock;
  logger?: Logger;
  policy?: Partial<RetryPolicy>;
}

interface JsonPostChannelOptions extends PostingChannelOptions {
  name: ChannelName;
  service: ServiceName;
  url: string;
  /** Headers of one attempt besides the content type, made per attempt (a fresh signature or token on a retry). */
  headers?: (message: ChannelMessage) => Promise<Record<string, string>> | Record<string, string>;
}

/** A channel over the outbox that POSTs each message's JSON body to `url`. */
export function jsonPostChannel(options: JsonPostChannelOptions): NoticeChannel {
  const post = channelPoster({ service: options.service, policy: options.policy, logger: options.logger });
  return new OutboxChannel({
    name: options.name,
    outbox: options.outbox,
    clock: options.clock,
    logger: options.logger,
    post: (message) =>
      post(async () => ({
        method: 'POST',
        url: options.url,
        headers: { 'content-type': 'application/json', ...(await options.headers?.(message)) },
        body: message.body,
      })),
  });
}

const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

/** A poster for one service: `build` makes each attempt's request (fresh signature, fresh token). */
function channelPoster(
  options: ChannelPostOptions,
): (build: () => Promise<HttpRequest> | HttpRequest) => Promise<void> {
  // A channel must not hold a run up the way Exchange may: three attempts, short waits by default.
  const transport = new HttpTransport({
    policy: {
      maxAttempts: 3,
      baseDelayMs: 1000,
      maxDelayMs: 8000,
      timeoutMs: 30_000,
      maxRetryAfterMs: 30_000,
      ...options.policy,
    },
    logger: options.logger,
  });
  return async (build) => {
    const response = await transport.send(build, {
      service: options.service,
      operation: 'post',
      retryable: (r) => RETRYABLE.has(r.status),
    });
    if (response.status >= 200 && response.status < 300) return;
    const answer = response.text.replace(/\s+/g, ' ').trim().slice(0, 300);
    throw new Error(
      `${options.service} answered HTTP ${response.status} after ${response.attempts} attempt(s)${answer ? `: ${answer}` : ''}`,
    );
  };
}
