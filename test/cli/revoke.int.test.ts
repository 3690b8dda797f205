import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { runRevoke } from '../../cli/revoke.js';
import type { RevokeScheduleResult } from '../../lib/revoke/runRevokeSchedule.js';
import { captureIo } from '../../testkit/captureIo.js';
import { HOUR, upn } from '../../testkit/fixtures.js';
import type { TestRuntime } from '../support/runtime.js';
import { activeGrant, startRevokeRuntime } from '../support/revokeRuntime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startRevokeRuntime();
});
afterAll(() => rt.stop());

describe('mie-watchdog revoke', () => {
  it('--dry-run --json prints one JSON document with the plan; then a real run prints what it removed', async () => {
    const grant = await activeGrant(rt, 'adelev');
    rt.clock.advance(4 * HOUR);

    const dry = captureIo();
    expect(await runRevoke(['--dry-run', '--json'], dry, () => rt)).toBe(0);
    const plan = JSON.parse(dry.stdout) as RevokeScheduleResult;
    expect(plan.revocation).toMatchObject({
      dryRun: true,
      planned: [{ grantId: grant.id, principal: upn('adelev') }],
      removed: [],
    });

    const real = captureIo();
    expect(await runRevoke([], real, () => rt)).toBe(0);
    expect(real.stdout).toMatch(
      new RegExp(`adelev@contoso.onmicrosoft.com: assignment MIE-Grant-${grant.id} removed, verified gone at`),
    );
  });

  it('refuses unknown options with exit code 2 and the usage line', async () => {
    const io = captureIo();
    expect(await main(['revoke', '--force'], io)).toBe(2);
    expect(io.stderr).toContain('Usage: mie-watchdog revoke [options]');
  });
});
