/**
 * The Exchange Online admin API that the EXO V3 module uses: POST {exchangeUrl}/adminapi/beta/{tenant}/InvokeCommand
 * with {"CmdletInput":{"CmdletName","Parameters"}}. Results page through @odata.nextLink (the same body is
 * POSTed again); annotation keys ("Guid@data.type") are dropped; warnings arrive under "@adminapi.warnings" and
 * are logged; a cmdlet that writes may answer warnings and no "value" at all (CIPP's New-ExoRequest copes with
 * the same), which is success with no rows. Cmdlet errors come back as an envelope whose details carry the
 * Exchange exception type, which is what tells "not found" from a real failure.
 */
import type { TokenCredential } from '@azure/identity';
import type { Logger, ServiceName } from '../ports/index.js';
import { accessToken } from '../http/accessToken.js';
import {
  PermissionError,
  RequestError,
  errorForStatus,
  type CallContext,
  type ExternalCallError,
} from '../ports/index.js';
import { createLimiter, type Limiter } from '../limiter.js';
import { RETRYABLE_STATUSES, type RetryPolicy } from '../http/retryPolicy.js';
import { HttpTransport, type HttpResponse } from '../http/transport.js';
import { InvokeBatcher, type Page, type PageRequest } from './invokeBatch.js';

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
  /** Independent calls travel together in admin API $batch requests (invokeBatch.ts); false sends each alone. Default true. */
  batch?: boolean;
  fetch?: typeof fetch;
  random?: () => number;
  /** The service named in errors; Exchange Online unless this client talks to Security & Compliance. */
  service?: ServiceName;
  /** What an error names as the missing permission for a cmdlet; the Exchange role group by default. */
  permission?: (cmdlet: string) => string;
  /**
   * Follow a 3xx to a regional host under the endpoint's own host (Security & Compliance answers its global host
   * with a redirect to the tenant's region), re-POSTing the body and keeping the regional host for later calls.
   */
  followRegionalRedirect?: boolean;
}

/** Redirects a regional redirect may answer; more than this many in a row is a loop. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 3;

/** A cmdlet failure as Exchange describes it. */
export interface CmdletFailure {
  code?: string;
  message: string;
  /** e.g. Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException */
  typeName?: string;
  /** Exchange's string id of the message, e.g. Ex6F9304; absent for exceptions that are not localized. */
  errorId?: string;
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
  private endpoint: string;
  private readonly home: URL;
  private readonly scope: string;
  private readonly service: ServiceName;
  private readonly anchor: string;
  private readonly pageSize: number;
  private readonly batcher?: InvokeBatcher;

  constructor(private readonly options: InvokeCommandOptions) {
    const base = options.exchangeUrl.replace(/\/+$/, '');
    const tenantPath = `${base}/adminapi/beta/${encodeURIComponent(options.tenant)}`;
    this.endpoint = `${tenantPath}/InvokeCommand`;
    this.home = new URL(this.endpoint);
    // The token audience stays the configured host, also after a regional redirect.
    this.scope = `${base}/.default`;
    this.service = options.service ?? 'Exchange Online';
    this.anchor = `APP:${SYSTEM_MAILBOX}@${options.tenant}`;
    this.pageSize = options.pageSize ?? 1000;
    this.transport = new HttpTransport({
      policy: options.policy,
      logger: options.logger,
      fetch: options.fetch,
      random: options.random,
    });
    this.limit = createLimiter(options.concurrency ?? 3);
    if (options.batch ?? true)
      this.batcher = new InvokeBatcher({
        batchUrl: `${tenantPath}/$batch`,
        transport: this.transport,
        limit: this.limit,
        headers: (context) => this.headers(context),
        single: (request) => this.post(request),
        read: (response, request) => readPage(response, request, this.permissionFor),
        retryable: retryableExchangeResponse,
        logger: options.logger,
        random: options.random,
      });
  }

