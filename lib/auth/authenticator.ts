/** Picks how HTTP callers are identified from the auth settings. */
import { apiAuthProblems, ConfigError, type Config } from '../config.js';
import { apiAudiences } from './apiAudiences.js';
import type { Clock } from '../ports/index.js';
import { easyAuthAuthenticator, tenantEasyAuthAuthenticator } from './easyAuthPrincipal.js';
import type { Caller } from '../caller.js';
import { createTokenAuthenticator } from './verifyAccessToken.js';

/** Resolves the verified caller of a request, or throws UnauthenticatedError. */
export type Authenticator = (headers: Headers) => Promise<Caller>;

/**
 * `platform` is the App Service environment: WEBSITE_AUTH_ENABLED says App Service Authentication runs
 * in front of the app (lib/config.ts apiAuthProblems, the same check the Function App makes at start-up).
 */
export function createAuthenticator(
  auth: Config['auth'],
  clock: Clock,
  platform: Partial<Record<string, string | undefined>> = process.env,
): Authenticator {
  const problems = apiAuthProblems(auth, platform);
  if (problems.length) throw new ConfigError(problems);
  if (auth.mode === 'easyauth') {
    return auth.tenantId ? tenantEasyAuthAuthenticator(auth.tenantId) : easyAuthAuthenticator;
  }
  // Token mode without both is one of the problems above.
  const { tenantId = '', authority = '' } = auth;
  return createTokenAuthenticator({
    tenantId,
    authority,
    audiences: apiAudiences(auth.audiences),
    jwksUrl: auth.jwksUrl,
    clock,
  });
}
