/**
 * Azure Communication Services Email: `POST /emails:send` answers 202 with Operation-Location, honours
 * the `Operation-Id` idempotency header (same id, same operation, no second message), and
 * `GET /emails/operations/{id}` reports Running, then Succeeded. Sends over the rate limits (sendLimits.ts)
 * answer 429 with Retry-After. Requests must carry either the HMAC
 * signature the SDK makes from the connection string's access key, or a bearer token.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { EMULATOR_TOKEN } from '../../contract/emulator.js';
import type { EmulatorContext } from '../context.js';
import { bearer, type Reply } from '../http.js';

export interface SentEmail {
  operationId: string;
  /** Emulator clock time the send was accepted. */
  at: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  html?: string;
  text?: string;
  headers: Record<string, string>;
}

export const EMAIL_SEND = /^\/emails:send$/;
export const EMAIL_OPERATION = /^\/emails\/operations\/([^/]+)$/;

function acsError(status: number, code: string, message: string): Reply {
  return { status, body: { error: { code, message } } };
}

/** Verifies `Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=...`. */
function authProblem(ctx: EmulatorContext, req: IncomingMessage, url: URL, raw: Buffer): string | undefined {
  const auth = req.headers.authorization ?? '';
  if (/^Bearer\s/i.test(auth))
    return bearer(req) === EMULATOR_TOKEN ? undefined : 'the bearer token is not valid for this resource';
  const m = /^HMAC-SHA256\s+SignedHeaders=([^&]+)&Signature=(.+)$/i.exec(auth);
  if (!m) return 'no Authorization header: sign the request with the access key (HMAC-SHA256) or send a bearer token';
  const date = req.headers['x-ms-date'];
  const hash = req.headers['x-ms-content-sha256'];
  if (typeof date !== 'string' || typeof hash !== 'string')
    return 'x-ms-date and x-ms-content-sha256 headers are required with HMAC authentication';
  if (createHash('sha256').update(raw).digest('base64') !== hash) return 'x-ms-content-sha256 does not match the body';
  const query = url.searchParams.toString();
  const pathAndQuery = query ? `${url.pathname}?${query}` : url.pathname;
  const toSign = `${req.method}\n${pathAndQuery}\n${date};${req.headers.host ?? ''};${hash}`;
  const expected = createHmac('sha256', Buffer.from(ctx.emailAccessKey, 'base64')).update(toSign).digest();
  const given = Buffer.from(m[2] as string, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? undefined
    : 'the HMAC signature does not match (wrong access key?)';
}

function apiVersionProblem(url: URL): Reply | undefined {
  if (url.searchParams.get('api-version')) return undefined;
  return acsError(
    400,
    'MissingApiVersionParameter',
    'The api-version query parameter (?api-version=) is required for all requests.',
  );
}

interface SendBody {
  senderAddress?: unknown;
  recipients?: { to?: { address?: unknown }[]; cc?: { address?: unknown }[]; bcc?: { address?: unknown }[] };
  content?: { subject?: unknown; plainText?: unknown; html?: unknown };
  headers?: Record<string, unknown>;
}

const addresses = (list: { address?: unknown }[] | undefined) =>
  (list ?? []).map((r) => r.address).filter((a): a is string => typeof a === 'string');

function operationReply(ctx: EmulatorContext, apiVersion: string, id: string, status: string): Reply {
  return {
    status: 202,
    headers: {
      'Operation-Location': `${ctx.baseUrl}/emails/operations/${id}?api-version=${encodeURIComponent(apiVersion)}`,
      'Operation-Id': id,
      'x-ms-request-id': randomUUID(),
    },
    body: { id, status },
  };
}

export function sendEmail(ctx: EmulatorContext, req: IncomingMessage, url: URL, raw: Buffer, parsed: unknown): Reply {
  const versionProblem = apiVersionProblem(url);
  if (versionProblem) return versionProblem;
  const problem = authProblem(ctx, req, url, raw);
  if (problem) return acsError(401, 'Unauthorized', `Denied: ${problem}.`);
  const body = parsed as SendBody | undefined;
  if (!body || typeof body !== 'object')
    return acsError(400, 'BadRequest', 'The request body must be a JSON email message.');
  const to = addresses(body.recipients?.to);
  const cc = addresses(body.recipients?.cc);
  const bcc = addresses(body.recipients?.bcc);
  if (typeof body.senderAddress !== 'string' || !body.senderAddress.includes('@'))
    return acsError(
      400,
      'InvalidSenderAddress',
      'senderAddress must be a verified sender address of the email domain.',
    );
  if (to.length + cc.length + bcc.length === 0)
    return acsError(400, 'BadRequest', 'At least one recipient is required.');
  if (typeof body.content?.subject !== 'string' || body.content.subject === '')
    return acsError(400, 'BadRequest', 'content.subject is required.');
  const html = typeof body.content.html === 'string' ? body.content.html : undefined;
  const text = typeof body.content.plainText === 'string' ? body.content.plainText : undefined;
  if (html === undefined && text === undefined)
    return acsError(400, 'BadRequest', 'content.plainText or content.html is required.');

  const apiVersion = url.searchParams.get('api-version') as string;
  const given = req.headers['operation-id'];
  const operationId = typeof given === 'string' && given !== '' ? given : randomUUID();
  const existing = ctx.email.operations.get(operationId);
  if (existing) return operationReply(ctx, apiVersion, operationId, existing.status);
  const now = ctx.state.clock.now().getTime();
  const wait = ctx.email.window.retryAfterSeconds(now);
  if (wait !== undefined) {
    return {
      status: 429,
      headers: { 'Retry-After': String(wait), 'x-ms-request-id': randomUUID() },
      body: {
        error: {
          code: 'TooManyRequests',
          message: `The email sending limit of the subscription was reached; try again after ${wait} seconds.`,
        },
      },
    };
  }
  ctx.email.window.record(now);

  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(body.headers ?? {})) if (typeof v === 'string') headers[k] = v;
  const email: SentEmail = {
    operationId,
    at: ctx.state.clock.now().toISOString(),
    from: body.senderAddress,
    to,
    cc,
    bcc,
    subject: body.content.subject,
    html,
    text,
    headers,
  };
  ctx.email.sent.push(email);
  const status = ctx.email.pollsUntilDone > 0 ? 'Running' : 'Succeeded';
  ctx.email.operations.set(operationId, { status, polls: 0, email });
  return operationReply(ctx, apiVersion, operationId, status);
}

export function pollEmail(ctx: EmulatorContext, req: IncomingMessage, url: URL, operationId: string): Reply {
  const versionProblem = apiVersionProblem(url);
  if (versionProblem) return versionProblem;
  const problem = authProblem(ctx, req, url, Buffer.alloc(0));
  if (problem) return acsError(401, 'Unauthorized', `Denied: ${problem}.`);
  const op = ctx.email.operations.get(decodeURIComponent(operationId));
  if (!op) return acsError(404, 'NotFound', `No email operation with id '${operationId}'.`);
  op.polls++;
  if (op.status === 'Running' && op.polls >= ctx.email.pollsUntilDone) op.status = 'Succeeded';
  return {
    status: 200,
    headers: { 'x-ms-request-id': randomUUID() },
    body: { id: op.email.operationId, status: op.status },
  };
}
