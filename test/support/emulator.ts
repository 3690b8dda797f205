/**
 * Vitest helpers for the tenant emulator: one emulator per test file, reset between tests, and the
 * WATCHDOG_* env that points the production code at it (with Azurite from the global setup).
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Env } from '../../lib/config.js';
import { localEnv } from '../../cli/local/localEnv.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/server.js';
import { azuriteConnectionString, uniquePrefix } from './store.js';

export { startEmulator, type RunningEmulator };

/**
 * Starts an emulator before the file's tests and stops it after them. The returned getter is valid
 * inside tests and hooks. With `resetEach` (default true) every test starts from the scenario's seed.
 */
export function useEmulator(options: EmulatorOptions & { resetEach?: boolean } = {}): () => RunningEmulator {
  let running: RunningEmulator | undefined;
  const { resetEach = true, ...emulatorOptions } = options;
  beforeAll(async () => {
    running = await startEmulator(emulatorOptions);
  });
  afterAll(async () => {
    await running?.stop();
  });
  if (resetEach) beforeEach(() => running?.reset());
  return () => {
    if (!running)
      throw new Error('The emulator is only available inside tests and hooks of the file that called useEmulator().');
    return running;
  };
}

/** WATCHDOG_* settings for the production code on this emulator and the test Azurite, on tables of its own. */
export function emulatorEnv(emulator: RunningEmulator, overrides: Env = {}): Env {
  return localEnv({
    emulator,
    storageConnectionString: azuriteConnectionString(),
    overrides: { WATCHDOG_TABLE_PREFIX: uniquePrefix(), ...overrides },
  });
}
