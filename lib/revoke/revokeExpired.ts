/**
 * The revocation run (timer `revokeExpired`, CLI `mie-watchdog revoke`): removes what ended grants
 * gave, the own assignments closed grants left behind (reconcileGrantAssignments), and with WATCHDOG_UNAPPROVED_ACTION=revoke what the last audit found unapproved; reads every
 * removal back; sends expiry reminders. Planning is pure (planRevocations, planReminders); this file
 * only executes the plan.
 *
 * Crash safety: a grant is first claimed (status expired, attempt counted, the journal seq recorded as
 * the intent) under its ETag, then its access is removed and read back, then the notice is sent
 * (idempotency key), and only then is the grant marked revoked. A run that dies anywhere in between
 * leaves the grant expired, and the next run repeats the steps: the removal finds nothing (success),
 * the Mailer drops the repeated email, and each journal entry (expired, alert, removed, revoked) has an
 * event id that the repeat appends only if the journal after the recorded seq lacks it.
 * The removal of an unapproved holder records the same intent in a claim row before the removal
 * (lib/store/removalClaimStore.ts), and a reminder on its grant before the email (`reminderIntent`): the
 * next run finishes what a dead run left, its journal entries once each after the recorded seq.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Config } from '../config.js';
import type { Grant } from '../domain.js';
import { WATCHDOG_ACTOR } from '../grants/grantDeps.js';
import { mapLimited } from '../limiter.js';
import {
  type AlertIntent,
  type Clock,
  type ExchangeRbac,
  type JournalEntryInput,
  type Logger,
  type Mailer,
  type Store,
  type UnapprovedRemovalClaim,
  ConflictError,
} from '../ports/index.js';
import type {
  GrantRevocation,
  MassRemovalBlock,
  Protection,
  RevocationPlan,
  UnapprovedRemoval,
} from './planRevocations.js';
import { guardWithOthers, planRevocations } from './planRevocations.js';
import { lastCompleteAudit } from './lastCompleteAudit.js';
import { planReminders, type DueReminder } from './planReminders.js';
import { summarizeTargets } from './targetSummary.js';
import { removeAssignmentVerified } from './removeAssignment.js';
import { removeGrantAccess } from './removeGrantAccess.js';
import { describeLeftover, planLeftoverRemovals, removeLeftover, type Leftover } from './reconcileGrantAssignments.js';
import {
  grantRevokedNotice,
  needsPersonNotice,
  reminderNotice,
  revocationBlockedNotice,
  revokeFailedNotice,
  unapprovedRemovedNotice,
  unapprovedRemoveFailedNotice,
} from './revocationMessages.js';
import { finishStaleAlerts, sendAlertOnce } from './alertOnce.js';
import { sendNotice, trySendNotice } from './sendNotice.js';

const REMOVALS_AT_ONCE = 4;

export interface RevokeDeps {
  config: Pick<Config, 'revoke' | 'unapproved' | 'breakGlass' | 'identityClientId' | 'email'>;
  clock: Clock;
  logger: Logger;
  exchange: ExchangeRbac;
  mailer: Mailer;
  store: Pick<Store, 'grants' | 'journal' | 'snapshots' | 'findings' | 'removals' | 'alertIntents' | 'sentMail'>;
}

export interface PlannedRemoval {
  /** 'leftover': the own assignment of a grant that is already closed (lib/revoke/reconcileGrantAssignments.ts). */
  kind: 'grant' | 'unapproved' | 'leftover';
  principal: string;
  reason: 'expired' | 'unapproved' | 'grant-closed';
  grantId?: string;
  assignmentGuid?: string;
  path: string;
}

export interface RemovalDone extends PlannedRemoval {
  outcome: 'removed' | 'absent';
  verifiedAt: string;
  /** Wall time of remove + read-back, Exchange retries included. */
  durationMs: number;
}

export interface RemovalFailed extends PlannedRemoval {
  error: string;
  attempts?: number;
}

export interface RevocationReport {
  at: string;
  dryRun: boolean;
  /** The audit the unapproved removals and the holder count come from. */
  auditTakenAt?: string;
  planned: PlannedRemoval[];
  blocked?: MassRemovalBlock;
  removed: RemovalDone[];
  failed: RemovalFailed[];
  /** Grants another writer changed during the run; the next run looks at them again. */
  skipped: { grantId: string; reason: string }[];
  protected: { principal: string; reason: Protection['reason']; detail: string }[];
  reminders: { grantId: string; principal: string; offset: string; expiresAt: string }[];
}

