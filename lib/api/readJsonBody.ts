/**
 * Reads and validates a JSON request body: content type, a hard size cap enforced while reading
 * (a lying or missing Content-Length cannot get past it), well-formed JSON, a JSON object, and the
 * valibot schema (unknown fields included). Every failure names the field.
 */
import type { HttpRequest } from '@azure/functions';
import * as v from 'valibot';
import { fieldProblem, ProblemError, type FieldError } from './problem.js';

export const MAX_BODY_BYTES = 16 * 1024;

export async function readJsonBody<S extends v.GenericSchema>(
  request: HttpRequest,
  schema: S,
  options: { optional?: boolean } = {},
): Promise<v.InferOutput<S>> {
  const text = await readText(request);
  if (text.trim() === '') {
    // An empty body may come without a content type, but not with another one (form posts are not API calls).
    if (options.optional && request.headers.get('content-type') !== null)
      checkContentType(request.headers.get('content-type'));
    if (options.optional) return parseWith(schema, {});
    throw fieldProblem(400, 'missing-body', 'Request body required', [
      { field: 'body', message: 'body is empty; send a JSON object with Content-Type: application/json.' },
    ]);
  }
  checkContentType(request.headers.get('content-type'));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw fieldProblem(400, 'malformed-json', 'Malformed JSON', [
      { field: 'body', message: 'body is not well-formed JSON.' },
    ]);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw fieldProblem(400, 'malformed-json', 'Body must be a JSON object', [
      { field: 'body', message: 'body must be a JSON object.' },
    ]);
  }
  return parseWith(schema, value);
}

function checkContentType(header: string | null): void {
  const [mediaType, ...params] = (header ?? '').split(';').map((s) => s.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (mediaType !== 'application/json' || (charset !== undefined && charset !== 'utf-8')) {
    throw fieldProblem(415, 'unsupported-media-type', 'Unsupported media type', [
      {
        field: 'content-type',
        message: `content-type '${header ?? ''}' is not accepted; send application/json (UTF-8).`,
      },
    ]);
  }
}

async function readText(request: HttpRequest): Promise<string> {
  const tooLarge = () =>
    fieldProblem(413, 'body-too-large', 'Request body too large', [
      { field: 'body', message: `body is larger than ${MAX_BODY_BYTES} bytes.` },
    ]);
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw fieldProblem(400, 'malformed-json', 'Body is not UTF-8', [
      { field: 'body', message: 'body is not valid UTF-8.' },
    ]);
  }
}

export function parseWith<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  throw invalidFields(result.issues);
}

export function invalidFields(issues: readonly v.BaseIssue<unknown>[]): ProblemError {
  const errors: FieldError[] = issues.map((issue) => {
    // Bodies are flat: name the top-level field even when an item of a list is wrong.
    const key = issue.path?.[0]?.key;
    const field = typeof key === 'string' ? key : 'body';
    if (issue.kind === 'schema' && issue.expected === 'never')
      return { field, message: `${field} is not a known field.` };
    if (issue.input === undefined && issue.kind === 'schema') return { field, message: `${field} is required.` };
    return { field, message: `${field}: ${issue.message}.` };
  });
  return new ProblemError(422, 'invalid-field', 'Invalid request', errors.map((e) => e.message).join(' '), { errors });
}
