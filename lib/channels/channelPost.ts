/**
 * The HTTP post every channel makes, over the shared transport (lib/http/transport.ts): each attempt has a
 * timeout, 408, 429 and 5xx are retried with backoff that honours Retry-After, other answers end the post.
 * Anything but a 2xx throws with the status and the start of the answer, which the outbox keeps.
 */
import type { Logger, ServiceName } from '../ports/index.js';
import { HttpTransport, type HttpRequest } from '../http/transport.js';
import type { RetryPolicy } from '../http/retryPolicy.js';

export interface ChannelPostOptions {
  service: ServiceName;
  policy?: Partial<RetryPolicy>;
  logger?: Logger;
}

const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

/** A poster for one service: `build` makes each attempt's request (fresh signature, fresh token). */
export function channelPoster(
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
