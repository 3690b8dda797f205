/**
 * Verifies Entra ID access tokens in code, v1.0 and v2.0 alike: the issuer must be exactly one of the
 * two the configured tenant's OpenID configuration names (lib/auth/tenantSigningKeys.ts), the signature
 * must verify against that version's keys, `ver` and `tid` must agree with the issuer, the audience must
 * be the API's client id or application ID URI, plus expiry and not-before, with an allow-list of
 * algorithms so that `none` or a symmetric algorithm can never be slipped in.
 */
import { decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../ports/index.js';
import type { Authenticator } from './authenticator.js';
import { parseIssuerForm, type TokenVersion } from './entraIssuer.js';
import { appRolesOf, SigningKeysUnavailableError, UnauthenticatedError, type Caller } from '../caller.js';
import { createTenantSigningKeys, type TenantSigningKeys } from './tenantSigningKeys.js';
import { normalizeUpn } from '../upn.js';

/** Entra ID signs access tokens with RS256. */
const ALLOWED_ALGORITHMS = ['RS256'];
const CLOCK_TOLERANCE_SECONDS = 60;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TokenVerifierOptions {
  tenantId: string;
  /** Login endpoint whose OpenID configuration is read (the cloud in use). */
  authority: string;
  /** The API's client id and application ID URI (lib/apiAudiences.ts). */
  audiences: string[];
  /** Keys from here instead of the documents' jwks_uri. */
  jwksUrl?: string;
  clock: Clock;
  /** How long a read of the OpenID configuration or the keys may take. */
  timeoutMs?: number;
}

export function createTokenAuthenticator(
  options: TokenVerifierOptions,
  keys: TenantSigningKeys = createTenantSigningKeys(options),
): Authenticator {
  return async (headers) => {
    const token = bearerToken(headers.get('authorization'));
    const version = issuerVersion(token, options.tenantId);
    const { issuer, getKey } = await keys.forVersion(version);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        issuer,
        audience: options.audiences,
        algorithms: ALLOWED_ALGORITHMS,
        currentDate: options.clock.now(),
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat'],
      }));
    } catch (error) {
      if (error instanceof SigningKeysUnavailableError) throw error;
      throw new UnauthenticatedError(`The bearer token was refused: ${describe(error)}`);
    }
    if (payload.ver !== version)
      throw new UnauthenticatedError(
        `The bearer token was refused: claim 'ver' is not acceptable (a v${version} issuer issues ver ${version} tokens).`,
      );
    if (payload.tid !== options.tenantId)
      throw new UnauthenticatedError(
        `The bearer token was refused: claim 'tid' is not acceptable (only tenant ${options.tenantId}).`,
      );
    // An ID token issued to the same app registration has the right audience and roles too; only a
    // delegated access token for the API carries the scopes the user consented to.
    if (typeof payload.scp !== 'string' || payload.scp.trim() === '') {
      throw new UnauthenticatedError(
        'The bearer token was refused: it is not a delegated access token for the watchdog API (no scp claim); request a scope the API exposes, such as api://<client id>/access_as_user.',
      );
    }
    return callerFromClaims(payload, version, 'api');
  };
}

function bearerToken(header: string | null): string {
  const match = header ? /^Bearer\s+([A-Za-z0-9\-_.]+)\s*$/i.exec(header) : null;
  if (!match?.[1])
    throw new UnauthenticatedError(
      'Send an Entra ID access token for the watchdog API as "Authorization: Bearer <token>".',
    );
  return match[1];
}

/**
 * Which of the tenant's two issuers the token names, before anything is fetched: a token of another
 * tenant, or an issuer spelt any other way, is refused without reading any key.
 */
function issuerVersion(token: string, tenantId: string): TokenVersion {
  let iss: unknown;
  try {
    ({ iss } = decodeJwt(token));
  } catch {
    throw new UnauthenticatedError('The bearer token was refused: it is not a valid token (not a signed JWT).');
  }
  const form = typeof iss === 'string' ? parseIssuerForm(iss) : undefined;
  if (!form || form.tenantId !== tenantId) {
    throw new UnauthenticatedError(
      `The bearer token was refused: claim 'iss' is not acceptable (only the v1.0 or v2.0 issuer of tenant ${tenantId}).`,
    );
  }
  return form.version;
}

/** A short reason without echoing the token. */
function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'it has expired; get a new token.';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `claim '${error.claim}' is not acceptable (${error.reason}).`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not verify.';
  if (error instanceof errors.JOSEAlgNotAllowed)
    return `its algorithm is not allowed (only ${ALLOWED_ALGORITHMS.join(', ')}).`;
  if (error instanceof errors.JWKSNoMatchingKey) return 'it was not signed by any key the issuer publishes.';
  if (error instanceof errors.JOSEError) return `it is not a valid token (${error.code}).`;
  return 'it could not be verified.';
}

/**
 * The user behind a delegated token (the grant history must name a person). The name claim depends on
 * the token version (Access token claims reference): v1.0 carries `upn` (and `unique_name`), v2.0
 * `preferred_username` (and `upn` only as an optional claim). The object id says who it is.
 * Without a version (App Service Authentication's principal), any of them.
 */
export function callerFromClaims(
  claims: Record<string, unknown>,
  version: TokenVersion | undefined,
  kind: 'api' | 'easyauth',
): Caller {
  const names =
    version === '1.0'
      ? [claims.upn, claims.unique_name]
      : version === '2.0'
        ? [claims.preferred_username, claims.upn]
        : [claims.upn, claims.preferred_username, claims.unique_name];
  const name = names.find((v): v is string => typeof v === 'string' && v.includes('@'));
  if (!name)
    throw new UnauthenticatedError(
      'The token has no user principal name (upn, unique_name or preferred_username): sign in as a user; app-only tokens cannot request or approve grants.',
    );
  const normalized = normalizeUpn(name);
  if ('problem' in normalized)
    throw new UnauthenticatedError(`The token's user principal name is refused: ${normalized.problem}.`);
  if (typeof claims.oid !== 'string' || !GUID.test(claims.oid))
    throw new UnauthenticatedError(
      'The token has no object id (oid claim): the watchdog identifies people by object id; sign in with a work account of the tenant.',
    );
  const tid = typeof claims.tid === 'string' && GUID.test(claims.tid) ? claims.tid.toLowerCase() : undefined;
  const oid = claims.oid.toLowerCase();
  // The client app that obtained the token: `appid` in v1.0 tokens, `azp` in v2.0 (Access token claims reference).
  const appId = [claims.appid, claims.azp].find((v): v is string => typeof v === 'string' && GUID.test(v));
  const issuer = typeof claims.iss === 'string' ? claims.iss : undefined;
  return {
    upn: normalized.upn,
    oid,
    tid,
    roles: appRolesOf(claims.roles),
    channel: { kind, oid, tid, issuer, appId: appId?.toLowerCase() },
  };
}
