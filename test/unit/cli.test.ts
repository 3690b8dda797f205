import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../cli/main.js';

function capture(env: CliIo['env'] = {}): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    env,
    out: (t: string) => void (io.stdout += `${t}\n`),
    err: (t: string) => void (io.stderr += `${t}\n`),
  };
  return io;
}

describe('cli dispatch', () => {
  it('prints usage and exits 2 without a command', async () => {
    const io = capture();
    expect(await main([], io)).toBe(2);
    expect(io.stdout).toContain('mie-watchdog audit [--json]');
  });

  it('rejects an unknown command', async () => {
    const io = capture();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.stderr).toContain("Unknown command 'frobnicate'");
  });
});
