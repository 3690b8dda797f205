/**
 * Lapses the requests nobody decided on within WATCHDOG_REQUEST_TTL: a pending request becomes `lapsed`, a pending
 * extension is dropped (the grant runs to its current expiry); the requester and the approvers are told. The
 * revoke timer calls it every run. Crash-safe and idempotent like the revocation: the intent (`lapse`, with the
 * journal seq of that moment) is written first under the grant's ETag, then the journal entry and the notice go
 * out once each from that seq, and only then the grant is closed; a run that dies midway leaves the intent, and
 * the next run finishes the same lapse. Two runs at once: the ETag lets one of them have each grant.
 */
import { formatDuration } from '../duration.js';
import { durationInWords } from '../notify/humanTime.js';
import type { Grant } from '../domain.js';
import { ConflictError } from '../ports/index.js';
import { WATCHDOG_ACTOR, type GrantDeps } from './grantDeps.js';
import { notifyGrant } from './notices/notifyGrant.js';
import { hasLapsed, openRequestOf } from './policy/requestExpiry.js';

export interface LapseResult {
  lapsed: { grantId: string; target: 'request' | 'extension' }[];
  /** Decided, or taken by a concurrent run, meanwhile. */
  skipped: string[];
  failed: { grantId: string; error: string }[];
}

export async function lapseStaleRequests(deps: GrantDeps): Promise<LapseResult> {
  const now = deps.clock.now();
  const open = await deps.store.grants.list({ status: ['pending', 'active'] });
  const stale = open.filter((g) => hasLapsed(g, now, deps.config.grants));
  const result: LapseResult = { lapsed: [], skipped: [], failed: [] };
  for (const grant of stale) {
    try {
      result.lapsed.push({ grantId: grant.id, target: await lapse(deps, grant) });
    } catch (error) {
      if (error instanceof ConflictError) {
        result.skipped.push(grant.id);
        continue;
      }
      const message = error instanceof Error ? error.message : String(error);
      deps.logger.error(`Lapsing the request of grant ${grant.id} failed; the next run retries.`, {
        grantId: grant.id,
        error: message,
      });
      result.failed.push({ grantId: grant.id, error: message });
    }
  }
  return result;
}

async function lapse(deps: GrantDeps, found: Grant): Promise<'request' | 'extension'> {
  const request = openRequestOf(found);
  if (!request) throw new Error(`grant ${found.id} has no open request`);
  // An intent of another request (an extension asked after an earlier one lapsed) does not count.
  const resumed = found.lapse?.requestedAt === request.requestedAt;
  const grant = resumed
    ? found
    : await deps.store.grants.update(found, {
        ...found,
        lapse: { journalSeq: await deps.store.journal.headSeq(), requestedAt: request.requestedAt },
      });
  const after = grant.lapse?.journalSeq ?? 0;
  const ttl = deps.config.grants.requestTtlMs;
  const reason = `no decision within ${durationInWords(ttl)} (WATCHDOG_REQUEST_TTL=${formatDuration(ttl)})`;
  const at = deps.clock.now().toISOString();
  const closed: Grant =
    request.target === 'extension'
      ? { ...grant, extension: undefined, lapse: undefined }
      : { ...grant, status: 'lapsed', endedAt: at, endedBy: WATCHDOG_ACTOR, endReason: reason, lapse: undefined };
  const type = request.target === 'extension' ? 'grant.extension-lapsed' : 'grant.request-lapsed';
  await deps.store.journal.appendOnce(
    [
      {
        id: `${type}|${grant.id}|${request.requestedAt}`,
        type,
        actor: WATCHDOG_ACTOR,
        subject: grant.id,
        reason,
        data: { grant: closed, ...(grant.extension ? { extension: grant.extension } : {}) },
      },
    ],
    after,
  );
  // The notice names what lapsed: the extension stays on the rendered copy.
  await notifyGrant(deps, 'request-lapsed', { ...closed, extension: grant.extension }, { recoverAfter: after });
  await deps.store.grants.update(grant, closed);
  return request.target;
}
