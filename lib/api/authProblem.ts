/** The problem+json answer to a caller who is not authenticated (401) or lacks the app role (403). */
import { MissingRoleError, UnauthenticatedError } from '../auth/identity.js';
import { ProblemError } from './problem.js';

export function authProblem(error: unknown): ProblemError | undefined {
  if (error instanceof UnauthenticatedError) {
    return new ProblemError(401, 'unauthenticated', 'Authentication required', error.message, {
      headers: { 'www-authenticate': 'Bearer realm="mie-watchdog", error="invalid_token"' },
    });
  }
  if (error instanceof MissingRoleError) {
    return new ProblemError(403, 'missing-role', 'Missing app role', error.message, { errors: [{ field: 'roles', message: error.message }], extensions: { role: error.role } });
  }
  return undefined;
}
