/** Revocation integration helpers: grants made through the real grant use cases on a test runtime. */
import type { Grant } from '../../lib/domain.js';
import { approveGrant } from '../../lib/grants/approveGrant.js';
import { requestGrant } from '../../lib/grants/requestGrant.js';
import { runRevokeSchedule, type RevokeScheduleResult } from '../../lib/revoke/runRevokeSchedule.js';
import { BREAK_GLASS } from '../../emulator/scenarios/forgottenMigrations.js';
import { WATCHDOG_APP } from '../../emulator/scenarios/baseTenant.js';
import { approver, HOUR, requester, upn } from '../../testkit/fixtures.js';
import { startTestRuntime, type TestRuntime, type TestRuntimeOptions } from './runtime.js';

/** A runtime on the seed tenant with the demo's break-glass and the watchdog's own identity configured. */
export function startRevokeRuntime(options: TestRuntimeOptions = {}): Promise<TestRuntime> {
  return startTestRuntime({
    ...options,
    env: {
      WATCHDOG_BREAK_GLASS: BREAK_GLASS.join(','),
      WATCHDOG_IDENTITY_CLIENT_ID: WATCHDOG_APP.appId,
      ...options.env,
    },
  });
}

/** Requested by `by`, approved by lidiah: active at once, expiring `durationMs` later. */
export async function activeGrant(
  rt: TestRuntime,
  grantee: string,
  durationMs = 4 * HOUR,
  by = 'meganb',
): Promise<Grant> {
  const requested = await requestGrant(rt, requester(by), {
    principal: upn(grantee),
    durationMs,
    justification: `Export for case ${grantee} <urgent> & "legal"`,
    ticket: `CHG-${grantee}`,
  });
  return approveGrant(rt, approver('lidiah'), requested.id);
}

export function revoke(rt: TestRuntime, options: { dryRun?: boolean } = {}): Promise<RevokeScheduleResult> {
  return runRevokeSchedule(rt, options);
}

export function emailsAbout(
  rt: TestRuntime,
  text: string,
): { to: string[]; subject: string; text?: string; html?: string }[] {
  return rt.emulator.sentEmails().filter((e) => e.subject.includes(text));
}
