/** Picks how HTTP callers are identified from the auth settings. */
import type { Config } from '../config.js';
import { apiAudiences } from './apiAudiences.js';
import type { Clock } from '../ports/index.js';
import { easyAuthAuthenticator, tenantEasyAuthAuthenticator } from './easyAuthPrincipal.js';
import type { Caller } from '../caller.js';
import { createTokenAuthenticator } from './verifyAccessToken.js';

/** Resolves the verified caller of a request, or throws UnauthenticatedError. */
export type Authenticator = (headers: Headers) => Promise<Caller>;

/**
 * `platform` is the App Service environment: WEBSITE_AUTH_ENABLED says App Service Authentication runs
 * in front of the app, which is what makes its principal header trustworthy (it strips incoming copies).
 */
export function createAuthenticator(
  auth: Config['auth'],
  clock: Clock,
  platform: Partial<Record<string, string | undefined>> = process.env,
): Authenticator {
  if (auth.mode === 'easyauth') {
    if (platform.WEBSITE_AUTH_ENABLED?.toLowerCase() !== 'true') {
      throw new Error(
        'WATCHDOG_AUTH_MODE=easyauth, but App Service Authentication is not enabled on this app (WEBSITE_AUTH_ENABLED is not True): without it anyone could send the principal header. Enable authentication with "Require authentication", or use WATCHDOG_AUTH_MODE=token.',
      );
    }
    return auth.tenantId ? tenantEasyAuthAuthenticator(auth.tenantId) : easyAuthAuthenticator;
  }
  const missing = [
    !auth.tenantId && 'WATCHDOG_AUTH_ISSUER',
    auth.audiences.length === 0 && 'WATCHDOG_AUTH_AUDIENCE',
  ].filter(Boolean);
  if (missing.length || !auth.tenantId || !auth.authority) {
    throw new Error(
      `WATCHDOG_AUTH_MODE=token needs ${missing.join(' and ')}: the Entra ID issuer of the API's tenant and the API's client id or application ID URI that tokens are issued for.`,
    );
  }
  return createTokenAuthenticator({
    tenantId: auth.tenantId,
    authority: auth.authority,
    audiences: apiAudiences(auth.audiences),
    jwksUrl: auth.jwksUrl,
    clock,
  });
}
