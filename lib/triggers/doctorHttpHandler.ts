/**
 * GET /api/doctor: the doctor report of the deployed app as JSON, for callers with the app role Audit.Read
 * (401 without a usable identity, 403 without the role), identified as the evidence API identifies them.
 * 200 with `ok` when every check passed, 503 with the same report when any did not.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { Authenticator } from '../auth/authenticator.js';
import { requireRole, SigningKeysUnavailableError } from '../caller.js';
import type { DoctorReport } from '../doctor/doctorCheck.js';
import { failureResponse, readOnlyProblem } from './httpFailure.js';

export type DoctorHttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export function createDoctorHttpHandler(options: {
  doctor: () => Promise<DoctorReport>;
  authenticate: Authenticator;
}): DoctorHttpHandler {
  return async (request, context) => {
    try {
      if (request.method.toUpperCase() !== 'GET') {
        throw readOnlyProblem('The doctor');
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
      return failureResponse(error, request, context, {
        api: 'Doctor',
        internal: 'The doctor could not run',
        logAlso: (e) => e instanceof SigningKeysUnavailableError,
      });
    }
  };
}
