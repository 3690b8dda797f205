/**
 * How far away the services are in a benchmark: a latency for each round trip to Exchange, Graph, Table Storage and
 * ACS Email, with seeded jitter. `fast` is the historical 50 ms per call (Table Storage at Azurite's own speed);
 * `real` is what a Function App in the tenant's region sees: Exchange admin API calls about 1 s (more under load),
 * Graph 150 ms, Table Storage 10 ms, ACS Email 300 ms. Latency is charged per round trip: a $batch costs one, as
 * the services run its independent requests side by side. Chosen with `--latency fast|real` (both by default).
 */
import type { RunningEmulator } from '../emulator/server.js';

export interface LatencyProfile {
  name: 'fast' | 'real';
  exchangeMs: number;
  graphMs: number;
  tableMs: number;
  emailMs: number;
  /** Each round trip takes its latency times a factor drawn evenly from [1 - jitter, 1 + jitter]. */
  jitter: number;
}

export const LATENCY_PROFILES: Record<LatencyProfile['name'], LatencyProfile> = {
  fast: { name: 'fast', exchangeMs: 50, graphMs: 50, tableMs: 0, emailMs: 50, jitter: 0 },
  real: { name: 'real', exchangeMs: 1000, graphMs: 150, tableMs: 10, emailMs: 300, jitter: 0.3 },
};

/** The profiles named by `--latency fast|real|both` in `argv` (both when absent). */
export function latencyProfiles(argv: readonly string[]): LatencyProfile[] {
  const at = argv.indexOf('--latency');
  const wanted = at >= 0 ? argv[at + 1] : 'both';
  if (wanted === 'both') return [LATENCY_PROFILES.fast, LATENCY_PROFILES.real];
  const profile = LATENCY_PROFILES[wanted as LatencyProfile['name']];
  if (!profile) throw new Error(`--latency takes fast, real or both, not '${wanted ?? ''}'.`);
  return [profile];
}

function ranged(ms: number, jitter: number): { ms: number; jitterMs?: number } {
  return jitter ? { ms: ms * (1 - jitter), jitterMs: 2 * ms * jitter } : { ms };
}

/** Charges every round trip to the emulator (plain calls and $batch envelopes, not the requests inside) its latency. */
export function applyLatency(emulator: RunningEmulator, profile: LatencyProfile): void {
  const routes: [string, number][] = [
    ['exchange:*', profile.exchangeMs],
    // Security & Compliance is the same admin API on another host: Exchange's latency.
    ['compliance:*', profile.exchangeMs],
    ['graph:/**', profile.graphMs],
    ['email:*', profile.emailMs],
  ];
  for (const [route, ms] of routes)
    if (ms > 0)
      emulator.faults.add({ route, inBatch: false, fault: { kind: 'latency', ...ranged(ms, profile.jitter) } });
}

/** Milliseconds each Table Storage request waits under this profile (0 when it has none). */
export function tableDelay(profile: LatencyProfile, random: () => number): () => number {
  const { ms, jitterMs = 0 } = ranged(profile.tableMs, profile.jitter);
  return () => ms + random() * jitterMs;
}
