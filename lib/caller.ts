/**
 * Who is calling the grant API: a person verified by Entra ID, with the app roles they were given
 * on the watchdog's app registration.
 */

export const APP_ROLES = ['Grant.Request', 'Grant.Approve', 'Audit.Read'] as const;
export type AppRole = (typeof APP_ROLES)[number];

export interface Caller {
  /** Normalised, lower-cased UPN (lib/upn.ts), for the record and for display. */
  upn: string;
  /** Entra ID object id (`oid`): who the caller is. Every HTTP caller has one; the CLI resolves it through Graph. */
  oid?: string;
  /** Tenant id (`tid`) the object id belongs to. */
  tid?: string;
  roles: AppRole[];
}

/** The caller has no usable identity: no token, or one that fails verification. HTTP 401. */
export class UnauthenticatedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnauthenticatedError';
  }
}

/**
 * The issuer's OpenID configuration or signing keys could not be read (unreachable, an error status,
 * not JSON): the token may be perfectly valid, so this is an outage (HTTP 503), never a 401.
 */
export class SigningKeysUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeysUnavailableError';
  }
}

/** The caller is known but lacks the app role the operation needs. HTTP 403. */
export class MissingRoleError extends Error {
  constructor(readonly role: AppRole) {
    super(
      `This operation needs the app role '${role}' on the mie-watchdog app registration; ask an Entra ID administrator to assign it to you.`,
    );
    this.name = 'MissingRoleError';
  }
}

export function hasRole(caller: Caller, role: AppRole): boolean {
  return caller.roles.includes(role);
}

export function requireRole(caller: Caller, ...anyOf: [AppRole, ...AppRole[]]): void {
  if (!anyOf.some((r) => hasRole(caller, r))) throw new MissingRoleError(anyOf[0]);
}

/** Keeps only the roles this app defines; anything else in the token is ignored. */
export function appRolesOf(values: unknown): AppRole[] {
  if (!Array.isArray(values)) return [];
  return APP_ROLES.filter((r) => values.includes(r));
}
