/**
 * The Exchange Online admin API that the EXO V3 module uses: POST {exchangeUrl}/adminapi/beta/{tenant}/InvokeCommand
 * with {"CmdletInput":{"CmdletName","Parameters"}}. Results page through @odata.nextLink (the same body is
 * POSTed again); annotation keys ("Guid@data.type") are dropped; cmdlet errors come back as an envelope whose
 * details carry the Exchange exception type, which is what tells "not found" from a real failure.
 */
import type { TokenCredential } from '@azure/identity';
import type { Logger } from '../ports.js';
import { accessToken } from '../http/accessToken.js';
import { PermissionError, RequestError, errorForStatus, type CallContext, type ExternalCallError } from '../http/errors.js';
import { createLimiter, type Limiter } from '../http/limiter.js';
import { RETRYABLE_STATUSES, type RetryPolicy } from '../http/retryPolicy.js';
import { HttpTransport, type HttpResponse } from '../http/transport.js';

/** The well-known arbitration mailbox every app-only admin API call is anchored to. */
const SYSTEM_MAILBOX = 'SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}';

export type CmdletParameters = Record<string, string | number | boolean | string[] | undefined>;
export type CmdletRow = Record<string, unknown>;

export interface InvokeCommandOptions {
  exchangeUrl: string;
  tenant: string;
  credential: TokenCredential;
  policy?: Partial<RetryPolicy>;
  logger?: Logger;
  /** Concurrent InvokeCommand calls; Exchange throttles an app's parallel sessions hard. */
  concurrency?: number;
  /** Rows per page asked for with Prefer: odata.maxpagesize. */
  pageSize?: number;
  fetch?: typeof fetch;
  random?: () => number;
}

/** A cmdlet failure as Exchange describes it. */
export interface CmdletFailure {
  code?: string;
  message: string;
  /** e.g. Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException */
  typeName?: string;
}

/** The error an InvokeCommand call failed with, plus the cmdlet failure it carried. */
export class CmdletError extends RequestError {
  constructor(
    context: CallContext,
    readonly failure: CmdletFailure,
    status: number,
  ) {
    super(context, `${failure.message}${failure.typeName ? ` [${failure.typeName}]` : ''}`, status, failure.typeName);
  }
}

/** Exception types (by class name) that say the object is not there. */
const NOT_FOUND_TYPES = ['ManagementObjectNotFoundException', 'MemberNotFoundException'];
/** Raised when the cmdlet is outside the app's Exchange role: RBAC hides cmdlets rather than denying them. */
const NOT_ALLOWED_TYPES = ['CommandNotFoundException'];

export function cmdletFailureIs(failure: CmdletFailure | undefined, classNames: readonly string[]): boolean {
  const type = failure?.typeName?.split('.').pop();
  return !!type && classNames.includes(type);
}

export function isNotFound(error: unknown): boolean {
  return error instanceof CmdletError && cmdletFailureIs(error.failure, NOT_FOUND_TYPES);
}

export function exchangePermission(cmdlet: string): string {
  return (
    `the app role Exchange.ManageAsApp on Office 365 Exchange Online (00000002-0000-0ff1-ce00-000000000000), and an Exchange role group ` +
    `for its service principal (New-ServicePrincipal, then Add-RoleGroupMember) allowing ${cmdlet}`
  );
}

export class InvokeCommandClient {
  private readonly transport: HttpTransport;
  private readonly limit: Limiter;
  private readonly endpoint: string;
  private readonly scope: string;
  private readonly anchor: string;
  private readonly pageSize: number;

  constructor(private readonly options: InvokeCommandOptions) {
    const base = options.exchangeUrl.replace(/\/+$/, '');
    this.endpoint = `${base}/adminapi/beta/${encodeURIComponent(options.tenant)}/InvokeCommand`;
    this.scope = `${base}/.default`;
    this.anchor = `APP:${SYSTEM_MAILBOX}@${options.tenant}`;
    this.pageSize = options.pageSize ?? 1000;
    this.transport = new HttpTransport({ policy: options.policy, logger: options.logger, fetch: options.fetch, random: options.random });
    this.limit = createLimiter(options.concurrency ?? 3);
  }

