/**
 * Verifies Entra ID access tokens in code: signature against the issuer's published keys (JWKS),
 * issuer, audience, expiry and not-before, with an allow-list of algorithms so that `none` or a
 * symmetric algorithm can never be slipped in.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../ports.js';
import type { Authenticator } from './authenticator.js';
import { appRolesOf, UnauthenticatedError, type Caller } from './identity.js';

/** Entra ID signs access tokens with RS256. */
const ALLOWED_ALGORITHMS = ['RS256'];
const CLOCK_TOLERANCE_SECONDS = 60;

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  jwksUrl: string;
  clock: Clock;
  /** How long a fetch of the signing keys may take. */
  jwksTimeoutMs?: number;
}

export function createTokenAuthenticator(options: TokenVerifierOptions): Authenticator {
  const keys = createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: options.jwksTimeoutMs ?? 5000 });
  return async (headers) => {
    const token = bearerToken(headers.get('authorization'));
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ALLOWED_ALGORITHMS,
        currentDate: options.clock.now(),
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat'],
      }));
    } catch (error) {
      throw new UnauthenticatedError(`The bearer token was refused: ${describe(error)}`);
    }
    // An ID token issued to the same app registration has the right audience and roles too; only a
    // delegated access token for the API carries the scopes the user consented to.
    if (typeof payload.scp !== 'string' || payload.scp.trim() === '') {
      throw new UnauthenticatedError('The bearer token was refused: it is not a delegated access token for the watchdog API (no scp claim); request a scope the API exposes, such as api://<client id>/access_as_user.');
    }
    return callerFromClaims(payload);
  };
}

function bearerToken(header: string | null): string {
  const match = header ? /^Bearer\s+([A-Za-z0-9\-_.]+)\s*$/i.exec(header) : null;
  if (!match?.[1]) throw new UnauthenticatedError('Send an Entra ID access token for the watchdog API as "Authorization: Bearer <token>".');
  return match[1];
}

/** A short reason without echoing the token. */
function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'it has expired; get a new token.';
  if (error instanceof errors.JWTClaimValidationFailed) return `claim '${error.claim}' is not acceptable (${error.reason}).`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not verify.';
  if (error instanceof errors.JOSEAlgNotAllowed) return `its algorithm is not allowed (only ${ALLOWED_ALGORITHMS.join(', ')}).`;
  if (error instanceof errors.JWKSNoMatchingKey) return 'it was not signed by any key the issuer publishes.';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return 'the issuer signing keys could not be read; try again later.';
  if (error instanceof errors.JOSEError) return `it is not a valid token (${error.code}).`;
  return 'it could not be verified.';
}

/** Delegated (user) tokens only: the grant history must name a person. */
export function callerFromClaims(claims: Record<string, unknown>): Caller {
  const name = [claims.upn, claims.preferred_username].find((v): v is string => typeof v === 'string' && v.includes('@'));
  if (!name) throw new UnauthenticatedError('The token has no user principal name (upn or preferred_username): sign in as a user; app-only tokens cannot request or approve grants.');
  const oid = typeof claims.oid === 'string' ? claims.oid : undefined;
  return { upn: name.toLowerCase(), oid, roles: appRolesOf(claims.roles) };
}
