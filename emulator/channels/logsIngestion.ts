/**
 * The Azure Monitor Logs Ingestion API, `POST /dataCollectionRules/{immutableId}/streams/{stream}?api-version=2023-01-01`,
 * as its REST specification has it (azure-rest-api-specs, monitor/data-plane/ingestion/stable/2023-01-01): a bearer
 * token for https://monitor.azure.com, a body that is a JSON array of objects (gzip allowed), 204 No Content when
 * accepted, otherwise `{"error":{"code","message"}}` with the code also in `x-ms-error-code`. A caller without
 * "Monitoring Metrics Publisher" on the rule gets 403 OperationFailed (the wording of the Azure.Monitor.Ingestion
 * troubleshooting guide); a call over 1 MB 413 (Azure Monitor service limits, Logs Ingestion API); a stream the
 * rule does not declare 400 (a rule that rejects the rows; that code is the emulator's).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { EMULATOR_TOKEN } from '../../contract/emulator.js';
import type { EmulatorContext } from '../context.js';
import { bearer, parseJson, type Reply } from '../http.js';

export const LOGS_UPLOAD = /^\/dataCollectionRules\/([^/]+)\/streams\/([^/]+)$/;

const MAX_BYTES = 1024 * 1024;

const refusal = (status: number, code: string, message: string): Reply => ({
  status,
  headers: { 'x-ms-error-code': code, 'x-ms-request-id': randomUUID() },
  body: { error: { code, message } },
});

function rowsOf(req: IncomingMessage, raw: Buffer): { rows?: unknown[]; problem?: Reply } {
  let text = raw;
  if (req.headers['content-encoding'] === 'gzip') {
    try {
      text = gunzipSync(raw);
    } catch {
      return { problem: refusal(400, 'InvalidContentEncoding', 'The body is not valid gzip.') };
    }
  }
  if (text.length > MAX_BYTES)
    return {
      problem: refusal(413, 'ContentLengthLimitExceeded', `The call is ${text.length} bytes; the limit is 1 MB.`),
    };
  const parsed = parseJson(text);
  const rows = parsed.ok ? parsed.value : undefined;
  if (!Array.isArray(rows) || !rows.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r)))
    return { problem: refusal(400, 'InvalidPayload', 'The body must be a JSON array of objects.') };
  return { rows };
}

function refusalOf(ctx: EmulatorContext, req: IncomingMessage, url: URL, ruleId: string, stream: string) {
  if (!url.searchParams.get('api-version'))
    return refusal(400, 'MissingApiVersionParameter', 'The api-version query parameter is required.');
  if (bearer(req) !== EMULATOR_TOKEN)
    return refusal(401, 'InvalidAuthenticationToken', 'A bearer token for https://monitor.azure.com is required.');
  const rule = ctx.channels.rules.get(ruleId);
  if (!rule?.publisher)
    return refusal(
      403,
      'OperationFailed',
      `The authentication token provided does not have access to ingest data for the data collection rule with immutable Id '${ruleId}'.`,
    );
  if (!rule.streams.includes(stream))
    return refusal(
      400,
      'InvalidStream',
      `The data collection rule '${ruleId}' declares no stream '${stream}' (it declares ${rule.streams.join(', ') || 'none'}).`,
    );
  return undefined;
}

export function uploadLogs(
  ctx: EmulatorContext,
  req: IncomingMessage,
  url: URL,
  raw: Buffer,
  match: RegExpExecArray,
): Reply {
  const ruleId = decodeURIComponent(match[1] as string);
  const stream = decodeURIComponent(match[2] as string);
  const body = rowsOf(req, raw);
  const refused = refusalOf(ctx, req, url, ruleId, stream) ?? body.problem;
  const status = refused?.status ?? 204;
  ctx.channels.logs.push({
    at: ctx.state.clock.now().toISOString(),
    ruleId,
    stream,
    status,
    ...(refused ? { problem: (refused.body as { error: { message: string } }).error.message } : {}),
    rows: body.rows ?? [],
  });
  return refused ?? { status: 204, headers: { 'x-ms-request-id': randomUUID() } };
}