function describe(removal: GrantRevocation | UnapprovedRemoval): PlannedRemoval {
  if (removal.kind === 'grant') {
    const g = removal.grant;
    const path =
      g.method === 'role-group'
        ? `member of role group ${g.roleGroup ?? ''}`
        : `assignment ${g.assignmentName ?? g.assignmentGuid ?? ''}`;
    return {
      kind: 'grant',
      principal: g.principal,
      reason: 'expired',
      grantId: g.id,
      assignmentGuid: g.method === 'direct' ? g.assignmentGuid : undefined,
      path,
    };
  }
  return {
    kind: 'unapproved',
    principal: removal.holder.principal,
    reason: 'unapproved',
    assignmentGuid: removal.assignment.guid,
    path: removal.holder.path,
  };
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
/** Kept on the grant record: an upstream error text has no length limit of its own. */
const MAX_STORED_ERROR = 2_000;
const boundedError = (error: string): string =>
  error.length > MAX_STORED_ERROR ? `${error.slice(0, MAX_STORED_ERROR - 15)} ...(truncated)` : error;

/** A key that changes only when the set it summarises changes: one alert per distinct situation. */
function setKey(prefix: string, items: string[]): string {
  return `${prefix}/${createHash('sha256')
    .update([...items].sort().join('\n'))
    .digest('hex')
    .slice(0, 16)}`;
}

export async function revokeExpired(deps: RevokeDeps, options: { dryRun?: boolean } = {}): Promise<RevocationReport> {
  const dryRun = options.dryRun ?? deps.config.revoke.dryRun;
  const now = deps.clock.now();
  const grants = await deps.store.grants.list({ status: ['pending', 'approved', 'active', 'expired'] });
  // Before the first audit there is no snapshot: unapproved holders are then left alone.
  const audit = await lastCompleteAudit(deps.store);
  const policy = {
    maxShare: deps.config.revoke.maxShare,
    maxCount: deps.config.revoke.maxCount,
    unapprovedAction: deps.config.unapproved.action,
    unapprovedGraceMs: deps.config.unapproved.graceMs,
    breakGlass: deps.config.breakGlass,
    identityClientId: deps.config.identityClientId,
  };
  const planned = planRevocations({ now, grants, audit, policy });
  const unapprovedGuids = new Set(
    planned.removals.flatMap((r) => (r.kind === 'unapproved' ? [r.assignment.guid.toLowerCase()] : [])),
  );
  const found = await leftoverPlan(deps);
  // With WATCHDOG_UNAPPROVED_ACTION=revoke the audit may already have it as an unapproved holder: remove it once.
  const leftovers = {
    ...found,
    removals: found.removals.filter((l) => !unapprovedGuids.has(l.assignment.guid.toLowerCase())),
  };
  const plan = guardWithOthers(planned, leftovers.removals.length, policy);
  const ending = new Set(plan.removals.flatMap((r) => (r.kind === 'grant' ? [r.grant.id] : [])));
  const reminders = planReminders({
    now,
    grants: grants.filter((g) => !ending.has(g.id)),
    offsetsMs: deps.config.revoke.reminderOffsetsMs,
  });

  const report: RevocationReport = {
    at: now.toISOString(),
    dryRun,
    auditTakenAt: audit?.takenAt,
    planned: [...plan.removals.map(describe), ...leftovers.removals.map(describeLeftover)],
    blocked: plan.blocked,
    removed: [],
    failed: leftovers.failed ? [leftovers.failed] : [],
    skipped: [],
    protected: [
      ...plan.protections.map(({ principal, reason, detail }) => ({ principal, reason, detail })),
      ...leftovers.protectedBreakGlass.map((l) => ({
        principal: l.grant.principal,
        reason: 'break-glass' as const,
        detail: `listed in WATCHDOG_BREAK_GLASS: leftover ${l.assignment.name} of ${l.grant.status} grant ${l.grant.id} is never removed automatically`,
      })),
    ],
    reminders: reminders.map((r) => ({
      grantId: r.grant.id,
      principal: r.grant.principal,
      offset: r.offset,
      expiresAt: r.expiresAt,
    })),
  };
  if (dryRun) return report;

  // Unapproved removals an earlier run started: only read where such removals happen at all.
  const claims = deps.config.unapproved.action === 'revoke' ? await deps.store.removals.list() : [];
  const claimOf = new Map(claims.map((c) => [c.assignment.guid.toLowerCase(), c]));
  // Before anything is claimed: where this run's journal entries start (each claim records it as its intent).
  const journalSeq =
    (!plan.blocked && plan.removals.length) || reminders.some((r) => !r.grant.reminderIntent)
      ? await deps.store.journal.headSeq()
      : 0;
  // Alerts an earlier run may have sent without journaling them.
  const intents = await deps.store.alertIntents.list();
  const intentOf = new Map(intents.map((i) => [i.key, i]));
  const alerted = new Set<string>();
  if (plan.blocked) alerted.add(await alertBlocked(deps, plan, leftovers.removals, intentOf));
  else {
    // A few at a time (the Exchange client bounds its own calls too); each removal records its own failure,
    // so one grant never blocks another.
    await mapLimited(plan.removals, REMOVALS_AT_ONCE, (removal) =>
      removal.kind === 'grant'
        ? revokeGrant(deps, removal, report, journalSeq)
        : removeUnapproved(deps, removal, report, journalSeq, claimOf.get(removal.assignment.guid.toLowerCase())),
    );
    await mapLimited(leftovers.removals, REMOVALS_AT_ONCE, (leftover) => removeLeftover(deps, leftover, report));
  }
  // Claims the plan no longer holds: a later audit saw the holder gone (the dead run removed it) or kept.
  for (const claim of claims)
    if (!unapprovedGuids.has(claim.assignment.guid.toLowerCase())) await finishUnplannedClaim(deps, claim, report);
  const needsPerson = await alertNeedsPerson(deps, plan.protections, intentOf);
  if (needsPerson) alerted.add(needsPerson);
  await finishStaleAlerts(deps, intents, alerted);
  for (const due of reminders) await sendReminder(deps, due, report, journalSeq);
  return report;
}

/** A failed read of the grant-named assignments is reported, and never keeps the run from revoking expired grants. */
async function leftoverPlan(
  deps: RevokeDeps,
): Promise<{ removals: Leftover[]; protectedBreakGlass: Leftover[]; failed?: RemovalFailed }> {
  try {
    return await planLeftoverRemovals(deps);
  } catch (error) {
    deps.logger.error(`Could not look for leftover grant assignments: ${message(error)}; the next run looks again.`);
    return {
      removals: [],
      protectedBreakGlass: [],
      failed: {
        kind: 'leftover',
        principal: '(not read)',
        reason: 'grant-closed',
        path: 'assignments named MIE-Grant-*',
        error: message(error),
      },
    };
  }
}

/** Returns the alert's key. */
async function alertBlocked(
  deps: RevokeDeps,
  plan: RevocationPlan,
  leftovers: Leftover[],
  intentOf: Map<string, AlertIntent>,
): Promise<string> {
  const block = plan.blocked as MassRemovalBlock;
  const targets = [
    ...plan.removals.map((r) => (r.kind === 'grant' ? `grant:${r.grant.id}` : `assignment:${r.assignment.guid}`)),
    ...leftovers.map((l) => `assignment:${l.assignment.guid}`),
  ];
  const key = setKey('revoke/blocked', targets);
  const notice = revocationBlockedNotice(block, plan.removals, leftovers, key, deps.config.email.alertRecipients);
  deps.logger.error(`Revocation stopped by the mass-removal guard: ${block.reason}. Nothing was removed.`, {
    removals: block.removals,
    currentHolders: block.currentHolders,
  });
  // The plan can hold thousands of targets: the entry keeps their count, hash and first names (bounded).
  const entry = {
    id: `revoke.blocked|${key}`,
    type: 'revoke.blocked',
    actor: WATCHDOG_ACTOR,
    subject: key,
    reason: block.reason,
    data: { ...block, ...summarizeTargets(targets) },
  };
  await sendAlertOnce(deps, notice, [entry], intentOf.get(key));
  return key;
}

/** Group paths, app roles and break-glass are a person's call: one alert per distinct set. Returns its key, if any. */
async function alertNeedsPerson(
  deps: RevokeDeps,
  protections: Protection[],
  intentOf: Map<string, AlertIntent>,
): Promise<string | undefined> {
  const manual = protections.filter(
    (p) =>
      p.reason === 'group-path' ||
      p.reason === 'graph-app-role' ||
      p.reason === 'break-glass' ||
      p.reason === 'assignment-unknown',
  );
  if (manual.length === 0) return undefined;
  const key = setKey(
    'revoke/needs-person',
    manual.map((p) => `${p.reason}:${p.holder?.key ?? p.grant?.id ?? p.principal}`),
  );
  await sendAlertOnce(deps, needsPersonNotice(manual, key, deps.config.email.alertRecipients), [], intentOf.get(key));
  return key;
}

/**
 * Appends a grant's revocation entries: plainly on the first attempt, once per event id on a later one
 * (`recoverAfter`: the seq the first attempt recorded), which may repeat a dead attempt's appends.
 */
async function journalOnce(
  deps: RevokeDeps,
  entries: (JournalEntryInput & { id: string })[],
  recoverAfter: number | undefined,
): Promise<void> {
  if (recoverAfter === undefined) await deps.store.journal.appendMany(entries);
  else await deps.store.journal.appendOnce(entries, recoverAfter);
}

/** An earlier attempt claimed the grant: its entries, if any, follow the seq it recorded (legacy claims: the whole journal). */
const recoveryPoint = (grant: Grant): number | undefined =>
  grant.status === 'expired' ? (grant.revocation?.journalSeq ?? 0) : undefined;

/** Marks the attempt under the grant's ETag: a concurrent run (or a grant change) makes this fail, not double up. */
async function claim(deps: RevokeDeps, grant: Grant, journalSeq: number): Promise<Grant> {
  const at = deps.clock.now().toISOString();
  const attempts = (grant.revocation?.attempts ?? 0) + 1;
  const claimed = await deps.store.grants.update({
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
    const { etag: _etag, ...data } = claimed;
    const expired = {
      id: `grant.expired|${grant.id}`,
      type: 'grant.expired',
      actor: WATCHDOG_ACTOR,
      subject: grant.id,
      reason: `expired at ${grant.expiresAt ?? at}`,
      data: { grant: data },
    };
    await journalOnce(deps, [expired], recoveryPoint(grant));
  }
  return claimed;
}

async function revokeGrant(
  deps: RevokeDeps,
  removal: GrantRevocation,
  report: RevocationReport,
  journalSeq: number,
): Promise<void> {
  const planned = describe(removal);
  const recoverAfter = recoveryPoint(removal.grant);
  let grant: Grant;
  try {
    grant = await claim(deps, removal.grant, journalSeq);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    report.skipped.push({ grantId: removal.grant.id, reason: 'changed by another writer during the run' });
    return;
  }

  const started = performance.now();
  // Removed and verified by an earlier run that then failed to notify: never remove again, because the
  // principal may hold the role through a newer grant by now (the same role group membership, say).
  let outcome: 'removed' | 'absent' = 'absent';
  let verifiedAt = grant.revocation?.verifiedAt;
  if (!verifiedAt) {
    try {
      outcome = (await removeGrantAccess(deps.exchange, grant)).outcome;
      verifiedAt = deps.clock.now().toISOString();
      grant = await deps.store.grants.update({
        ...grant,
        revocation: { ...grant.revocation, attempts: grant.revocation?.attempts ?? 1, verifiedAt },
      });
    } catch (error) {
      if (error instanceof ConflictError) {
        report.skipped.push({
          grantId: grant.id,
          reason: 'changed by another writer after the removal; the next run confirms it',
        });
        return;
      }
      await recordGrantFailure(deps, grant, message(error), planned, report, recoverAfter);
      return;
    }
  }
  const durationMs = Math.round(performance.now() - started);
  const { lastError: _lastError, ...revocation } = grant.revocation ?? { attempts: 1 };
  const done: Grant = { ...grant, status: 'revoked', revocation: { ...revocation, verifiedAt } };

  try {
    await sendNotice(deps, grantRevokedNotice(done, verifiedAt, deps.config.email.alertRecipients), recoverAfter);
  } catch (error) {
    // The access is gone; the grant stays 'expired' so that the next run repeats the (idempotent) steps and the notice.
    await recordGrantFailure(
      deps,
      grant,
      `removed and verified, but the notice was not sent: ${message(error)}`,
      planned,
      report,
      recoverAfter,
    );
    return;
  }
  const { etag: _etag, ...data } = done;
  const entries: (JournalEntryInput & { id: string })[] = [];
  if (grant.method === 'direct' && grant.assignmentGuid) {
    entries.push({
      id: `assignment.removed|${grant.id}|${grant.assignmentGuid}`,
      type: 'assignment.removed',
      actor: WATCHDOG_ACTOR,
      subject: grant.assignmentGuid,
      reason: 'expired',
      data: { grant: data, reason: 'expired', outcome },
    });
  }
  entries.push({
    id: `grant.revoked|${grant.id}`,
    type: 'grant.revoked',
    actor: WATCHDOG_ACTOR,
    subject: grant.id,
    reason: `expired; removal verified at ${verifiedAt}`,
    data: { grant: data, outcome },
  });
  await journalOnce(deps, entries, recoverAfter);
  try {
    await deps.store.grants.update(done);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    report.skipped.push({
      grantId: grant.id,
      reason: 'changed by another writer after the removal; the next run confirms it',
    });
    return;
  }
  report.removed.push({ ...planned, outcome, verifiedAt, durationMs });
  deps.logger.info(`Revoked grant ${grant.id} of ${grant.principal}: ${outcome}, verified at ${verifiedAt}.`, {
    grantId: grant.id,
    durationMs,
  });
}

/** Records the failure on the grant and in the journal, and escalates: every failing run sends a new critical alert. */
async function recordGrantFailure(
  deps: RevokeDeps,
  grant: Grant,
  error: string,
  planned: PlannedRemoval,
  report: RevocationReport,
  recoverAfter?: number,
): Promise<void> {
  const attempts = grant.revocation?.attempts ?? 1;
  report.failed.push({ ...planned, error, attempts });
  deps.logger.error(`Revoking grant ${grant.id} of ${grant.principal} failed (attempt ${attempts}): ${error}`, {
    grantId: grant.id,
  });
  try {
    await deps.store.grants.update({
      ...grant,
      revocation: { ...grant.revocation, attempts, lastError: boundedError(error) },
    });
  } catch (updateError) {
    if (!(updateError instanceof ConflictError)) throw updateError;
  }
  const { etag: _etag, ...data } = grant;
  await journalOnce(
    deps,
    [
      {
        id: `grant.revoke-failed|${grant.id}|${attempts}`,
        type: 'grant.revoke-failed',
        actor: WATCHDOG_ACTOR,
        subject: grant.id,
        reason: error,
        data: { grant: data, attempts },
      },
    ],
    recoverAfter,
  );
  await trySendNotice(deps, revokeFailedNotice(grant, error, attempts, deps.config.email.alertRecipients));
}

async function removeUnapproved(
  deps: RevokeDeps,
  removal: UnapprovedRemoval,
  report: RevocationReport,
  journalSeq: number,
  earlier?: UnapprovedRemovalClaim,
): Promise<void> {
  const planned = describe(removal);
  const { holder, assignment, finding } = removal;
  if (!earlier) {
    try {
      await deps.store.removals.claim({ holder, assignment, finding, journalSeq, claimedAt: report.at });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      deps.logger.info(`Another run is removing unapproved ${assignment.name} (${assignment.guid}); left to it.`);
      return;
    }
  }
  const started = performance.now();
  let outcome: 'removed' | 'absent';
  try {
    outcome = (
      await removeAssignmentVerified(deps.exchange, assignment.guid, {
        role: assignment.role,
        assignee: [assignment.roleAssignee, assignment.roleAssigneeName],
      })
    ).outcome;
  } catch (error) {
    // The claim stays: the next run tries again while the audit still reports the holder, or finishes it if a later audit saw it gone.
    report.failed.push({ ...planned, error: message(error) });
    deps.logger.error(`Removing unapproved ${assignment.name} (${assignment.guid}) failed: ${message(error)}`);
    await trySendNotice(
      deps,
      unapprovedRemoveFailedNotice(holder, assignment, message(error), report.at, deps.config.email.alertRecipients),
    );
    return;
  }
  const durationMs = Math.round(performance.now() - started);
  const verifiedAt = await finishRemoval(deps, { holder, assignment, finding }, outcome, earlier?.journalSeq);
  report.removed.push({ ...planned, outcome, verifiedAt, durationMs });
}

/**
 * The notice and journal entries of a verified removal, then the claim's release. `recoverAfter`: the seq an
 * earlier run's claim recorded, whose notice and entries may be done in part; each is then journaled once.
 * Without it, an absent assignment whose notice is a duplicate was finished by an earlier run whose claim is
 * released, while the audit has not yet seen it gone: nothing is journaled again.
 */
async function finishRemoval(
  deps: RevokeDeps,
  target: Pick<UnapprovedRemoval, 'holder' | 'assignment' | 'finding'>,
  outcome: 'removed' | 'absent',
  recoverAfter: number | undefined,
): Promise<string> {
  const { holder, assignment, finding } = target;
  const verifiedAt = deps.clock.now().toISOString();
  const sent = await trySendNotice(
    deps,
    unapprovedRemovedNotice(holder, assignment, verifiedAt, deps.config.email.alertRecipients),
    recoverAfter,
  );
  const guid = assignment.guid.toLowerCase();
  const entries = [
    {
      id: `assignment.removed|unapproved|${guid}`,
      type: 'assignment.removed',
      actor: WATCHDOG_ACTOR,
      subject: assignment.guid,
      reason: 'unapproved',
      data: { holder, reason: 'unapproved', outcome },
    },
    {
      id: `unapproved.revoked|${guid}`,
      type: 'unapproved.revoked',
      actor: WATCHDOG_ACTOR,
      subject: holder.key,
      reason: finding.summary,
      data: { holder, finding, verifiedAt },
    },
  ];
  if (recoverAfter !== undefined) await deps.store.journal.appendOnce(entries, recoverAfter);
  else if (outcome === 'removed' || sent === 'sent' || sent === 'deferred')
    await deps.store.journal.appendMany(entries);
  // A notice that failed keeps the claim, so the next run sends it and journals what is missing.
  if (sent !== 'failed') await deps.store.removals.release(assignment.guid);
  return verifiedAt;
}

/**
 * A claim whose holder the plan no longer lists: if the assignment is gone, the dead run removed it and its
 * notice and entries are finished; if it is still there, the removal never happened and the current audit decides.
 */
async function finishUnplannedClaim(
  deps: RevokeDeps,
  claim: UnapprovedRemovalClaim,
  report: RevocationReport,
): Promise<void> {
  const { assignment } = claim;
  try {
    const live = await deps.exchange.getRoleAssignment(assignment.guid);
    if (live && live.guid.toLowerCase() === assignment.guid.toLowerCase()) {
      await deps.store.removals.release(assignment.guid);
      return;
    }
    const verifiedAt = await finishRemoval(deps, claim, 'absent', claim.journalSeq);
    report.removed.push({
      kind: 'unapproved',
      principal: claim.holder.principal,
      reason: 'unapproved',
      assignmentGuid: assignment.guid,
      path: claim.holder.path,
      outcome: 'absent',
      verifiedAt,
      durationMs: 0,
    });
  } catch (error) {
    deps.logger.error(
      `Finishing the removal of unapproved ${assignment.name} (${assignment.guid}) failed: ${message(error)}; the next run tries again.`,
    );
  }
}

/**
 * Records the reminder as intended on the grant (with the journal seq), sends it, journals it, then records it
 * as sent. A run that dies in between leaves the intent, and the next run sends the same email (a duplicate if
 * it went out) and journals it once after the recorded seq.
 */
async function sendReminder(
  deps: RevokeDeps,
  due: DueReminder,
  report: RevocationReport,
  journalSeq: number,
): Promise<void> {
  const earlier = due.grant.reminderIntent;
  let grant = due.grant;
  try {
    if (!earlier)
      grant = await deps.store.grants.update({
        ...grant,
        reminderIntent: { offset: due.offset, handled: due.handled, journalSeq },
      });
    const sent = await trySendNotice(deps, reminderNotice(grant, due.offset, due.remainingMs), earlier?.journalSeq);
    if (sent === 'failed') return;
    const { reminderIntent: _intent, ...rest } = grant;
    const recorded = new Set([...(grant.remindersSent ?? []), ...due.handled]);
    await deps.store.grants.update({ ...rest, remindersSent: [...recorded] });
  } catch (error) {
    // Someone changed the grant meanwhile; the next run sees the reminder as due again and the Mailer drops the repeat.
    if (!(error instanceof ConflictError)) throw error;
    report.skipped.push({ grantId: due.grant.id, reason: 'changed by another writer while recording the reminder' });
  }
}
