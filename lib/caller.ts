/**
 * Who is calling the grant API: a person verified by Entra ID, with the app roles they were given
 * on the watchdog's app registration.
 */

export const APP_ROLES = ['Grant.Request', 'Grant.Approve', 'Audit.Read'] as const;
export type AppRole = (typeof APP_ROLES)[number];

/**
 * How the watchdog knows who made a decision, journaled with it (data.channel) so four eyes can be shown:
 * `api`, a bearer token verified in code (its object id, tenant, issuer and the client app that got it);
 * `easyauth`, the principal App Service Authentication verified in front of the app; `cli`, a name the
 * operator typed while running with the app's own credentials: only the operating-system user and host
 * are known, so the identity is operator-asserted.
 */
export type ActorChannel =
  | { kind: 'api'; oid: string; tid?: string; issuer?: string; appId?: string }
  | { kind: 'easyauth'; oid: string; tid?: string; issuer?: string; appId?: string }
  | { kind: 'cli'; osUser: string; host: string; operatorAsserted: true };

/** The channel in words, for the report and CSV: what an auditor needs to judge the decision. */
export function describeChannel(channel: ActorChannel | undefined): string {
  if (!channel) return 'channel not recorded';
  if (channel.kind === 'cli') return `cli as ${channel.osUser} on ${channel.host} (operator-asserted)`;
  const parts = [`oid ${channel.oid}`, channel.tid && `tid ${channel.tid}`, channel.appId && `app ${channel.appId}`];
  const issuer = channel.issuer ? `, issuer ${channel.issuer}` : '';
  return `${channel.kind === 'api' ? 'api token' : 'easyauth'} (${parts.filter(Boolean).join(', ')}${issuer})`;
}

/** A journaled channel read back without trusting its shape: anything else counts as not recorded. */
export function channelOf(value: unknown): ActorChannel | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const c = value as Partial<Record<string, unknown>>;
  if (c.kind === 'cli' && typeof c.osUser === 'string' && typeof c.host === 'string') return value as ActorChannel;
  if ((c.kind === 'api' || c.kind === 'easyauth') && typeof c.oid === 'string') return value as ActorChannel;
  return undefined;
}

export interface Caller {
  /** Normalised, lower-cased UPN (lib/upn.ts), for the record and for display. */
  upn: string;
  /** Entra ID object id (`oid`): who the caller is. Every HTTP caller has one; the CLI resolves it through Graph. */
  oid?: string;
  /** Tenant id (`tid`) the object id belongs to. */
  tid?: string;
  roles: AppRole[];
  /** How this caller was verified; journaled with every decision they make. */
  channel?: ActorChannel;
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