  /** Runs a cmdlet and returns every row of every page (each also to `onPage` as it comes); any failed page fails the whole call. */
  async invoke(
    cmdlet: string,
    parameters: CmdletParameters = {},
    onPage?: (rows: CmdletRow[]) => void,
  ): Promise<CmdletRow[]> {
    const context: CallContext = { service: this.service, operation: cmdlet };
    // An -Identity left out (undefined), null or blank makes a Get- cmdlet list every object: refuse before the call.
    if ('Identity' in parameters && !(typeof parameters.Identity === 'string' && parameters.Identity.trim())) {
      throw new Error(
        `Exchange ${cmdlet}: the Identity parameter is empty; refusing to call the cmdlet without it (an empty identity lists every object).`,
      );
    }
    const writes = !/^get-/i.test(cmdlet);
    const body = JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: definedOnly(parameters) } });
    const rows: CmdletRow[] = [];
    const seen = new Set<string>();
    let url: string | undefined = this.endpoint;
    while (url) {
      if (seen.has(url))
        throw new RequestError(
          context,
          `the service returned the same next page link twice (${url}); the read was stopped instead of looping.`,
        );
      seen.add(url);
      const request: PageRequest = { url, body, context, writes };
      const page = await (this.batcher ? this.batcher.page(request) : this.limit(() => this.post(request)));
      if (page.warnings.length)
        this.options.logger?.warn(`Exchange ${cmdlet} answered with warnings`, { cmdlet, warnings: page.warnings });
      const pageRows = page.value.map(stripAnnotations);
      rows.push(...pageRows);
      onPage?.(pageRows);
      url = page.nextLink ? this.checkedNextLink(page.nextLink, context) : undefined;
    }
    return rows;
  }

  private async headers(context: CallContext): Promise<Record<string, string>> {
    return {
      Authorization: `Bearer ${await accessToken(this.options.credential, this.scope, context)}`,
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'X-AnchorMailbox': this.anchor,
      Prefer: `odata.maxpagesize=${this.pageSize}`,
    };
  }

  private async post(request: PageRequest): Promise<Page> {
    return readPage(await this.postFollowing(request), request, this.permissionFor);
  }

  private readonly permissionFor = (cmdlet: string) => (this.options.permission ?? exchangePermission)(cmdlet);

  private postOnce(request: PageRequest, url: string): Promise<HttpResponse> {
    return this.transport.send(
      async () => ({
        method: 'POST',
        url,
        body: request.body,
        headers: await this.headers(request.context),
        ...(this.options.followRegionalRedirect ? { redirect: 'manual' as const } : {}),
      }),
      { ...request.context, retryable: retryableExchangeResponse },
    );
  }

  /** POSTs the request, following a regional redirect when this client does; the endpoint moves with it. */
  private async postFollowing(request: PageRequest): Promise<HttpResponse> {
    let target = request.url;
    for (let hops = 0; ; hops++) {
      const response = await this.postOnce(request, target);
      if (!this.options.followRegionalRedirect || !REDIRECT_STATUSES.has(response.status)) return response;
      if (hops >= MAX_REDIRECTS)
        throw new RequestError(request.context, `more than ${MAX_REDIRECTS} redirects in a row; the call was stopped.`);
      const next = this.regionalTarget(response.headers.get('location'), target, request.context);
      if (target === this.endpoint) this.endpoint = next;
      target = next;
    }
  }

  /** A redirect may only lead to the configured host or a host under it, on the same scheme: the token goes with it. */
  private regionalTarget(location: string | null, from: string, context: CallContext): string {
    if (!location) throw new RequestError(context, 'the service answered a redirect without a Location.');
    const url = new URL(location, from);
    const host = this.home.hostname.toLowerCase();
    const to = url.hostname.toLowerCase();
    if (url.protocol !== this.home.protocol || (to !== host && !to.endsWith(`.${host}`)))
      throw new RequestError(
        context,
        `the service redirected to ${url.origin}, which is not ${this.home.origin} or a regional host under it; refusing to send the token there.`,
      );
    return url.toString();
  }

  /** The next page must stay on the Exchange endpoint: the bearer token is never sent anywhere else. */
  private checkedNextLink(link: string, context: CallContext): string {
    let url: URL;
    try {
      url = new URL(link, this.endpoint);
    } catch {
      throw new RequestError(context, `the next page link '${link}' is not a URL.`);
    }
    if (url.origin !== new URL(this.endpoint).origin)
      throw new RequestError(
        context,
        `the next page link points to ${url.origin}, not to ${new URL(this.endpoint).origin}; refusing to send the token there.`,
      );
    return url.toString();
  }
}

