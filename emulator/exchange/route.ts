/**
 * `POST /adminapi/beta/{tenant}/InvokeCommand`: the Exchange Online admin API the EXO V3 module uses.
 * Checks the token, the tenant, the anchor mailbox and the caller's Exchange roles, runs the cmdlet,
 * and pages the answer with `@odata.nextLink` (re-POST the same body to it). Warnings travel under
 * `@adminapi.warnings`; a write with no output answers without a `value` array at all, as real callers
 * (CIPP's New-ExoRequest, GreyCorbel ExoHelper) expect.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { EMULATOR_TOKEN } from '../../contract/emulator.js';
import type { EmulatorContext } from '../context.js';
import { bearerOf, type Reply } from '../http.js';
import { decodeSkipToken, encodeSkipToken, preferredPageSize } from '../pageCache.js';
import { CmdletError } from '../tenantState.js';
import type { ExchangeBehaviour } from './behaviour.js';
import { CMDLETS, bindParameters, type CmdletSpec } from './cmdlets.js';
import { EXCHANGE_ONLINE_APP_ID } from '../../contract/microsoft.js';

export const INVOKE_COMMAND = /^\/adminapi\/beta\/([^/]+)\/InvokeCommand$/i;
export const EXCHANGE_BATCH = /^\/adminapi\/beta\/([^/]+)\/\$batch$/i;
const ANCHOR_MAILBOX = 'APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@';
/** The admin API's own ceiling for odata.maxpagesize. */
const MAX_PAGE = 1000;

export interface CmdletInput {
  name: string;
  parameters: Record<string, unknown>;
}

/** Reads the cmdlet out of the body, for fault routing and the call log; undefined when malformed. */
export function cmdletInput(body: unknown): CmdletInput | undefined {
  const input = (body as { CmdletInput?: { CmdletName?: unknown; Parameters?: unknown } } | null)?.CmdletInput;
  if (!input || typeof input.CmdletName !== 'string') return undefined;
  const params = input.Parameters;
  return {
    name: input.CmdletName,
    parameters:
      params && typeof params === 'object' && !Array.isArray(params) ? (params as Record<string, unknown>) : {},
  };
}

export function unauthorized(message: string): Reply {
  return {
    status: 401,
    headers: {
      'WWW-Authenticate': `Bearer client_id="${EXCHANGE_ONLINE_APP_ID}", token_types="app_asserted_user_v1 service_asserted_app_v1", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token"`,
    },
    body: { error: { code: 'Unauthorized', message } },
  };
}

/**
 * The envelope of a failed cmdlet. `details[0].message` is `<string id>|<exception type>|<message>`
 * (e.g. `Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|...`; the id is
 * empty for exceptions that are not localized), or in the JSON-string variant the object the EXO module
 * turns into that same triple. A not-found is 404 NotFound, or 500 InternalServerError in that variant.
 */
function cmdletError(err: CmdletError, behaviour: ExchangeBehaviour): Reply {
  const serverError = err.httpStatus === 404 && behaviour.notFound === 'InternalServerError';
  const status = serverError ? 500 : err.httpStatus;
  const detail =
    behaviour.errorDetail === 'json'
      ? JSON.stringify({ localizedString: { stringId: err.stringId }, ClassName: err.typeName, Message: err.message })
      : `${err.stringId}|${err.typeName}|${err.message}`;
  return {
    status,
    body: {
      error: {
        code: serverError ? 'InternalServerError' : status === 404 ? 'NotFound' : 'BadRequest',
        message: 'Error executing cmdlet',
        details: [{ code: 'Client', target: '', message: detail }],
        innererror: {
          message: 'Error executing cmdlet',
          type: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException',
        },
        // Captured failures carry the (empty) warnings inside the error object.
        ...warningsOf([]),
      },
    },
  };
}

/** `@adminapi.warnings` with the type annotation the service writes before it. */
function warningsOf(warnings: string[]): Record<string, unknown> {
  return { 'adminapi.warnings@odata.type': '#Collection(String)', '@adminapi.warnings': warnings };
}

export function badRequest(message: string): Reply {
  return { status: 400, body: { error: { code: 'BadRequest', message } } };
}

/**
 * One admin API on the InvokeCommand shape: Exchange Online's, or Security & Compliance's on its own path. Each
 * says which cmdlets it runs, which Entra or Exchange permission the caller needs for one, and where it lives.
 */
export interface AdminApi {
  audience: string;
  cmdlets: Record<string, CmdletSpec>;
  /** A 401 reply when the caller may not run the cmdlet, else undefined. */
  authorize(ctx: EmulatorContext, cmdletName: string, cmdlet: CmdletSpec): Reply | undefined;
}

