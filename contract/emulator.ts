/**
 * What the watchdog and the tenant emulator agree on to talk to each other. This module imports nothing.
 */

/** The bearer token the tenant emulator accepts (lib/credential.ts sends it with WATCHDOG_CREDENTIAL=emulator); worthless anywhere else. */
export const EMULATOR_TOKEN = 'mie-watchdog-emulator-dev-token';