/** One answer to one page request, alone or inside a $batch: its rows and next link, or the typed error it means. */
function readPage(
  response: HttpResponse,
  { context, writes }: PageRequest,
  permission: (cmdlet: string) => string,
): Page {
  if (response.status >= 400) throw exchangeError(context, response, permission);
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.text);
  } catch (error) {
    throw new RequestError(
      context,
      `the response was not JSON (HTTP ${response.status}, ${response.text.length} bytes).`,
      response.status,
      undefined,
      error,
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new RequestError(context, `the response is not a JSON object (HTTP ${response.status}).`, response.status);
  const answer = parsed as Record<string, unknown>;
  const warnings = Array.isArray(answer['@adminapi.warnings'])
    ? answer['@adminapi.warnings'].filter((w): w is string => typeof w === 'string' && w !== '')
    : [];
  const value = answer.value;
  // A read without rows still says value: []; only a write may leave "value" out (it had nothing to output).
  if (!Array.isArray(value) && !(writes && value === undefined))
    throw new RequestError(context, `the response has no "value" array (HTTP ${response.status}).`, response.status);
  const nextLink = answer['@odata.nextLink'];
  return {
    value: (value ?? []) as CmdletRow[],
    nextLink: typeof nextLink === 'string' && nextLink ? nextLink : undefined,
    warnings,
  };
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
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) ? stripAnnotations(value as CmdletRow) : value;
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
 * Reads the error envelope {"error":{"code","message":"Error executing cmdlet","details":[{"message":"..."}]}}.
 * The detail is "<ExXXXXXX>|<ExceptionType>|<Message>" (the id may be empty), as the service sends it and real
 * callers split it (GreyCorbel ExoHelper Get-ExoException); or a JSON string with ClassName (or TypeName) and
 * Message, which the EXO module turns into that same triple. Without details, innererror.internalexception
 * carries the type. The code does not tell a not-found: it is NotFound or InternalServerError.
 */
export function parseCmdletFailure(text: string): CmdletFailure | undefined {
  let envelope: {
    error?: {
      code?: string;
      message?: string;
      details?: { message?: string }[];
      innererror?: { type?: string; internalexception?: { type?: string; message?: string } };
    };
  };
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
    if (inner.errorId) failure.errorId = inner.errorId;
  }
  const internal = error.innererror?.internalexception;
  if (!failure.typeName && internal?.type) {
    failure.typeName = internal.type;
    if (internal.message) failure.message = internal.message;
  }
  return failure;
}

function parseDetail(detail: string): { message?: string; typeName?: string; errorId?: string } {
  const parts = detail.split('|');
  // "<id>|<type>|<message>": the message itself may contain "|".
  if (parts.length >= 3 && /^[A-Za-z0-9]*$/.test(parts[0] ?? '') && /Exception$/.test(parts[1] ?? '')) {
    return { errorId: parts[0] || undefined, typeName: parts[1], message: parts.slice(2).join('|') };
  }
  let inner: unknown;
  try {
    inner = JSON.parse(detail);
  } catch {
    return { message: detail };
  }
  if (!inner || typeof inner !== 'object') return { message: detail };
  const o = inner as {
    Message?: unknown;
    message?: unknown;
    ClassName?: unknown;
    TypeName?: unknown;
    typeName?: unknown;
    localizedString?: { stringId?: unknown };
  };
  const message = o.Message ?? o.message;
  const typeName = o.ClassName ?? o.TypeName ?? o.typeName;
  const errorId = o.localizedString?.stringId;
  return {
    message: typeof message === 'string' ? message : undefined,
    typeName: typeof typeName === 'string' && typeName ? typeName : undefined,
    errorId: typeof errorId === 'string' && errorId ? errorId : undefined,
  };
}

function exchangeError(
  context: CallContext,
  response: HttpResponse,
  permission: (cmdlet: string) => string,
): ExternalCallError {
  const failure = parseCmdletFailure(response.text);
  if (failure && cmdletFailureIs(failure, NOT_ALLOWED_TYPES)) {
    return new PermissionError(context, response.status, permission(context.operation), failure.message);
  }
  if (failure?.typeName && response.status !== 401 && response.status !== 403 && response.status !== 429) {
    return new CmdletError(context, failure, response.status);
  }
  return errorForStatus(context, response, failure?.message ?? '', permission(context.operation));
}
