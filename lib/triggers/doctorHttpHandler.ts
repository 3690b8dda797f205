/**
 * GET /api/doctor: the doctor report of the deployed app as JSON, for callers with the app role Audit.Read
 * (401 without a usable identity, 403 without the role), identified as the evidence API identifies them.
 * 200 with `ok` when every check passed, 503 with the same report when any did not.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { authProblem } from '../api/authProblem.js';
import { ProblemError, problemResponse } from '../api/problem.js';
import type { Authenticator } from '../auth/authenticator.js';
import { requireRole, SigningKeysUnavailableError } from '../caller.js';
import type { DoctorReport } from '../doctor/doctorCheck.js';

export type DoctorHttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export function createDoctorHttpHandler(options: {
  doctor: () => Promise<DoctorReport>;
  authenticate: Authenticator;
}): DoctorHttpHandler {
  return async (request, context) => {
    const instance = new URL(request.url).pathname;
    try {
      if (request.method.toUpperCase() !== 'GET') {
        throw new ProblemError(405, 'method-not-allowed', 'Method not allowed', 'The doctor is read-only: use GET.', {
          headers: { allow: 'GET' },
        });
      }
      const caller = await options.authenticate(request.headers);
      requireRole(caller, 'Audit.Read');
      context.log(`Doctor requested by ${caller.upn}.`);
      const report = await options.doctor();
      return {
        status: report.ok ? 200 : 503,
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
        body: JSON.stringify(report),
      };
    } catch (error) {
      if (error instanceof SigningKeysUnavailableError)
        context.error(`Doctor ${request.method} ${instance}: ${error.message} (invocation ${context.invocationId}).`);
      const problem = error instanceof ProblemError ? error : authProblem(error);
      if (problem) return problemResponse(problem, instance);
      context.error(
        `Doctor ${request.method} ${instance} failed (invocation ${context.invocationId}).`,
        error instanceof Error ? error.message : String(error),
      );
      return problemResponse(
        new ProblemError(
          500,
          'internal',
          'Internal error',
          `The doctor could not run; see the Function App logs for invocation ${context.invocationId}.`,
        ),
        instance,
      );
    }
  };
}
