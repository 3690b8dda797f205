import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { captureIo } from '../../testkit/captureIo.js';

describe('cli dispatch', () => {
  it('prints usage and exits 2 without a command', async () => {
    const io = captureIo();
    expect(await main([], io)).toBe(2);
    expect(io.stdout).toContain('mie-watchdog audit [--json]');
  });

  it('rejects an unknown command', async () => {
    const io = captureIo();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.stderr).toContain("Unknown command 'frobnicate'");
  });
});
