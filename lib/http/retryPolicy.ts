/**
 * When and how long to retry a call: bounded attempts, exponential backoff with jitter,
 * and the service's Retry-After taking precedence when it gives one.
 */

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** First backoff; doubles on each further attempt. */
  baseDelayMs: number;
  /** Cap of a computed backoff. */
  maxDelayMs: number;
  /** Budget of one attempt, response body included. */
  timeoutMs: number;
  /** A Retry-After longer than this is not waited for: the call fails as throttled and says how long to wait. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  timeoutMs: 60_000,
  maxRetryAfterMs: 120_000,
};

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1)
    throw new Error(`Retry policy maxAttempts must be a whole number of at least 1, not ${policy.maxAttempts}.`);
  for (const key of ['baseDelayMs', 'maxDelayMs', 'timeoutMs', 'maxRetryAfterMs'] as const) {
    if (!Number.isFinite(policy[key]) || policy[key] < 0)
      throw new Error(`Retry policy ${key} must be a non-negative number of milliseconds, not ${policy[key]}.`);
  }
  return policy;
}

/** Statuses worth another attempt: throttling and the gateway/server failures that clear by themselves. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/**
 * Retry-After as milliseconds: delta-seconds (Exchange sends fractional values such as "1.5")
 * or an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries of many callers spread out. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
