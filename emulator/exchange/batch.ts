/**
 * `POST /adminapi/beta/{tenant}/$batch`: OData JSON batching of InvokeCommand requests, in the shape real callers
 * send it (CIPP's New-ExoBulkRequest): `{"requests":[{"id","method":"POST","url":".../InvokeCommand","headers",
 * "body":{"CmdletInput":...}}]}`, at most 10 requests a batch ("EXO caps each $batch at 10 sub-requests"), answered
 * `{"responses":[{"id","status","headers","body"}]}` with one status per request: a throttled request answers 429
 * with its own Retry-After inside the 200 envelope. With `Prefer: odata.continue-on-error` every request runs (side
 * by side: they do not depend on each other); without it the batch stops after the first failed request and the
 * rest get no response (OData 4.01 Protocol, preference odata.continue-on-error). A response's `@odata.nextLink` is
 * the next page: the same body POSTed to it, in a later batch or alone. A sub-request's headers overlay the
 * envelope's (the token and the anchor mailbox may be given once, on the envelope).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { EMULATOR_TOKEN } from '../../contract/emulator.js';
import type { EmulatorContext } from '../context.js';
import { faultReply } from '../faultReply.js';
import { bearerOf, sleep, type Reply } from '../http.js';
import { INVOKE_COMMAND, badRequest, cmdletInput, invokeCommand, unauthorized } from './route.js';

/** The admin API's limit of requests in one $batch. */
export const MAX_EXCHANGE_BATCH = 10;

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, unknown>;
  body?: unknown;
}

interface BatchResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** The envelope's own problems (400 for the whole batch), or its requests. */
function itemsOf(body: unknown): BatchItem[] | Reply {
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests) || requests.length === 0)
    return badRequest('The $batch body must be {"requests":[...]} with at least one request.');
  if (requests.length > MAX_EXCHANGE_BATCH)
    return badRequest(
      `The $batch carries ${requests.length} requests; the limit is ${MAX_EXCHANGE_BATCH} requests per batch.`,
    );
  const ids = new Set<string>();
  for (const item of requests as Partial<BatchItem>[]) {
    if (!item || typeof item.id !== 'string' || typeof item.method !== 'string' || typeof item.url !== 'string')
      return badRequest('Every $batch request needs an id, a method and a url.');
    if (ids.has(item.id)) return badRequest(`The $batch request id '${item.id}' is used twice.`);
    ids.add(item.id);
  }
  return requests as BatchItem[];
}

function headersOf(envelope: IncomingHttpHeaders, own: Record<string, unknown> | undefined): IncomingHttpHeaders {
  const merged: IncomingHttpHeaders = { ...envelope };
  for (const [name, value] of Object.entries(own ?? {}))
    if (typeof value === 'string' || typeof value === 'number') merged[name.toLowerCase()] = String(value);
  return merged;
}

/** Runs one request of the batch: its own faults, its own status, its own line in the call log. */
async function runItem(
  ctx: EmulatorContext,
  envelope: IncomingHttpHeaders,
  item: BatchItem,
  tenantInUrl: string,
): Promise<BatchResponse> {
  const started = performance.now();
  const url = new URL(item.url, ctx.baseUrl);
  const input = cmdletInput(item.body);
  const name = input?.name ?? 'InvokeCommand';
  const parameters = input?.parameters ?? {};
  const decision = ctx.faults.decide({ api: 'exchange', name, parameters, inBatch: true });
  if (decision.latencyMs) await sleep(decision.latencyMs);
  const run = (): Reply => {
    const target = INVOKE_COMMAND.exec(url.pathname);
    if (!target || url.origin !== ctx.baseUrl)
      return badRequest(`A $batch of the admin API carries InvokeCommand requests only, not '${item.url}'.`);
    if (decodeURIComponent(target[1] as string).toLowerCase() !== decodeURIComponent(tenantInUrl).toLowerCase())
      return badRequest(`The request '${item.id}' names another tenant than its $batch.`);
    if (item.method.toUpperCase() !== 'POST')
      return { status: 405, body: { error: { code: 'MethodNotAllowed', message: 'InvokeCommand takes POST.' } } };
    return invokeCommand(ctx, headersOf(envelope, item.headers), url, tenantInUrl, item.body, decision.warnings);
  };
  let reply: Reply;
  if (decision.failure?.kind === 'lost-answer') {
    // The request takes effect; a batch cannot drop one answer's connection, so it answers the status (or 503).
    run();
    reply = faultReply('exchange', { kind: 'error', status: decision.failure.status ?? 503 });
  } else if (decision.failure) {
    const failure = decision.failure.kind === 'reset' ? ({ kind: 'error', status: 503 } as const) : decision.failure;
    reply = faultReply('exchange', failure);
  } else reply = run();
  ctx.calls.record({
    at: ctx.state.clock.now().toISOString(),
    api: 'exchange',
    method: item.method.toUpperCase(),
    name,
    parameters,
    status: reply.status,
    durationMs: performance.now() - started,
    batch: true,
    ...(decision.failure ? { fault: decision.failure.kind } : decision.warnings.length ? { fault: 'warning' } : {}),
  });
  return {
    id: item.id,
    status: reply.status,
    headers: { 'Content-Type': 'application/json', ...(reply.headers ?? {}) },
    body: reply.body,
  };
}

export async function exchangeBatch(
  ctx: EmulatorContext,
  headers: IncomingHttpHeaders,
  tenantInUrl: string,
  body: unknown,
): Promise<Reply> {
  const token = bearerOf(headers);
  if (!token)
    return unauthorized('The request has no bearer token. Get a token for https://outlook.office365.com/.default.');
  if (token !== EMULATOR_TOKEN) return unauthorized('The bearer token is not valid for this tenant.');
  const items = itemsOf(body);
  if (!Array.isArray(items)) return items;
  const prefer = Array.isArray(headers.prefer) ? headers.prefer.join(',') : (headers.prefer ?? '');
  const continueOnError = /odata\.continue-on-error(?!\s*=\s*false)/i.test(prefer);
  let responses: BatchResponse[];
  if (continueOnError) responses = await Promise.all(items.map((item) => runItem(ctx, headers, item, tenantInUrl)));
  else {
    responses = [];
    for (const item of items) {
      const response = await runItem(ctx, headers, item, tenantInUrl);
      responses.push(response);
      if (response.status >= 400) break;
    }
  }
  const applied = continueOnError ? { 'Preference-Applied': 'odata.continue-on-error' } : undefined;
  return { status: 200, headers: applied, body: { responses } };
}