export const EXCHANGE_API: AdminApi = {
  audience: 'https://outlook.office365.com/.default',
  cmdlets: CMDLETS,
  authorize(ctx, cmdletName, cmdlet) {
    const { state } = ctx;
    if (!state.callerAppRoles(EXCHANGE_ONLINE_APP_ID).has('Exchange.ManageAsApp')) {
      return unauthorized(
        'The app has no Exchange.ManageAsApp application permission on Office 365 Exchange Online; grant it admin consent.',
      );
    }
    const held = state.callerRoles();
    if (!cmdlet.roles.some((r) => held.has(r) && !state.roleEntryWithdrawn(r, cmdletName))) {
      return unauthorized(
        `The app holds no Exchange role that allows ${cmdletName}; add its service principal to a role group with one of: ${cmdlet.roles.join(', ')}.`,
      );
    }
    return undefined;
  },
};

/**
 * `warnings` are injected ones (a `warning` fault): the cmdlet runs and its answer carries them. `headers` are
 * the request's, or inside a $batch the envelope's overlaid by the sub-request's own.
 */
export function invokeCommand(
  ctx: EmulatorContext,
  headers: IncomingHttpHeaders,
  url: URL,
  tenantInUrl: string,
  body: unknown,
  warnings: string[] = [],
  api: AdminApi = EXCHANGE_API,
): Reply {
  const { state } = ctx;
  const token = bearerOf(headers);
  if (!token) return unauthorized(`The request has no bearer token. Get a token for ${api.audience}.`);
  if (token !== EMULATOR_TOKEN) return unauthorized('The bearer token is not valid for this tenant.');
  const tenant = decodeURIComponent(tenantInUrl).toLowerCase();
  if (tenant !== state.tenant && tenant !== state.tenantId) {
    return unauthorized(
      `The tenant '${tenant}' in the URL is not the token's tenant (${state.tenant}). Use the tenant's initial domain.`,
    );
  }
  const anchor = String(headers['x-anchormailbox'] ?? '');
  if (anchor.toLowerCase() !== `${ANCHOR_MAILBOX}${state.tenant}`.toLowerCase()) {
    return badRequest(
      `The X-AnchorMailbox header must be '${ANCHOR_MAILBOX}${state.tenant}' for app-only calls; got '${anchor}'.`,
    );
  }
  const input = cmdletInput(body);
  if (!input) return badRequest('The body must be {"CmdletInput":{"CmdletName":"...","Parameters":{...}}}.');
  const spec = Object.entries(api.cmdlets).find(([name]) => name.toLowerCase() === input.name.toLowerCase());
  if (!spec) {
    return cmdletError(
      new CmdletError(
        'System.Management.Automation.CommandNotFoundException',
        `The term '${input.name}' is not recognized as a name of a cmdlet available to this app.`,
      ),
      ctx.exchange,
    );
  }
  const [cmdletName, cmdlet] = spec;
  const denied = api.authorize(ctx, cmdletName, cmdlet);
  if (denied) return denied;

  const requested = preferredPageSize(headers.prefer);
  const pageSize = Math.max(1, Math.min(requested ?? MAX_PAGE, MAX_PAGE, ctx.pageSize ?? MAX_PAGE));
  const skipToken = url.searchParams.get('$skiptoken');
  let rows: unknown[];
  let cacheId: string | undefined;
  let offset = 0;
  if (skipToken) {
    const decoded = decodeSkipToken(skipToken);
    const cached = decoded && ctx.pages.get(decoded.id, cmdletName);
    if (!decoded || !cached)
      return badRequest('The $skiptoken is invalid or has expired; run the command again without it.');
    rows = cached;
    cacheId = decoded.id;
    offset = decoded.offset;
  } else {
    try {
      const run = { identityReturnsAll: ctx.exchange.identityReturnsAll };
      rows = cmdlet.run(state, bindParameters(cmdletName, cmdlet, input.parameters, run), run);
    } catch (err) {
      if (err instanceof CmdletError) return cmdletError(err, ctx.exchange);
      throw err;
    }
  }
  const page = rows.slice(offset, offset + pageSize);
  // Where this API lives: the emulator root for Exchange, a path under it for Security & Compliance's region.
  const base = `${ctx.baseUrl}${url.pathname.replace(/\/adminapi\/.*$/i, '')}`;
  const responseBody: Record<string, unknown> = {
    '@odata.context': `${base}/adminapi/beta/${tenantInUrl}/$metadata#Collection(Exchange.GenericHashTable)`,
    ...warningsOf(warnings),
  };
  if (offset + pageSize < rows.length) {
    cacheId ??= ctx.pages.put(cmdletName, rows);
    responseBody['@odata.nextLink'] =
      `${base}/adminapi/beta/${tenantInUrl}/InvokeCommand?%24skiptoken=${encodeSkipToken(cacheId, offset + pageSize)}`;
  }
  // A cmdlet that writes and outputs nothing answers warnings only; a read always carries its (maybe empty) value.
  if (rows.length > 0 || /^get-/i.test(cmdletName)) responseBody.value = page;
  const replyHeaders: Record<string, string> = {
    'Content-Type':
      'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
  };
  if (requested !== undefined) replyHeaders['Preference-Applied'] = `odata.maxpagesize=${pageSize}`;
  return { status: 200, headers: replyHeaders, body: responseBody };
}
