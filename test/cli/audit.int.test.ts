/** `mie-watchdog audit` in-process, on the tenant emulator and the test Azurite. */
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import {
  EDISCOVERY_HOLDER_PRINCIPALS,
  EXPECTED_HOLDER_PRINCIPALS,
  expectedFindings,
} from '../../emulator/scenarios/forgottenMigrations.js';
import { captureIo } from '../../testkit/captureIo.js';
import { emulatorEnv, useEmulator } from '../support/emulator.js';

// The local stack's seed tenant reads the Purview door too (WATCHDOG_EDISCOVERY_AUDIT=true).
const expected = [...EXPECTED_HOLDER_PRINCIPALS, ...EDISCOVERY_HOLDER_PRINCIPALS].map((p) => p.toLowerCase()).sort();
const emulator = useEmulator();
const cleanTenant = useEmulator({ scenario: 'empty' });

describe('mie-watchdog audit', () => {
  it('prints one JSON object with holders and findings, and exits 1 while findings are open', async () => {
    const io = captureIo(emulatorEnv(emulator()));
    expect(await main(['audit', '--json'], io)).toBe(1);
    const out = JSON.parse(io.stdout) as {
      holders: { principal: string }[];
      findings: { kind: string; principal: string }[];
      breakGlass: { principal: string }[];
    };
    expect(out.holders.map((h) => h.principal).sort()).toEqual(expected);
    expect(out.findings.map((f) => `${f.kind}:${f.principal}`).sort()).toEqual(expectedFindings(true));
    expect(out.findings.some((f) => f.principal === 'breakglass1@contoso.onmicrosoft.com')).toBe(false);
    expect(out.breakGlass.map((h) => h.principal)).toEqual(['breakglass1@contoso.onmicrosoft.com']);
  });

  it('prints a readable table, and refuses unknown options', async () => {
    const io = captureIo(emulatorEnv(emulator()));
    expect(await main(['audit'], io)).toBe(1);
    expect(io.stdout).toMatch(/^Audit of contoso\.onmicrosoft\.com at .*: 17 holder\(s\), \d+ open finding\(s\)/);
    expect(io.stdout).toMatch(
      /lynner@contoso\.onmicrosoft\.com\s+yes\s+Organization\s+Mailbox Import Export\s+via role group PST Migration Operators/,
    );
    expect(io.stdout).toMatch(/SEVERITY\s+KIND\s+PRINCIPAL\s+SUMMARY/);
    expect(io.stdout).toMatch(
      /Break-glass accounts holding the role.*\n.*\nbreakglass1@contoso\.onmicrosoft\.com\s+via Organization Management \(Global Administrator\)/,
    );
    const bad = captureIo({});
    expect(await main(['audit', '--frobnicate'], bad)).toBe(2);
    expect(bad.stderr).toContain('Usage: mie-watchdog audit [options]');
  });

  it('exits 0 on a tenant where nobody holds the role without a grant', async () => {
    const io = captureIo(emulatorEnv(cleanTenant()));
    expect(await main(['audit', '--json'], io), io.stderr).toBe(0);
    expect((JSON.parse(io.stdout) as { findings: unknown[] }).findings).toEqual([]);
  });
});
