/**
 * How the HTTP API identifies its callers: the auth settings the authenticator is built from (lib/auth) and
 * doctor reports on. `issuer` as configured (either form); `tenantId` and `authority` (the login endpoint whose
 * OpenID configuration gives both issuers and their keys) follow from it unless WATCHDOG_AUTH_AUTHORITY says.
 */
export type AuthMode = 'token' | 'easyauth';

export interface ApiAuthSettings {
  mode: AuthMode;
  audiences: string[];
  issuer?: string;
  tenantId?: string;
  authority?: string;
  jwksUrl?: string;
}
