/** Picks how HTTP callers are identified from the auth settings. */
import { apiAudiences } from '../apiAudiences.js';
import type { ApiAuthSettings, Clock } from '../ports/index.js';
import { easyAuthAuthenticator, tenantEasyAuthAuthenticator } from './easyAuthPrincipal.js';
import type { Caller } from '../caller.js';
import { createTokenAuthenticator } from './verifyAccessToken.js';

/** Resolves the verified caller of a request, or throws UnauthenticatedError. */
export type Authenticator = (headers: Headers) => Promise<Caller>;

/**
 * Built only by the composition root (lib/runtime.ts createApiAuthenticator), which first refuses settings that
 * cannot identify callers on this platform: easyauth without App Service Authentication in front, token mode
 * without the issuer or the audience.
 */
export function createAuthenticator(auth: ApiAuthSettings, clock: Clock): Authenticator {
  if (auth.mode === 'easyauth') {
    return auth.tenantId ? tenantEasyAuthAuthenticator(auth.tenantId) : easyAuthAuthenticator;
  }
  // Token mode without both is refused before this is called.
  const { tenantId = '', authority = '' } = auth;
  return createTokenAuthenticator({
    tenantId,
    authority,
    audiences: apiAudiences(auth.audiences),
    jwksUrl: auth.jwksUrl,
    clock,
  });
}
