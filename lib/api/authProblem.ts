/**
 * The problem+json answer to a caller who is not authenticated (401), lacks the app role (403), or
 * whose token cannot be checked because the issuer's keys cannot be read (503: the token may be fine).
 */
import { MissingRoleError, SigningKeysUnavailableError, UnauthenticatedError } from '../caller.js';
import { ProblemError } from './problem.js';

/** Seconds a caller is asked to wait when the signing keys cannot be read. */
export const SIGNING_KEYS_RETRY_AFTER_SECONDS = 30;

export function authProblem(error: unknown): ProblemError | undefined {
  if (error instanceof SigningKeysUnavailableError) {
    return new ProblemError(
      503,
      'signing-keys-unavailable',
      'Token cannot be checked now',
      `The Entra ID signing keys could not be read, so the token could not be verified (it was not refused). Try again in ${SIGNING_KEYS_RETRY_AFTER_SECONDS} seconds.`,
      { headers: { 'retry-after': String(SIGNING_KEYS_RETRY_AFTER_SECONDS) } },
    );
  }
  if (error instanceof UnauthenticatedError) {
    return new ProblemError(401, 'unauthenticated', 'Authentication required', error.message, {
      headers: { 'www-authenticate': 'Bearer realm="mie-watchdog", error="invalid_token"' },
    });
  }
  if (error instanceof MissingRoleError) {
    return new ProblemError(403, 'missing-role', 'Missing app role', error.message, {
      errors: [{ field: 'roles', message: error.message }],
      extensions: { role: error.role },
    });
  }
  return undefined;
}
