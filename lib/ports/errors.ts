/**
 * The errors the ports throw, so that use cases catch a type rather than parse a status code: typed failures
 * of calls to Exchange, Graph and ACS, and the store's conflicts. Every message says what failed and what to
 * do, so a job can put it in an alert or a log line as is. Messages never carry tokens.
 */
import type { Grant } from '../domain.js';

export type ServiceName =
  | 'Exchange Online'
  | 'Security & Compliance'
  | 'Microsoft Graph'
  | 'ACS Email'
  | 'Teams webhook'
  | 'Webhook'
  | 'Logs Ingestion';

export interface CallContext {
  service: ServiceName;
  /** What was being done: a cmdlet name, a Graph path, "send email". */
  operation: string;
}

export class ExternalCallError extends Error {
  readonly service: ServiceName;
  readonly operation: string;
  constructor(
    context: CallContext,
    message: string,
    readonly status?: number,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
    this.service = context.service;
    this.operation = context.operation;
  }
}

/** Still throttled (HTTP 429) after every attempt, or told to wait longer than the policy allows. */
export class ThrottledError extends ExternalCallError {
  constructor(
    context: CallContext,
    readonly attempts: number,
    /** How long the service asked the caller to wait, when it said. */
    readonly retryAfterMs?: number,
  ) {
    const wait = retryAfterMs !== undefined ? ` It asked to wait ${formatSeconds(retryAfterMs)}.` : '';
    super(
      context,
      `${context.service} ${context.operation}: throttled (HTTP 429) after ${attempts} attempt(s).${wait} Run again later; the next scheduled run retries.`,
      429,
    );
  }
}

/** A 5xx, a reset connection or a timeout that outlived every retry. */
export class TransientError extends ExternalCallError {
  constructor(
    context: CallContext,
    readonly attempts: number,
    detail: string,
    status?: number,
    cause?: unknown,
  ) {
    super(
      context,
      `${context.service} ${context.operation}: ${detail} after ${attempts} attempt(s). The service may be degraded; the next scheduled run retries.`,
      status,
      cause,
    );
  }
}

/** HTTP 401/403, or a cmdlet the app's Exchange role does not allow: names what to grant. */
export class PermissionError extends ExternalCallError {
  constructor(
    context: CallContext,
    status: number | undefined,
    readonly needed: string,
    detail?: string,
  ) {
    super(
      context,
      `${context.service} ${context.operation}: access denied${status ? ` (HTTP ${status})` : ''}${detail ? ` (${detail})` : ''}. Grant the watchdog's identity ${needed}.`,
      status,
    );
  }
}

/** The object asked for does not exist. Adapters turn it into `undefined` / 'absent' where the port says so. */
export class NotFoundError extends ExternalCallError {
  constructor(context: CallContext, detail: string, status?: number) {
    super(context, `${context.service} ${context.operation}: not found (${detail}).`, status);
  }
}

/** The service refused the request itself (another 4xx, a cmdlet error, an unexpected body). Retrying will not help. */
export class RequestError extends ExternalCallError {
  constructor(
    context: CallContext,
    detail: string,
    status?: number,
    /** Exchange's exception type name when the cmdlet failed. */
    readonly typeName?: string,
    cause?: unknown,
  ) {
    super(
      context,
      `${context.service} ${context.operation} failed${status ? ` (HTTP ${status})` : ''}: ${detail}`,
      status,
      cause,
    );
  }
}

/** No token could be obtained for the scope: the identity itself is missing or misconfigured. */
export class CredentialError extends ExternalCallError {
  constructor(context: CallContext, scope: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      context,
      `${context.service} ${context.operation}: could not get a token for ${scope} (${reason}). Check WATCHDOG_CREDENTIAL and that the managed identity is assigned to the app.`,
      undefined,
      cause,
    );
  }
}

export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

/** The typed error for a final failed HTTP status; `permission` names what to grant for 401/403. */
export function errorForStatus(
  context: CallContext,
  response: { status: number; attempts?: number; retryAfterMs?: number },
  detail: string,
  permission: string,
): ExternalCallError {
  const { status } = response;
  const attempts = response.attempts ?? 1;
  if (status === 401 || status === 403) return new PermissionError(context, status, permission, detail || undefined);
  if (status === 404) return new NotFoundError(context, detail || 'HTTP 404', status);
  if (status === 429) return new ThrottledError(context, attempts, response.retryAfterMs);
  if (status >= 500)
    return new TransientError(context, attempts, `HTTP ${status}${detail ? ` (${detail})` : ''}`, status);
  return new RequestError(context, detail || `HTTP ${status}`, status);
}

/** Another writer changed the record first (HTTP 412), or it already exists (HTTP 409). */
export class ConflictError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** A store request failed for another reason (timeout, access denied, an error status); the message says which. */
export class StoreError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** The principal already has an open grant (the one named). */
export class OpenGrantExistsError extends Error {
  constructor(readonly existing: Grant) {
    super(`${existing.principal} already has grant ${existing.id} (${existing.status}).`);
    this.name = 'OpenGrantExistsError';
  }
}
