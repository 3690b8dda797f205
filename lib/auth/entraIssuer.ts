/**
 * The issuer forms of one Entra ID tenant. An API registration gets v1.0 access tokens unless its
 * manifest sets `accessTokenAcceptedVersion: 2`; v1.0 tokens carry `iss https://sts.windows.net/{tenant-id}/`,
 * v2.0 tokens `iss https://login.microsoftonline.com/{tenant-id}/v2.0` (Microsoft identity platform,
 * "Access tokens" and "Access token claims reference"). Each version's exact issuer is the `issuer` of that
 * version's OpenID configuration document, read from the cloud's login endpoint (lib/auth/tenantSigningKeys.ts).
 */

export type TokenVersion = '1.0' | '2.0';

export interface IssuerForm {
  tenantId: string;
  version: TokenVersion;
  /** scheme://host of the issuer. */
  origin: string;
}

/** Entra ID writes the tenant id in lower case; another spelling is another issuer. */
const FORM = /^(https?:\/\/[^/?#]+)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/(v2\.0)?$/;

/** `{origin}/{tenant-id}/` (v1.0) or `{origin}/{tenant-id}/v2.0` (v2.0), exactly; anything else is not an issuer form. */
export function parseIssuerForm(value: string): IssuerForm | undefined {
  const match = FORM.exec(value);
  if (!match?.[1] || !match[2]) return undefined;
  return { origin: match[1], tenantId: match[2], version: match[3] ? '2.0' : '1.0' };
}

/** The v1.0 issuer host of the worldwide cloud; its OpenID configuration is served by login.microsoftonline.com. */
const V1_STS_LOGIN_ENDPOINTS: Record<string, string> = {
  'https://sts.windows.net': 'https://login.microsoftonline.com',
};

/** Where the tenant's OpenID configuration is read when WATCHDOG_AUTH_AUTHORITY does not say. */
export function defaultAuthority(form: IssuerForm): string {
  return (form.version === '1.0' ? V1_STS_LOGIN_ENDPOINTS[form.origin] : undefined) ?? form.origin;
}

/** `{authority}/{tenant}[/v2.0]/.well-known/openid-configuration`: a v1.0 token is checked against the v1.0 document. */
export function openIdConfigurationUrl(authority: string, tenantId: string, version: TokenVersion): string {
  return `${authority.replace(/\/+$/, '')}/${tenantId}${version === '2.0' ? '/v2.0' : ''}/.well-known/openid-configuration`;
}
