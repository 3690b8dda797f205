/** The answer an injected throttle or server error gets, in each service's own error shape. */
import type { CallApi, Fault } from './faults.js';
import type { Reply } from './http.js';

const CODES: Record<number, string> = {
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export function faultReply(
  api: CallApi,
  fault: Exclude<Fault, { kind: 'latency' | 'reset' | 'lost-answer' | 'warning' }>,
): Reply {
  if (fault.kind === 'refuse') {
    const code = fault.code ?? (fault.status === 404 ? 'NotFound' : 'BadRequest');
    return {
      status: fault.status,
      headers: api === 'logs' ? { 'x-ms-error-code': code } : {},
      body: { error: { code, message: fault.message ?? `The service refused the request (${fault.status}).` } },
    };
  }
  if (fault.kind === 'throttle') {
    const message =
      api === 'graph'
        ? 'Too many requests; the application has been throttled. Retry after the interval in the Retry-After header.'
        : `Too many requests. Retry after ${fault.retryAfterSeconds} seconds.`;
    return {
      status: 429,
      headers: { 'Retry-After': String(fault.retryAfterSeconds) },
      body: { error: { code: 'TooManyRequests', message } },
    };
  }
  const code =
    api === 'graph' && fault.status === 503 ? 'serviceNotAvailable' : (CODES[fault.status] ?? 'InternalServerError');
  return {
    status: fault.status,
    body: { error: { code, message: `The service is temporarily unable to handle the request (${fault.status}).` } },
  };
}
