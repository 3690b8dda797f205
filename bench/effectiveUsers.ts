/**
 * Weighs `Get-ManagementRoleAssignment -GetEffectiveUsers` against the audit's own expansion. It lists the members
 * of role groups and security groups in the same paged read as the assignments, so it could replace the role group
 * and security group reads; but it names every member by recipient *Name*, so each must still be mapped to a UPN
 * (filtered Get-User, 20 names a call), it lists Organization Management's linked groups (TenantAdmins_*) rather
 * than the admins behind them, and apps by pointer name. This measures, per tenant and latency profile, the round
 * trips and wall time of the full holder read (collectHolders) and of the effective-users read of the same roles
 * with its UPN mapping, and how many of the audit's user holders the effective-users read finds.
 *
 *   node bin/run-ts.js bench/effectiveUsers.ts [seed,1000,20000] [--latency fast|real|both]
 */
import { performance } from 'node:perf_hooks';
import { collectHolders } from '../lib/audit/collectHolders.js';
import { ALL_GROUP_MEMBERS, type Recipient } from '../lib/domain.js';
import type { RunningAzurite } from '../cli/local/azurite.js';
import { largeTenant } from '../emulator/scenarios/largeTenant.js';
import { auditSizes, shapeFor, type AuditSize } from './auditCycle.js';
import { atEachLatency, isMain, roundTrips, seconds, startBenchRuntime, type BenchRuntime } from './benchRuntime.js';
import type { LatencyProfile } from './latencyProfile.js';

export interface EffectiveUsersMeasure {
  tenant: string;
  audit: { wallMs: number; roundTrips: number; userHolders: number };
  effective: { wallMs: number; roundTrips: number; rows: number; found: number; unresolved: number };
}

async function measure<T>(
  rt: BenchRuntime,
  read: () => Promise<T>,
): Promise<{ value: T; wallMs: number; trips: number }> {
  rt.emulator.calls.clear();
  const started = performance.now();
  const value = await read();
  return { value, wallMs: performance.now() - started, trips: roundTrips(rt.emulator).total };
}

/** The effective-users read: every role's assignments with their effective users, then their names as UPNs. */
async function effectiveRead(rt: BenchRuntime): Promise<{ rows: number; upns: Set<string>; unresolved: number }> {
  const roles = await rt.exchange.getMieRoles();
  const lists = await Promise.all(roles.map((r) => rt.exchange.getEffectiveRoleAssignments(r.name)));
  const names = [
    ...new Set(
      lists
        .flat()
        .filter((a) => a.delegationType === 'Regular' && a.effectiveUserName !== ALL_GROUP_MEMBERS)
        .map((a) => a.effectiveUserName),
    ),
  ];
  const users: Recipient[] = await rt.exchange.findUsersByName(names);
  const upns = new Set(users.flatMap((u) => (u.userPrincipalName ? [u.userPrincipalName.toLowerCase()] : [])));
  const named = new Set(users.map((u) => u.name.toLowerCase()));
  return { rows: lists.flat().length, upns, unresolved: names.filter((n) => !named.has(n.toLowerCase())).length };
}

export async function benchEffectiveUsers(
  azurite: RunningAzurite,
  size: AuditSize,
  latency: LatencyProfile,
): Promise<EffectiveUsersMeasure> {
  const scenario = size === 'seed' ? 'forgotten-migrations' : largeTenant(shapeFor(size));
  const rt = await startBenchRuntime(azurite, latency, { scenario });
  try {
    rt.startLatency();
    const audit = await measure(rt, () => collectHolders(rt, rt.clock.now()));
    const effective = await measure(rt, () => effectiveRead(rt));
    const userHolders = new Set(audit.value.holders.filter((h) => h.principalType === 'User').map((h) => h.principal));
    return {
      tenant: size === 'seed' ? 'seed tenant' : `${size} holders`,
      audit: { wallMs: audit.wallMs, roundTrips: audit.trips, userHolders: userHolders.size },
      effective: {
        wallMs: effective.wallMs,
        roundTrips: effective.trips,
        rows: effective.value.rows,
        found: [...userHolders].filter((u) => effective.value.upns.has(u)).length,
        unresolved: effective.value.unresolved,
      },
    };
  } finally {
    await rt.stop();
  }
}

export function formatEffectiveUsers(m: EffectiveUsersMeasure): string {
  const { audit: a, effective: e } = m;
  return `${m.tenant.padEnd(13)} audit read ${seconds(a.wallMs).padStart(6)} s ${String(a.roundTrips).padStart(4)} round trips, ${a.userHolders} user holders | -GetEffectiveUsers ${seconds(e.wallMs).padStart(6)} s ${String(e.roundTrips).padStart(4)} round trips, ${e.rows} rows, finds ${e.found} of them, ${e.unresolved} names not users`;
}

if (isMain(import.meta.url)) {
  const sizes = auditSizes(process.argv, 'seed,1000,20000');
  await atEachLatency(async (azurite, latency) => {
    for (const size of sizes) console.log(formatEffectiveUsers(await benchEffectiveUsers(azurite, size, latency)));
  });
}
