/**
 * How every HTTP trigger answers when its work threw: a problem the caller can act on as problem+json,
 * anything else as a 500 whose detail points to the invocation in the logs (the error text is logged,
 * never sent). The three HTTP triggers differ only in the words and in which errors are problems.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { authProblem } from '../api/authProblem.js';
import { ProblemError, problemResponse } from '../api/problem.js';

export interface FailureWording {
  /** Names the API in log lines: `Grant API`, `Evidence API`, `Doctor`. */
  api: string;
  /** What could not be done, the start of the 500's detail: `The doctor could not run`. */
  internal: string;
  /** Maps a known failure to its problem; by default request and auth problems. */
  problem?: (error: unknown) => ProblemError | undefined;
  /** Failures outside the app (a service or the signing keys unreachable): logged even when answered as a problem. */
  logAlso: (error: unknown) => error is Error;
}

/** A 405 for a read-only API asked with another method. */
export function readOnlyProblem(what: string): ProblemError {
  return new ProblemError(405, 'method-not-allowed', 'Method not allowed', `${what} is read-only: use GET.`, {
    headers: { allow: 'GET' },
  });
}

export function failureResponse(
  error: unknown,
  request: HttpRequest,
  context: InvocationContext,
  wording: FailureWording,
): HttpResponseInit {
  const instance = new URL(request.url).pathname;
  const where = `${wording.api} ${request.method} ${instance}`;
  if (wording.logAlso(error)) context.error(`${where}: ${error.message} (invocation ${context.invocationId}).`);
  const problem = (wording.problem ?? requestOrAuthProblem)(error);
  if (problem) return problemResponse(problem, instance);
  context.error(
    `${where} failed (invocation ${context.invocationId}).`,
    error instanceof Error ? error.message : String(error),
  );
  return problemResponse(
    new ProblemError(
      500,
      'internal',
      'Internal error',
      `${wording.internal}; see the Function App logs for invocation ${context.invocationId}.`,
    ),
    instance,
  );
}

function requestOrAuthProblem(error: unknown): ProblemError | undefined {
  return error instanceof ProblemError ? error : authProblem(error);
}
