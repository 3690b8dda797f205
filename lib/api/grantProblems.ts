/** Maps what the grant use cases and auth throw to problem+json responses. */
import {
  GrantNotFoundError,
  GrantPolicyError,
  GrantStateError,
  InvalidGrantInputError,
  RequestLapsedError,
} from '../grants/grantErrors.js';
import { CancelNotVerifiedError } from '../grants/cancelGrant.js';
import { InvalidPageTokenError } from '../grants/listGrants.js';
import { ReleaseNotVerifiedError } from '../grants/releaseGrant.js';
import { ExternalCallError, ThrottledError, TransientError, ConflictError } from '../ports/index.js';
import { authProblem } from './authProblem.js';
import { ProblemError } from './problem.js';

/**
 * A ProblemError for a known failure, or undefined for an unexpected one (a 500 the caller logs).
 * Over HTTP (with an invocation id) upstream failures name the service but not its message (internal
 * exception text, the permissions the watchdog lacks): that goes to the log under the invocation id. The
 * CLI operator, who runs with the app's own credentials, gets the whole message.
 */
export function grantProblem(error: unknown, invocationId?: string): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  const auth = authProblem(error);
  if (auth) return auth;
  if (error instanceof InvalidGrantInputError) {
    return new ProblemError(422, 'invalid-field', 'Invalid request', error.message, {
      errors: [{ field: error.field, message: error.message }],
    });
  }
  if (error instanceof InvalidPageTokenError) {
    return new ProblemError(400, 'invalid-page-token', 'Invalid page token', error.message, {
      errors: [{ field: 'pageToken', message: error.message }],
    });
  }
  if (error instanceof GrantNotFoundError) {
    return new ProblemError(404, 'grant-not-found', 'Grant not found', error.message, {
      errors: [{ field: 'id', message: error.message }],
    });
  }
  if (error instanceof GrantPolicyError)
    return new ProblemError(403, error.rule, 'Not allowed by grant policy', error.message);
  if (error instanceof RequestLapsedError)
    return new ProblemError(409, 'request-lapsed', 'Request lapsed without a decision', error.message);
  if (error instanceof GrantStateError)
    return new ProblemError(409, 'grant-state', 'Grant is not in a state that allows this', error.message);
  if (error instanceof ConflictError) {
    return new ProblemError(
      409,
      'concurrent-change',
      'Changed by someone else',
      'The grant was changed by someone else at the same time; read it again and decide whether to retry.',
    );
  }
  if (error instanceof ReleaseNotVerifiedError)
    return new ProblemError(502, 'release-not-verified', 'Release not verified', error.message);
  if (error instanceof CancelNotVerifiedError)
    return new ProblemError(502, 'cancel-not-verified', 'Cancel not verified', error.message);
  if (error instanceof ExternalCallError) {
    const retryable = error instanceof ThrottledError || error instanceof TransientError;
    return new ProblemError(
      retryable ? 503 : 502,
      'upstream-failed',
      `${error.service} call failed`,
      `${invocationId ? `${error.service} did not complete the call (details in the Function App logs for invocation ${invocationId}).` : error.message} Whatever was done before the failure is saved (read the grant); retrying the same request is safe.`,
      { extensions: { service: error.service }, headers: retryable ? { 'retry-after': '30' } : {} },
    );
  }
  return undefined;
}
