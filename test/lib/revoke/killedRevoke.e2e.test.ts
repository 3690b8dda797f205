/**
 * A revoke run killed half-way: `mie-watchdog revoke` runs in a child process against the emulator and
 * its own Azurite, and gets SIGKILL once its first Remove-ManagementRoleAssignment is in the call log (reads
 * are held up, so the kill lands between removal and confirmation). The next run finishes
 * the work: every grant revoked and verified, every assignment gone, no email twice.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { offsetClock } from '../../../lib/clock.js';
import { loadConfig } from '../../../lib/config.js';
import type { Grant } from '../../../lib/domain.js';
import { startAzurite, type RunningAzurite } from '../../../cli/local/azurite.js';
import { localEnv } from '../../../cli/local/localEnv.js';
import { runRevokeSchedule } from '../../../lib/revoke/runRevokeSchedule.js';
import { createRuntime } from '../../../lib/runtime.js';
import { fixedGuid } from '../../../emulator/scenarios/baseTenant.js';
import { USERS } from '../../../emulator/scenarios/forgottenMigrations.js';
import { startEmulator, type RunningEmulator } from '../../../emulator/server.js';
import { seedExpiredGrant } from '../../../testkit/fixtures.js';
import { silentLogger } from '../../../testkit/loggers.js';
import { duplicateEmails } from '../../support/runs.js';

let azurite: RunningAzurite;
let emulator: RunningEmulator;

const START = '2026-03-02T23:59:00Z';

beforeAll(async () => {
  // Its own Azurite: the CLI uses the default table names.
  [azurite, emulator] = await Promise.all([startAzurite(), startEmulator({ clock: offsetClock(new Date(START)) })]);
});
afterAll(async () => {
  await emulator?.stop();
  await azurite?.stop();
});

it('finishes a revoke run that was killed after its first removal', async () => {
  // One pinned timeline for this process and the child (WATCHDOG_LOCAL_CLOCK): nothing depends on the wall clock.
  const env = localEnv({
    emulator,
    storageConnectionString: azurite.connectionString,
    overrides: { WATCHDOG_LOCAL_CLOCK: START },
  }) as Record<string, string>;
  const runtime = createRuntime(loadConfig(env), {
    logger: silentLogger,
    mail: { pollIntervalMs: 5, retryDelayMs: 5 },
  });
  const now = runtime.clock.now().getTime();
  const grantees = [USERS.adelev, USERS.meganb, USERS.lidiah];
  const grants: Grant[] = [];
  for (const [i, user] of grantees.entries()) {
    const options = { id: `killed-${i + 1}`, guid: fixedGuid(0xb8000000, i + 1), now, ticket: `CHG-${i + 1}` };
    grants.push(
      await seedExpiredGrant(emulator, runtime.store.grants, user, {
        ...options,
        requestedBy: 'admin@contoso.onmicrosoft.com',
        approvedBy: 'lidiah@contoso.onmicrosoft.com',
      }),
    );
  }
  // Every assignment read is slow, so the kill (at the first removal) lands before any read-back confirms it,
  // however the run interleaves its grants.
  emulator.faults.add({
    route: 'exchange:Get-ManagementRoleAssignment',
    fault: { kind: 'latency', ms: 2_000 },
    times: 100,
  });

  const child = spawn(process.execPath, ['bin/mie-watchdog.js', 'revoke', '--json'], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  await vi.waitFor(
    () =>
      expect(emulator.calls.where({ api: 'exchange', name: 'Remove-ManagementRoleAssignment' }).length).toBeGreaterThan(
        0,
      ),
    { timeout: 15_000, interval: 10 },
  );
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  const halfway = await Promise.all(grants.map((g) => runtime.store.grants.get(g.id)));
  expect(halfway.filter((g) => g?.status === 'revoked')).toEqual([]);
  expect(grants.filter((g) => !emulator.state.assignments.has(g.assignmentGuid!.toLowerCase())).length).toBeGreaterThan(
    0,
  );

  emulator.faults.clear();
  const next = await runRevokeSchedule(runtime);
  expect(next.revocation.failed).toEqual([]);
  for (const g of grants) {
    const after = await runtime.store.grants.get(g.id);
    expect(after?.status).toBe('revoked');
    expect(after?.revocation?.verifiedAt).toBeDefined();
    expect(emulator.state.assignments.has(g.assignmentGuid!.toLowerCase())).toBe(false);
  }
  expect(duplicateEmails({ emulator } as never)).toEqual([]);
  for (const g of grants) expect(emulator.sentEmails().filter((e) => e.to.includes(g.principal))).toHaveLength(1);

  // A third run has nothing left to do.
  const third = await runRevokeSchedule(runtime);
  expect(third.revocation.planned).toEqual([]);
});
