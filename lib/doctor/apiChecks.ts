/**
 * The API side: which tokens the HTTP API will accept (the same authenticator the functions build), and that
 * the app registration behind WATCHDOG_AUTH_AUDIENCE exposes the app roles the code enforces and the
 * access_as_user scope (read from its service principal, which carries both, with Application.Read.All).
 */
import { apiAudiences } from '../apiAudiences.js';
import { APP_ROLES } from '../caller.js';
import { fail, messageOf, pass, skip, type CheckResult } from './doctorCheck.js';
import type { DoctorSettings } from './doctorSettings.js';
import { graphFix } from './graphPermissionChecks.js';
import { PermissionError, type DoctorProbes } from '../ports/index.js';

export const API_SCOPE = 'access_as_user';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN_CHECK = 'API tokens accepted';
const REGISTRATION_CHECK = 'API app registration';
const SETTINGS_FIX =
  'Set WATCHDOG_AUTH_AUDIENCE (the API client id) and WATCHDOG_AUTH_ISSUER (https://login.microsoftonline.com/<tenant id>/v2.0); azd provision sets both from the app registration in infra/.';

/** `problems`: what refused the API's authenticator (DoctorProbes.apiAuthenticatorProblems). */
export function checkApiTokens(config: DoctorSettings, problems: string[]): CheckResult {
  if (problems.length) {
    return fail(
      TOKEN_CHECK,
      problems.join(' '),
      config.auth.mode === 'easyauth'
        ? 'Enable App Service Authentication, or use WATCHDOG_AUTH_MODE=token.'
        : SETTINGS_FIX,
    );
  }
  if (config.auth.mode === 'easyauth')
    return pass(TOKEN_CHECK, 'App Service Authentication identifies callers (WATCHDOG_AUTH_MODE=easyauth).');
  return pass(
    TOKEN_CHECK,
    `delegated access tokens (scp) of tenant ${config.auth.tenantId} (issuer ${config.auth.issuer}, or its other form; keys from ${config.auth.jwksUrl ?? config.auth.authority}) with aud ${apiAudiences(config.auth.audiences).join(' or ')}.`,
  );
}

export async function checkApiRegistration(config: DoctorSettings, probes: DoctorProbes): Promise<CheckResult> {
  const configured = config.auth.audiences[0];
  if (!configured) return skip(REGISTRATION_CHECK, 'not checked: WATCHDOG_AUTH_AUDIENCE is not set.');
  const appId = GUID.test(configured) ? configured : /^api:\/\/([^/]+)$/i.exec(configured)?.[1];
  const match = appId && GUID.test(appId) ? { appId } : { servicePrincipalName: configured };
  try {
    const sp = await probes.servicePrincipal(match, [
      'id',
      'appId',
      'displayName',
      'appRoles',
      'oauth2PermissionScopes',
    ]);
    if (!sp)
      return fail(
        REGISTRATION_CHECK,
        `no service principal in the tenant for ${configured}.`,
        `Create the API app registration and its service principal (azd provision), then set WATCHDOG_AUTH_AUDIENCE to its client id.`,
      );
    const roles = (
      (sp.appRoles as { value?: string; isEnabled?: boolean; allowedMemberTypes?: string[] }[] | undefined) ?? []
    ).filter((r) => r.isEnabled !== false && r.allowedMemberTypes?.includes('User'));
    const missingRoles = APP_ROLES.filter((role) => !roles.some((r) => r.value === role));
    const hasScope = ((sp.oauth2PermissionScopes as { value?: string; isEnabled?: boolean }[] | undefined) ?? []).some(
      (s) => s.value === API_SCOPE && s.isEnabled !== false,
    );
    const missing = [...missingRoles.map((r) => `app role ${r}`), ...(hasScope ? [] : [`scope ${API_SCOPE}`])];
    if (missing.length)
      return fail(
        REGISTRATION_CHECK,
        `${String(sp.displayName ?? sp.appId)} lacks ${missing.join(', ')} (enabled, for users and groups).`,
        'Provision the app registration from infra/ again (azd provision): it declares every app role and the scope.',
      );
    return pass(
      REGISTRATION_CHECK,
      `${String(sp.displayName ?? sp.appId)} (${String(sp.appId)}) exposes ${API_SCOPE} and the app roles ${APP_ROLES.join(', ')}.`,
    );
  } catch (error) {
    return fail(
      REGISTRATION_CHECK,
      messageOf(error),
      error instanceof PermissionError ? graphFix('Application.Read.All') : 'Run doctor again.',
    );
  }
}
