/**
 * One tick of the revokeExpired timer (and `mie-watchdog revoke`): first start approved grants whose
 * start time has come, then end the grants whose time is up. Both sides of a grant's life run on the
 * same 5-minute beat. A dry run only plans: it activates nothing.
 */
import { activateDueGrants, type ActivationResult } from '../grants/activateDueGrants.js';
import type { GrantDeps } from '../grants/grantDeps.js';
import { revokeExpired, type RevocationReport, type RevokeDeps } from './revokeExpired.js';

export type RevokeScheduleDeps = RevokeDeps & GrantDeps;

export interface RevokeScheduleResult {
  activation: { activated: { grantId: string; principal: string; expiresAt?: string }[]; skipped: string[]; failed: ActivationResult['failed'] };
  revocation: RevocationReport;
}

export async function runRevokeSchedule(deps: RevokeScheduleDeps, options: { dryRun?: boolean } = {}): Promise<RevokeScheduleResult> {
  const dryRun = options.dryRun ?? deps.config.revoke.dryRun;
  const activation: ActivationResult = dryRun ? { activated: [], skipped: [], failed: [] } : await activateDueGrants(deps);
  const revocation = await revokeExpired(deps, { dryRun });
  return {
    activation: {
      activated: activation.activated.map((g) => ({ grantId: g.id, principal: g.principal, expiresAt: g.expiresAt })),
      skipped: activation.skipped,
      failed: activation.failed,
    },
    revocation,
  };
}
