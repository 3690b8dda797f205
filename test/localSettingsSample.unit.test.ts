import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, SETTING_NAMES, SETTINGS, type Setting } from '../lib/config.js';
import { EMULATOR_ACCESS_KEY } from '../emulator/server.js';
import { WATCHDOG_API } from '../emulator/scenarios/baseTenant.js';
import { TENANT_ID } from '../emulator/scenarios/forgottenMigrations.js';

const sample = JSON.parse(readFileSync(resolve(import.meta.dirname, '..', 'local.settings.sample.json'), 'utf8')) as {
  Values: Record<string, string>;
};

/** What the sample points at the local stack instead of the defaults. */
const LOCAL_STACK = ['WATCHDOG_EXCHANGE_URL', 'WATCHDOG_GRAPH_URL', 'WATCHDOG_COMPLIANCE_URL', 'WATCHDOG_CREDENTIAL'];

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

  it("is complete for the Function host, which checks the API's auth settings at start-up (the emulated API registration)", () => {
    const config = loadConfig(sample.Values, { api: true });
    expect(config.auth).toMatchObject({ mode: 'token', audiences: [WATCHDOG_API.appId], tenantId: TENANT_ID });
    expect(config.auth.authority).toBe(sample.Values.WATCHDOG_EXCHANGE_URL);
  });

  it('gives every setting with a default its default, except where it points at the local stack', () => {
    const entries = Object.entries(SETTINGS) as [string, Setting][];
    for (const [name, setting] of entries.filter(([n, s]) => s.default !== undefined && !LOCAL_STACK.includes(n)))
      expect(sample.Values[name], name).toBe(setting.default);
  });
});
