/**
 * One tick of the revokeExpired timer (and `mie-watchdog revoke`): first start approved grants whose
 * start time has come and lapse the requests nobody decided on in time, then end the grants whose time
 * is up. Every side of a grant's life runs on the same 5-minute beat. A dry run only plans: it activates
 * and lapses nothing.
 */
import { activateDueGrants, type ActivationResult } from '../grants/activateDueGrants.js';
import type { GrantDeps } from '../grants/grantDeps.js';
import { lapseStaleRequests, type LapseResult } from '../grants/lapseStaleRequests.js';
import { sendDeferredMail, type OutboxResult } from './sendDeferredMail.js';
import type { RevocationReport } from './revocationReport.js';
import { revokeExpired, type RevokeDeps } from './revokeExpired.js';

export type RevokeScheduleDeps = RevokeDeps & GrantDeps;

export interface RevokeScheduleResult {
  activation: {
    activated: { grantId: string; principal: string; expiresAt?: string }[];
    skipped: string[];
    failed: ActivationResult['failed'];
  };
  /** Requests and extension requests that waited longer than WATCHDOG_REQUEST_TTL. */
  lapse: LapseResult;
  revocation: RevocationReport;
  /** Email deferred by ACS throttling in earlier runs, sent first (undefined in a dry run). */
  outbox?: OutboxResult;
}

export async function runRevokeSchedule(
  deps: RevokeScheduleDeps,
  options: { dryRun?: boolean } = {},
): Promise<RevokeScheduleResult> {
  const dryRun = options.dryRun ?? deps.config.revoke.dryRun;
  // Deferred notices go first, so a burst leaves in the order it was raised.
  const outbox = dryRun ? undefined : await sendDeferredMail(deps);
  const activation: ActivationResult = dryRun
    ? { activated: [], skipped: [], failed: [] }
    : await activateDueGrants(deps);
  const lapse: LapseResult = dryRun ? { lapsed: [], skipped: [], failed: [] } : await lapseStaleRequests(deps);
  const revocation = await revokeExpired(deps, { dryRun });
  return {
    activation: {
      activated: activation.activated.map((g) => ({ grantId: g.id, principal: g.principal, expiresAt: g.expiresAt })),
      skipped: activation.skipped,
      failed: activation.failed,
    },
    lapse,
    revocation,
    outbox,
  };
}