  /** Runs a cmdlet and returns every row of every page; any failed page fails the whole call. */
  async invoke(cmdlet: string, parameters: CmdletParameters = {}): Promise<CmdletRow[]> {
    const context: CallContext = { service: 'Exchange Online', operation: cmdlet };
    const body = JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: definedOnly(parameters) } });
    const rows: CmdletRow[] = [];
    const seen = new Set<string>();
    let url: string | undefined = this.endpoint;
    while (url) {
      if (seen.has(url)) throw new RequestError(context, `the service returned the same next page link twice (${url}); the read was stopped instead of looping.`);
      seen.add(url);
      const page = await this.limit(() => this.post(url as string, body, context));
      for (const row of page.value) rows.push(stripAnnotations(row));
      url = page.nextLink ? this.checkedNextLink(page.nextLink, context) : undefined;
    }
    return rows;
  }

  private async post(url: string, body: string, context: CallContext): Promise<{ value: CmdletRow[]; nextLink?: string }> {
    const response = await this.transport.send(
      async () => ({
        method: 'POST',
        url,
        body,
        headers: {
          Authorization: `Bearer ${await accessToken(this.options.credential, this.scope, context)}`,
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'X-AnchorMailbox': this.anchor,
          Prefer: `odata.maxpagesize=${this.pageSize}`,
        },
      }),
      { ...context, retryable: retryableExchangeResponse },
    );
    if (response.status >= 400) throw exchangeError(context, response);
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.text);
    } catch (error) {
      throw new RequestError(context, `the response was not JSON (HTTP ${response.status}, ${response.text.length} bytes).`, response.status, undefined, error);
    }
    const value = (parsed as { value?: unknown })?.value;
    if (!Array.isArray(value)) throw new RequestError(context, `the response has no "value" array (HTTP ${response.status}).`, response.status);
    const nextLink = (parsed as Record<string, unknown>)['@odata.nextLink'];
    return { value: value as CmdletRow[], nextLink: typeof nextLink === 'string' && nextLink ? nextLink : undefined };
  }

  /** The next page must stay on the Exchange endpoint: the bearer token is never sent anywhere else. */
  private checkedNextLink(link: string, context: CallContext): string {
    let url: URL;
    try {
      url = new URL(link, this.endpoint);
    } catch {
      throw new RequestError(context, `the next page link '${link}' is not a URL.`);
    }
    if (url.origin !== new URL(this.endpoint).origin) throw new RequestError(context, `the next page link points to ${url.origin}, not to ${new URL(this.endpoint).origin}; refusing to send the token there.`);
    return url.toString();
  }
}

/** Switches are booleans; unset parameters are left out rather than sent as null (a null Identity lists everything). */
function definedOnly(parameters: CmdletParameters): Record<string, unknown> {
  return Object.fromEntries(Object.entries(parameters).filter(([, v]) => v !== undefined));
}

/** Drops OData annotation keys ("Guid@data.type", "@odata.type") at every level. */
export function stripAnnotations(row: CmdletRow): CmdletRow {
  const out: CmdletRow = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.includes('@')) continue;
    out[key] = value && typeof value === 'object' && !Array.isArray(value) ? stripAnnotations(value as CmdletRow) : value;
  }
  return out;
}

/** A 5xx that carries a cmdlet failure (the cmdlet ran and failed) is an answer, not a glitch: do not retry it. */
function retryableExchangeResponse(response: HttpResponse): boolean {
  if (!RETRYABLE_STATUSES.has(response.status)) return false;
  if (response.status === 429) return true;
  return parseCmdletFailure(response.text)?.typeName === undefined;
}

/**
 * Reads the error envelope {"error":{"code","message","details":[{"message":"<JSON with Message and TypeName>"}]}}.
 * The detail message is also accepted in the "<code>|<TypeName>|<Message>" form older endpoints use.
 */
export function parseCmdletFailure(text: string): CmdletFailure | undefined {
  let envelope: { error?: { code?: string; message?: string; details?: { message?: string }[]; innererror?: { type?: string; internalexception?: { type?: string; message?: string } } } };
  try {
    envelope = JSON.parse(text) as typeof envelope;
  } catch {
    return undefined;
  }
  const error = envelope?.error;
  if (!error || typeof error !== 'object') return undefined;
  const failure: CmdletFailure = { code: error.code, message: error.message ?? 'the cmdlet failed' };
  const detail = error.details?.find((d) => typeof d?.message === 'string')?.message;
  if (detail) {
    const inner = parseDetail(detail);
    if (inner.message) failure.message = inner.message;
    if (inner.typeName) failure.typeName = inner.typeName;
  }
  const internal = error.innererror?.internalexception;
  if (!failure.typeName && internal?.type) {
    failure.typeName = internal.type;
    if (internal.message) failure.message = internal.message;
  }
  return failure;
}

function parseDetail(detail: string): { message?: string; typeName?: string } {
  try {
    const inner = JSON.parse(detail) as { Message?: unknown; TypeName?: unknown; message?: unknown; typeName?: unknown };
    const message = inner.Message ?? inner.message;
    const typeName = inner.TypeName ?? inner.typeName;
    return { message: typeof message === 'string' ? message : undefined, typeName: typeof typeName === 'string' ? typeName : undefined };
  } catch {
    const parts = detail.split('|');
    if (parts.length >= 3 && /Exception$/.test(parts[1] ?? '')) return { typeName: parts[1], message: parts.slice(2).join('|') };
    return { message: detail };
  }
}

function exchangeError(context: CallContext, response: HttpResponse): ExternalCallError {
  const failure = parseCmdletFailure(response.text);
  if (failure && cmdletFailureIs(failure, NOT_ALLOWED_TYPES)) {
    return new PermissionError(context, response.status, exchangePermission(context.operation), failure.message);
  }
  if (failure?.typeName && response.status !== 401 && response.status !== 403 && response.status !== 429) {
    return new CmdletError(context, failure, response.status);
  }
  return errorForStatus(context, response, failure?.message ?? '', exchangePermission(context.operation));
}
