/**
 * Revokes one ended grant: claim it (status expired, attempt counted, the journal seq as the intent) under
 * its ETag, remove its access and read the removal back, send the notice, journal, then mark it revoked.
 * A run that dies anywhere in between leaves the grant expired and the next run repeats the steps (see
 * lib/revoke/revokeExpired.ts).
 */
import { performance } from 'node:perf_hooks';
import type { Grant } from '../domain.js';
import { WATCHDOG_ACTOR } from '../grants/grantDeps.js';
import type { JournalEntryInput } from '../ports/index.js';
import { ConflictError } from '../ports/index.js';
import type { GrantRevocation } from './planRevocations.js';
import { removeGrantAccess } from './removeGrantAccess.js';
import { describeRemoval, type PlannedRemoval, type RevocationReport } from './revocationReport.js';
import { grantRevokedNotice, revokeFailedNotice } from './revocationMessages.js';
import type { RevokeDeps } from './revokeExpired.js';
import { sendNotice, trySendNotice } from '../notify/sendNotice.js';

type JournalEntry = JournalEntryInput & { id: string };

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
/** Kept on the grant record: an upstream error text has no length limit of its own. */
const MAX_STORED_ERROR = 2_000;
const boundedError = (error: string): string =>
  error.length > MAX_STORED_ERROR ? `${error.slice(0, MAX_STORED_ERROR - 15)} ...(truncated)` : error;
const CHANGED_AFTER_REMOVAL = 'changed by another writer after the removal; the next run confirms it';

/** One grant's attempt: what was planned, and the seq after which an earlier attempt's entries follow. */
interface Attempt {
  planned: PlannedRemoval;
  recoverAfter: number | undefined;
  report: RevocationReport;
}

export async function revokeGrant(
  deps: RevokeDeps,
  removal: GrantRevocation,
  report: RevocationReport,
  journalSeq: number,
): Promise<void> {
  const attempt: Attempt = { planned: describeRemoval(removal), recoverAfter: recoveryPoint(removal.grant), report };
  const claimed = await claimOrSkip(deps, removal.grant, journalSeq, report);
  if (!claimed) return;
  const started = performance.now();
  const removed = await removeVerified(deps, claimed, attempt);
  if (!removed) return;
  const durationMs = Math.round(performance.now() - started);
  const { grant, outcome, verifiedAt } = removed;
  const { lastError: _lastError, ...revocation } = grant.revocation ?? { attempts: 1 };
  const done: Grant = { ...grant, status: 'revoked', revocation: { ...revocation, verifiedAt } };
  if (!(await notifyRevoked(deps, grant, done, verifiedAt, attempt))) return;
  await journalOnce(deps, revokedEntries(done, outcome, verifiedAt), attempt.recoverAfter);
  if (!(await updateOrSkip(deps, grant, done, report))) return;
  report.removed.push({ ...attempt.planned, outcome, verifiedAt, durationMs });
  deps.logger.info(`Revoked grant ${grant.id} of ${grant.principal}: ${outcome}, verified at ${verifiedAt}.`, {
    grantId: grant.id,
    durationMs,
  });
}

/**
 * Appends a grant's revocation entries: plainly on the first attempt, once per event id on a later one
 * (`recoverAfter`: the seq the first attempt recorded), which may repeat a dead attempt's appends.
 */
async function journalOnce(deps: RevokeDeps, entries: JournalEntry[], recoverAfter: number | undefined): Promise<void> {
  if (recoverAfter === undefined) await deps.store.journal.appendMany(entries);
  else await deps.store.journal.appendOnce(entries, recoverAfter);
}

/** An earlier attempt claimed the grant: its entries, if any, follow the seq it recorded (legacy claims: the whole journal). */
const recoveryPoint = (grant: Grant): number | undefined =>
  grant.status === 'expired' ? (grant.revocation?.journalSeq ?? 0) : undefined;

/** A grant another writer changed since it was read is left to the next run. */
async function claimOrSkip(
  deps: RevokeDeps,
  grant: Grant,
  journalSeq: number,
  report: RevocationReport,
): Promise<Grant | undefined> {
  try {
    return await claim(deps, grant, journalSeq);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    report.skipped.push({ grantId: grant.id, reason: 'changed by another writer during the run' });
    return undefined;
  }
}

/** Marks the attempt under the grant's ETag: a concurrent run (or a grant change) makes this fail, not double up. */
async function claim(deps: RevokeDeps, grant: Grant, journalSeq: number): Promise<Grant> {
  const at = deps.clock.now().toISOString();
  const attempts = (grant.revocation?.attempts ?? 0) + 1;
  const claimed = await deps.store.grants.update(grant, {
    ...grant,
    status: 'expired',
    endedAt: grant.endedAt ?? grant.expiresAt ?? at,
    endedBy: grant.endedBy ?? WATCHDOG_ACTOR,
    endReason: grant.endReason ?? 'expired',
    revocation: {
      ...grant.revocation,
      attempts,
      lastAttemptAt: at,
      journalSeq: grant.revocation?.journalSeq ?? journalSeq,
    },
  });
  // The expiry of a grant that was active; a later attempt journals it if the first died before it did.
  if (grant.status === 'active' || (grant.status === 'expired' && grant.activatedAt)) {
    const expired = {
      id: `grant.expired|${grant.id}`,
      type: 'grant.expired' as const,
      actor: WATCHDOG_ACTOR,
      subject: grant.id,
      reason: `expired at ${grant.expiresAt ?? at}`,
      data: { grant: claimed },
    };
    await journalOnce(deps, [expired], recoveryPoint(grant));
  }
  return claimed;
}

