/**
 * A time limit on every Table Storage request, and a bounded retry of the requests that are safe to send
 * again: reads, table creation (a repeat of one that did land is answered 409 TableAlreadyExists, which the SDK's
 * createTable takes as success), and writes guarded by an ETag (If-Match other than '*'; a repeat of one that did
 * land gets 412, which callers already treat as "read again and decide"). Inserts, unconditional writes and batches are sent
 * once: repeating them after a lost answer could apply them twice or report a false conflict.
 *
 * Installed as a pipeline policy so that it covers every call of every TableClient the store creates, including
 * each page of a listing. The SDK's own retry is switched off (it retries every method and has no time limit).
 */
import type { TableClient } from '@azure/data-tables';

type PipelinePolicy = Parameters<TableClient['pipeline']['addPolicy']>[0];

export interface TableCallLimits {
  /** Budget of one attempt, response body included. */
  timeoutMs: number;
  /** Attempts of a retry-safe request, the first one included. */
  maxAttempts: number;
  /** First backoff; doubles on each further attempt. */
  baseDelayMs: number;
}

/**
 * The service answers within 30 s or fails the request itself (its maximum server timeout; a query page runs
 * at most 5 s): https://learn.microsoft.com/rest/api/storageservices/setting-timeouts-for-table-service-operations.
 * A request still unanswered after that is stalled, not slow.
 */
export const DEFAULT_TABLE_CALL_LIMITS: TableCallLimits = { timeoutMs: 30_000, maxAttempts: 3, baseDelayMs: 250 };

/** Longest Retry-After honoured between attempts; a longer one fails the call with the status. */
const MAX_RETRY_AFTER_MS = 10_000;
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'REQUEST_SEND_ERROR',
]);

/** Table Storage did not answer a request within its time limit (every attempt, for a retry-safe one). */
export class TableTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TableTimeoutError';
  }
}

/** Create Table: `POST {account}/Tables` (https://learn.microsoft.com/rest/api/storageservices/create-table). */
const CREATE_TABLE = /\/Tables$/;

export function isRetrySafe(method: string, ifMatch: string | undefined, url: string): boolean {
  if (method === 'GET' || method === 'HEAD') return true;
  if (method === 'POST' && CREATE_TABLE.test(new URL(url).pathname)) return true;
  return ifMatch !== undefined && ifMatch.trim() !== '' && ifMatch.trim() !== '*';
}

function retryAfterMs(value: string | undefined): number | undefined {
  if (!value || !/^\d+(?:\.\d+)?$/.test(value.trim())) return undefined;
  return Math.round(Number(value) * 1000);
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function tableCallPolicy(table: string, limits: TableCallLimits): PipelinePolicy {
  return {
    name: 'watchdogTableCallLimits',
    async sendRequest(request, next) {
      const safe = isRetrySafe(request.method, request.headers.get('if-match'), request.url);
      const attempts = safe ? limits.maxAttempts : 1;
      const outer = request.abortSignal;
      const backoff = (attempt: number) => limits.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
      for (let attempt = 1; ; attempt++) {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
        const onOuterAbort = () => controller.abort();
        outer?.addEventListener('abort', onOuterAbort);
        request.abortSignal = controller.signal;
        try {
          const response = await next(request);
          if (attempt < attempts && RETRYABLE_STATUSES.has(response.status)) {
            const after = retryAfterMs(response.headers.get('retry-after'));
            if (after === undefined || after <= MAX_RETRY_AFTER_MS) {
              await wait(after ?? backoff(attempt));
              continue;
            }
          }
          return response;
        } catch (error) {
          if (outer?.aborted) throw error;
          const timedOut = controller.signal.aborted;
          const code = (error as { code?: string })?.code;
          if (attempt < attempts && (timedOut || (code !== undefined && NETWORK_CODES.has(code)))) {
            await wait(backoff(attempt));
            continue;
          }
          if (timedOut)
            throw new TableTimeoutError(timeoutMessage(table, request.method, safe, attempt, limits.timeoutMs));
          throw error;
        } finally {
          clearTimeout(timer);
          outer?.removeEventListener('abort', onOuterAbort);
          request.abortSignal = outer;
        }
      }
    },
  };
}

function timeoutMessage(table: string, method: string, safe: boolean, attempts: number, timeoutMs: number): string {
  const tries = attempts > 1 ? ` on each of ${attempts} attempts` : '';
  const applied = safe
    ? 'Nothing was changed by it.'
    : 'It was a write sent once: it may or may not have been applied, so read the record before repeating it by hand.';
  return (
    `Table Storage did not answer a ${method} on table ${table} within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}${tries}. ${applied} ` +
    `The storage account is stalled or unreachable: check its health (Resource health, Availability and latency metrics) and the network path from the app (firewall, private endpoint, DNS); the run stopped here and the next run starts over.`
  );
}
