/**
 * The one way the watchdog sends HTTP to Exchange and Graph: every attempt has a timeout (body included),
 * throttling and transient failures are retried with backoff that honours Retry-After, and attempts are
 * bounded. A final failed *response* is returned for the caller to map to a typed error (it knows which
 * permission the call needs); a connection that never produced one ends as a TransientError.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../ports/index.js';
import { TransientError, formatSeconds, type CallContext } from '../ports/index.js';
import { RETRYABLE_STATUSES, backoffDelay, parseRetryAfter, retryPolicy, type RetryPolicy } from './retryPolicy.js';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** 'manual' returns a 3xx as the response, for callers that check where it points before following it. */
  redirect?: 'manual';
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  url: string;
  /** Attempts made to get this response. */
  attempts: number;
  /** Retry-After of this response, when it had one. */
  retryAfterMs?: number;
}

export interface SendOptions extends CallContext {
  /** Whether a response deserves another attempt; by default 429, 500, 502, 503 and 504 do. */
  retryable?: (response: HttpResponse) => boolean;
  /** Cancels the whole call, waits included. */
  signal?: AbortSignal;
}

export interface HttpTransportOptions {
  policy?: Partial<RetryPolicy>;
  logger?: Logger;
  fetch?: typeof fetch;
  /** Source of jitter; tests pin it. */
  random?: () => number;
}

export class HttpTransport {
  readonly policy: RetryPolicy;
  private readonly fetchImpl: typeof fetch;
  private readonly random: () => number;
  private readonly logger?: Logger;

  constructor(options: HttpTransportOptions = {}) {
    this.policy = retryPolicy(options.policy);
    this.fetchImpl = options.fetch ?? fetch;
    this.random = options.random ?? Math.random;
    this.logger = options.logger;
  }

  /**
   * Sends the request built by `build` (called again for every attempt, so a token that expired during a
   * long backoff is fetched anew) until it gets a response that is not retryable or runs out of attempts.
   */
  async send(build: () => HttpRequest | Promise<HttpRequest>, options: SendOptions): Promise<HttpResponse> {
    const { maxAttempts } = this.policy;
    const retryable = options.retryable ?? ((r: HttpResponse) => RETRYABLE_STATUSES.has(r.status));
    for (let attempt = 1; ; attempt++) {
      const request = await build();
      let response: HttpResponse;
      try {
        response = await this.attempt(request, attempt, options.signal);
      } catch (error) {
        if (options.signal?.aborted) throw error;
        const failure = describeFailure(error, this.policy.timeoutMs);
        if (attempt >= maxAttempts) throw new TransientError(options, attempt, failure, undefined, error);
        const delay = backoffDelay(this.policy, attempt, this.random);
        this.logger?.warn(
          `${options.service} ${options.operation}: ${failure}; retrying in ${formatSeconds(delay)} (attempt ${attempt + 1} of ${maxAttempts}).`,
        );
        await sleep(delay, undefined, { signal: options.signal });
        continue;
      }
      if (!retryable(response) || attempt >= maxAttempts) return response;
      if (response.retryAfterMs !== undefined && response.retryAfterMs > this.policy.maxRetryAfterMs) return response;
      const delay = response.retryAfterMs ?? backoffDelay(this.policy, attempt, this.random);
      this.logger?.warn(
        `${options.service} ${options.operation}: HTTP ${response.status}; retrying in ${formatSeconds(delay)} (attempt ${attempt + 1} of ${maxAttempts}).`,
      );
      await sleep(delay, undefined, { signal: options.signal });
    }
  }

  private async attempt(request: HttpRequest, attempt: number, signal: AbortSignal | undefined): Promise<HttpResponse> {
    const timeout = AbortSignal.timeout(this.policy.timeoutMs);
    const res = await this.fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      redirect: request.redirect ?? 'error',
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      text,
      url: request.url,
      attempts: attempt,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), Date.now()),
    };
  }
}

/** "timed out after 30s" or "connection failed (ECONNRESET)": what went wrong, without the request's headers. */
function describeFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; name?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError')
    return `timed out after ${formatSeconds(timeoutMs)}`;
  const code = e?.cause?.code ?? e?.cause?.name;
  return `connection failed (${code ?? e?.cause?.message ?? e?.message ?? String(error)})`;
}
