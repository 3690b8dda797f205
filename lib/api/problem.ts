/**
 * RFC 9457 problem details. Every error response of the API is `application/problem+json` with a
 * `type`, `title`, `status` and `detail`; input errors add `field` (the first offending field) and
 * `errors` (every offending field with its message).
 */
import type { HttpResponseInit } from '@azure/functions';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'urn:mie-watchdog:problem:';

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  field?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** Thrown by request parsing; the handler turns it into a response unchanged. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail: string,
    readonly extra: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      extensions?: Record<string, unknown>;
    } = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
  }
}

export function fieldProblem(
  status: number,
  slug: string,
  title: string,
  errors: [FieldError, ...FieldError[]],
): ProblemError {
  const detail = errors.map((e) => e.message).join(' ');
  return new ProblemError(status, slug, title, detail, { errors });
}

export function problemResponse(error: ProblemError, instance?: string): HttpResponseInit {
  const { errors = [], headers = {}, extensions = {} } = error.extra;
  const body: Problem = {
    ...extensions,
    type: `${TYPE_BASE}${error.slug}`,
    title: error.title,
    status: error.status,
    detail: error.message,
    instance,
  };
  if (errors.length) {
    body.field = errors[0]?.field;
    body.errors = errors;
  }
  return {
    status: error.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}
