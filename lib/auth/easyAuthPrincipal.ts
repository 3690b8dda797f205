/**
 * App Service Authentication ("Easy Auth") validates the token in front of the app and passes the
 * claims in X-MS-CLIENT-PRINCIPAL (base64 JSON). The platform strips that header from incoming
 * requests, so it is trusted only when WATCHDOG_AUTH_MODE=easyauth says the app runs behind it and the
 * platform confirms it (lib/auth/authenticator.ts), and only for Entra ID sign-ins.
 */
import type { Authenticator } from './authenticator.js';
import { UnauthenticatedError } from '../caller.js';
import { callerFromClaims } from './verifyAccessToken.js';

const CLAIM_ALIASES: Record<string, string> = {
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': 'upn',
  'http://schemas.microsoft.com/identity/claims/objectidentifier': 'oid',
  'http://schemas.microsoft.com/identity/claims/tenantid': 'tid',
  'http://schemas.microsoft.com/ws/2008/06/identity/claims/role': 'roles',
};

interface ClientPrincipal {
  auth_typ?: string;
  role_typ?: string;
  claims?: { typ?: unknown; val?: unknown }[];
}

/**
 * App Service Authentication checks the issuer it is configured with, which may accept several tenants (a
 * multi-tenant registration with the common endpoint): a person of another tenant can hold any app role there,
 * assigned by their own admin. With the tenant known (WATCHDOG_AUTH_ISSUER), only its sign-ins are accepted.
 */
export function tenantEasyAuthAuthenticator(tenantId: string): Authenticator {
  return async (headers) => {
    const caller = await easyAuthAuthenticator(headers);
    if (caller.tid !== tenantId) {
      throw new UnauthenticatedError(
        `The App Service Authentication principal was signed in to ${caller.tid ? `tenant ${caller.tid}` : 'no named tenant'}; only tenant ${tenantId} (WATCHDOG_AUTH_ISSUER) is accepted.`,
      );
    }
    return caller;
  };
}

export const easyAuthAuthenticator: Authenticator = async (headers) => {
  const encoded = headers.get('x-ms-client-principal');
  if (!encoded)
    throw new UnauthenticatedError(
      'No App Service Authentication principal: require authentication on the Function App (Authentication blade) and sign in.',
    );
  let principal: ClientPrincipal;
  try {
    principal = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as ClientPrincipal;
  } catch {
    throw new UnauthenticatedError('The App Service Authentication principal header is not valid base64 JSON.');
  }
  if (principal.auth_typ !== 'aad')
    throw new UnauthenticatedError(
      'Only Entra ID sign-ins are accepted; the App Service Authentication principal is not from Entra ID (auth_typ aad).',
    );
  if (!Array.isArray(principal.claims))
    throw new UnauthenticatedError('The App Service Authentication principal carries no claims.');
  const claims: Record<string, unknown> = {};
  const roles: string[] = [];
  for (const { typ, val } of principal.claims) {
    if (typeof typ !== 'string' || typeof val !== 'string') continue;
    const name = CLAIM_ALIASES[typ] ?? typ;
    if (name === 'roles' || typ === principal.role_typ) roles.push(val);
    else claims[name] ??= val;
  }
  return callerFromClaims({ ...claims, roles }, undefined, 'easyauth');
};