/**
 * Removes the access and records the read-back on the grant; undefined when it failed (recorded) or the
 * grant changed. Removed and verified by an earlier run that then failed to notify: never removed again,
 * because the principal may hold the role through a newer grant by now (the same role group membership, say).
 */
async function removeVerified(
  deps: RevokeDeps,
  claimed: Grant,
  attempt: Attempt,
): Promise<{ grant: Grant; outcome: 'removed' | 'absent'; verifiedAt: string } | undefined> {
  const earlier = claimed.revocation?.verifiedAt;
  if (earlier) return { grant: claimed, outcome: 'absent', verifiedAt: earlier };
  try {
    const { outcome } = await removeGrantAccess(deps.exchange, claimed);
    const verifiedAt = deps.clock.now().toISOString();
    const grant = await deps.store.grants.update(claimed, {
      ...claimed,
      revocation: { ...claimed.revocation, attempts: claimed.revocation?.attempts ?? 1, verifiedAt },
    });
    return { grant, outcome, verifiedAt };
  } catch (error) {
    if (error instanceof ConflictError)
      attempt.report.skipped.push({ grantId: claimed.id, reason: CHANGED_AFTER_REMOVAL });
    else await recordGrantFailure(deps, claimed, message(error), attempt);
    return undefined;
  }
}

/** The access is gone; if the notice fails the grant stays 'expired', so the next run repeats the (idempotent) steps and the notice. */
async function notifyRevoked(
  deps: RevokeDeps,
  grant: Grant,
  done: Grant,
  verifiedAt: string,
  attempt: Attempt,
): Promise<boolean> {
  try {
    await sendNotice(
      deps,
      grantRevokedNotice(done, verifiedAt, deps.config.email.alertRecipients),
      attempt.recoverAfter,
    );
    return true;
  } catch (error) {
    await recordGrantFailure(
      deps,
      grant,
      `removed and verified, but the notice was not sent: ${message(error)}`,
      attempt,
    );
    return false;
  }
}

function revokedEntries(done: Grant, outcome: 'removed' | 'absent', verifiedAt: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  if (done.method === 'direct' && done.assignmentGuid) {
    entries.push({
      id: `assignment.removed|${done.id}|${done.assignmentGuid}`,
      type: 'assignment.removed',
      actor: WATCHDOG_ACTOR,
      subject: done.assignmentGuid,
      reason: 'expired',
      data: { grant: done, reason: 'expired', outcome },
    });
  }
  entries.push({
    id: `grant.revoked|${done.id}`,
    type: 'grant.revoked',
    actor: WATCHDOG_ACTOR,
    subject: done.id,
    reason: `expired; removal verified at ${verifiedAt}`,
    data: { grant: done, outcome },
  });
  return entries;
}

async function updateOrSkip(deps: RevokeDeps, current: Grant, done: Grant, report: RevocationReport): Promise<boolean> {
  try {
    await deps.store.grants.update(current, done);
    return true;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    report.skipped.push({ grantId: done.id, reason: CHANGED_AFTER_REMOVAL });
    return false;
  }
}

/** Records the failure on the grant and in the journal, and escalates: every failing run sends a new critical alert. */
async function recordGrantFailure(deps: RevokeDeps, grant: Grant, error: string, attempt: Attempt): Promise<void> {
  const attempts = grant.revocation?.attempts ?? 1;
  attempt.report.failed.push({ ...attempt.planned, error, attempts });
  deps.logger.error(`Revoking grant ${grant.id} of ${grant.principal} failed (attempt ${attempts}): ${error}`, {
    grantId: grant.id,
  });
  try {
    await deps.store.grants.update(grant, {
      ...grant,
      revocation: { ...grant.revocation, attempts, lastError: boundedError(error) },
    });
  } catch (updateError) {
    if (!(updateError instanceof ConflictError)) throw updateError;
  }
  const failed = {
    id: `grant.revoke-failed|${grant.id}|${attempts}`,
    type: 'grant.revoke-failed' as const,
    actor: WATCHDOG_ACTOR,
    subject: grant.id,
    reason: error,
    data: { grant, attempts },
  };
  await journalOnce(deps, [failed], attempt.recoverAfter);
  await trySendNotice(
    deps,
    revokeFailedNotice(grant, error, attempts, deps.config.email.alertRecipients, deps.clock.now().toISOString()),
  );
}
