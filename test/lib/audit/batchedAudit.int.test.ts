/**
 * The holder read with Exchange calls batched ($batch) and Graph requests of different reads coalesced, and with one
 * Exchange call each and each Graph read on its own, gives the same snapshot: on the seed tenant (every holder path),
 * on a paged larger tenant, and under the same seeded throttling, server errors and lost answers on both services.
 */
import { describe, expect, it } from 'vitest';
import { EMULATOR_TOKEN } from '../../../contract/emulator.js';
import { collectHolders } from '../../../lib/audit/collectHolders.js';
import type { Snapshot } from '../../../lib/domain.js';
import { ExchangeAdminClient } from '../../../lib/exchange/exchangeAdminClient.js';
import { GraphDirectory } from '../../../lib/graph/graphDirectory.js';
import { largeTenant } from '../../../emulator/scenarios/largeTenant.js';
import { EXPECTED_HOLDER_PRINCIPALS } from '../../../emulator/scenarios/forgottenMigrations.js';
import { startEmulator, type RunningEmulator } from '../../support/emulator.js';
import { silentLogger } from '../../../testkit/loggers.js';

const credential = {
  getToken: async () => ({ token: EMULATOR_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};
const policy = { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 5_000, maxAttempts: 10 };
const NOW = new Date('2026-11-01T09:00:00Z');

async function read(emu: RunningEmulator, batch: boolean): Promise<Snapshot> {
  const exchange = new ExchangeAdminClient({
    exchangeUrl: emu.url,
    tenant: emu.tenant,
    credential,
    policy,
    logger: silentLogger,
    batch,
  });
  const directory = new GraphDirectory({
    graphUrl: emu.url,
    credential,
    policy,
    logger: silentLogger,
    coalesce: batch,
  });
  return collectHolders({ exchange, directory, logger: silentLogger }, NOW);
}

function seedFaults(emu: RunningEmulator): void {
  emu.faults.clear();
  emu.faults.seed(5);
  emu.faults.add({ route: 'exchange:*', fault: { kind: 'throttle', retryAfterSeconds: 0 }, rate: 0.15 });
  emu.faults.add({ route: 'exchange:*', fault: { kind: 'error', status: 503 }, rate: 0.1 });
  emu.faults.add({ route: 'exchange:*', fault: { kind: 'lost-answer', status: 504 }, rate: 0.05 });
  emu.faults.add({ route: 'graph:/**', fault: { kind: 'throttle', retryAfterSeconds: 0 }, rate: 0.15 });
  emu.faults.add({ route: 'graph:/**', fault: { kind: 'error', status: 503 }, rate: 0.1 });
}

const graphTrips = (emu: RunningEmulator) => emu.calls.where({ api: 'graph' }).filter((c) => !c.batch).length;

async function both(
  emu: RunningEmulator,
  faults: boolean,
): Promise<{ alone: Snapshot; together: Snapshot; aloneGraphTrips: number }> {
  emu.calls.clear();
  if (faults) seedFaults(emu);
  const alone = await read(emu, false);
  const aloneGraphTrips = graphTrips(emu);
  emu.calls.clear();
  if (faults) seedFaults(emu);
  const together = await read(emu, true);
  return { alone, together, aloneGraphTrips };
}

describe('holder read: batched and one call each', () => {
  it.each([false, true])('gives the same snapshot on the seed tenant (seeded faults: %s)', async (faults) => {
    const emu = await startEmulator({ faultSeed: 5 });
    try {
      const { alone, together, aloneGraphTrips } = await both(emu, faults);
      expect(together).toEqual(alone);
      expect(together.holders.map((h) => h.principal)).toEqual(expect.arrayContaining([...EXPECTED_HOLDER_PRINCIPALS]));
      expect(emu.calls.where({ api: 'exchange', name: '$batch' }).length).toBeGreaterThan(0);
      // Coalesced, the principal lookups of the app-role read share envelopes with other reads' requests.
      if (!faults) expect(graphTrips(emu)).toBeLessThan(aloneGraphTrips);
      if (faults) expect(emu.calls.all().some((c) => c.batch && c.fault)).toBe(true);
    } finally {
      await emu.stop();
    }
  });

  it('gives the same snapshot on a paged tenant of 120 holders, under seeded faults', async () => {
    const emu = await startEmulator({
      scenario: largeTenant({ directAssignments: 60, roleGroupMembers: 30, securityGroupMembers: 30, nestingDepth: 2 }),
      pageSize: 25,
      faultSeed: 5,
    });
    try {
      const { alone, together } = await both(emu, true);
      expect(together).toEqual(alone);
      expect(together.holders.length).toBe(120);
    } finally {
      await emu.stop();
    }
  });
});
