import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../cli/main.js';
import { main } from '../../cli/main.js';
import { runRevoke } from '../../cli/revoke.js';
import type { RevokeScheduleResult } from '../../lib/revoke/runRevokeSchedule.js';
import type { TestRuntime } from '../support/runtime.js';
import { activeGrant, HOUR, startRevokeRuntime, upn } from './support.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startRevokeRuntime();
});
afterAll(() => rt.stop());

function capture(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    env: {},
    out: (t: string) => void (io.stdout += `${t}\n`),
    err: (t: string) => void (io.stderr += `${t}\n`),
  };
  return io;
}

describe('mie-watchdog revoke', () => {
  it('--dry-run --json prints one JSON document with the plan; then a real run prints what it removed', async () => {
    const grant = await activeGrant(rt, 'adelev');
    rt.clock.advance(4 * HOUR);

    const dry = capture();
    expect(await runRevoke(['--dry-run', '--json'], dry, () => rt)).toBe(0);
    const plan = JSON.parse(dry.stdout) as RevokeScheduleResult;
    expect(plan.revocation).toMatchObject({
      dryRun: true,
      planned: [{ grantId: grant.id, principal: upn('adelev') }],
      removed: [],
    });

    const real = capture();
    expect(await runRevoke([], real, () => rt)).toBe(0);
    expect(real.stdout).toMatch(
      new RegExp(`adelev@contoso.onmicrosoft.com: assignment MIE-Grant-${grant.id} removed, verified gone at`),
    );
  });

  it('refuses unknown options with exit code 2 and the usage line', async () => {
    const io = capture();
    expect(await main(['revoke', '--force'], io)).toBe(2);
    expect(io.stderr).toContain('Usage: mie-watchdog revoke [--json]');
  });
});
