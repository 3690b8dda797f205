/**
 * What the watchdog and the tenant emulator agree on to talk to each other. This module imports nothing.
 */

/** The bearer token the tenant emulator accepts (lib/credential.ts sends it with WATCHDOG_CREDENTIAL=emulator); worthless anywhere else. */
export const EMULATOR_TOKEN = 'mie-watchdog-emulator-dev-token';

/**
 * The HMAC key of the emulator's webhook receiver (WATCHDOG_WEBHOOK_SECRET of the local stack): development only,
 * like the token above.
 */
export const EMULATOR_WEBHOOK_SECRET = 'mie-watchdog-emulator-webhook-secret-for-development';

/** The immutable id of the data collection rule the emulator's Logs Ingestion endpoint serves. */
export const EMULATOR_LOGS_RULE_ID = 'dcr-0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e';

/** The input stream of that rule: the watchdog's default WATCHDOG_LOGS_STREAM. */
export const EMULATOR_LOGS_STREAM = 'Custom-MieWatchdog_CL';

/**
 * The ways a principal reaches the power to export mailboxes, named alike by the audit (a holder's `via`) and by
 * the emulator's own answer to "who can export?", so tests hold one against the other.
 */
export type ExportPathVia =
  | 'direct'
  | 'role-group'
  | 'security-group'
  | 'organization-management'
  | 'service-principal'
  | 'graph-app-role'
  /** An Exchange RBAC for Applications role assignment to an app's service principal pointer, with its resource scope. */
  | 'application-role'
  /** A member of a Purview role group that carries the eDiscovery Export role. */
  | 'ediscovery-role-group';
