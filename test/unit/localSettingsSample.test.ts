import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, SETTING_NAMES } from '../../lib/config.js';
import { EMULATOR_ACCESS_KEY } from '../../emulator/server.js';

const sample = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '..', '..', 'local.settings.sample.json'), 'utf8'),
) as { Values: Record<string, string> };

describe('local.settings.sample.json', () => {
  it('lists every setting the code reads, and nothing it does not', () => {
    const watchdog = Object.keys(sample.Values).filter((k) => k.startsWith('WATCHDOG_'));
    expect(watchdog.sort()).toEqual([...SETTING_NAMES].sort());
  });

  it('is a valid configuration for the local emulator on port 7070 and Azurite', () => {
    const config = loadConfig(sample.Values);
    expect(config.credential).toBe('emulator');
    expect(config.email.connectionString).toContain(`accesskey=${EMULATOR_ACCESS_KEY}`);
  });
});
