/**
 * Activates approved grants whose start time has come. The revoke timer calls it every run; it is
 * safe to run twice at once (the ETag lets one activation of a grant win, the assignment is looked
 * up by name before it is created).
 */
import type { Grant } from '../domain.js';
import { ConflictError } from '../ports/index.js';
import { activateGrant, isDue } from './activateGrant.js';
import { WATCHDOG_ACTOR, type GrantDeps } from './grantDeps.js';

export interface ActivationResult {
  activated: Grant[];
  /** Changed by someone else meanwhile (cancelled, or activated by a concurrent run). */
  skipped: string[];
  failed: { grantId: string; error: string }[];
}

export async function activateDueGrants(deps: GrantDeps): Promise<ActivationResult> {
  const now = deps.clock.now();
  const due = (await deps.store.grants.list({ status: ['approved'] })).filter((g) => isDue(g, now));
  const result: ActivationResult = { activated: [], skipped: [], failed: [] };
  for (const grant of due) {
    try {
      result.activated.push(await activateGrant(deps, grant, WATCHDOG_ACTOR));
    } catch (error) {
      if (error instanceof ConflictError) {
        result.skipped.push(grant.id);
        continue;
      }
      const message = error instanceof Error ? error.message : String(error);
      deps.logger.error(`Activating grant ${grant.id} failed; the next run retries.`, {
        grantId: grant.id,
        error: message,
      });
      result.failed.push({ grantId: grant.id, error: message });
    }
  }
  return result;
}
