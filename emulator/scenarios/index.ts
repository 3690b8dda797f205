/** Scenarios by name, for `startEmulator({ scenario })` and `mie-watchdog emulator --scenario`. */
import type { TenantSeed } from '../seed.js';
import { emptyTenant } from './empty.js';
import { forgottenMigrations } from './forgottenMigrations.js';
import { largeTenant } from './largeTenant.js';

export const SCENARIOS: Record<string, () => TenantSeed> = {
  'forgotten-migrations': forgottenMigrations,
  empty: () => emptyTenant(),
  /** 20,000 holders: the benchmark's tenant. */
  large: () => largeTenant({ directAssignments: 5_000, roleGroupMembers: 5_000, securityGroupMembers: 10_000 }),
};

export const DEFAULT_SCENARIO = 'forgotten-migrations';

export function scenarioSeed(scenario: string | TenantSeed | undefined): TenantSeed {
  if (scenario === undefined) return forgottenMigrations();
  if (typeof scenario !== 'string') return scenario;
  const make = SCENARIOS[scenario];
  if (!make) throw new Error(`Unknown emulator scenario '${scenario}'; known: ${Object.keys(SCENARIOS).join(', ')}.`);
  return make();
}
