/**
 * The revocation run (timer `revokeExpired`, CLI `mie-watchdog revoke`): removes what ended grants
 * gave, the own assignments closed grants left behind (reconcileGrantAssignments), and with WATCHDOG_UNAPPROVED_ACTION=revoke what the last audit found unapproved; reads every
 * removal back; sends expiry reminders. Planning is pure (planRevocations, planReminders); this file
 * puts the plan together and executes it: one grant in lib/revoke/revokeGrant.ts, one unapproved holder in
 * lib/revoke/removeUnapproved.ts, the run-level alerts in lib/revoke/revocationAlerts.ts.
 *
 * Crash safety: a grant is first claimed (status expired, attempt counted, the journal seq recorded as
 * the intent) under its ETag, then its access is removed and read back, then the notice is sent
 * (idempotency key), and only then is the grant marked revoked. A run that dies anywhere in between
 * leaves the grant expired, and the next run repeats the steps: the removal finds nothing (success),
 * the Mailer drops the repeated email, and each journal entry (expired, alert, removed, revoked) has an
 * event id that the repeat appends only if the journal after the recorded seq lacks it.
 * The removal of an unapproved holder records the same intent in a claim row before the removal
 * (lib/tableStorage/removalClaims.ts), and a reminder on its grant before the email (`reminderIntent`): the
 * next run finishes what a dead run left, its journal entries once each after the recorded seq.
 */
import type { NotifyDeps } from '../notify/sendNotice.js';
import { mapLimited } from '../limiter.js';
import type { Clock, ExchangeRbac, Logger, Mailer, Store, UnapprovedRemovalClaim } from '../ports/index.js';
import { finishStaleAlerts } from './alertOnce.js';
import { lastCompleteAudit } from './lastCompleteAudit.js';
import { planReminders, type DueReminder } from './planReminders.js';
import { guardWithOthers, planRevocations, type RevocationPlan } from './planRevocations.js';
import { describeLeftover, planLeftoverRemovals, removeLeftover, type Leftover } from './reconcileGrantAssignments.js';
import { finishUnplannedClaim, removeUnapproved } from './removeUnapproved.js';
import { alertBlocked, alertNeedsPerson } from './revocationAlerts.js';
import { describeRemoval, type RemovalFailed, type RevocationReport } from './revocationReport.js';
import { revokeGrant } from './revokeGrant.js';
import { sendReminder } from './sendReminder.js';

/**
 * Removals in flight at once: as many as one Exchange admin API $batch carries (10), so that the reads, removals and
 * read-backs of several grants travel together instead of a round trip each.
 */
const REMOVALS_AT_ONCE = 10;

/** The settings a revocation run reads; the settings module's Config satisfies it as is. */
export interface RevocationSettings {
  revoke: { maxShare: number; maxCount: number; dryRun: boolean; reminderOffsetsMs: number[] };
  unapproved: { action: 'alert' | 'revoke'; graceMs: number };
  /** Lower-cased UPNs or object ids that are never revoked. */
  breakGlass: string[];
  /** The watchdog's own principal, never revoked. */
  identityClientId?: string;
  email: { alertRecipients: string[] };
}

export interface RevokeDeps {
  config: RevocationSettings;
  clock: Clock;
  logger: Logger;
  exchange: ExchangeRbac;
  mailer: Mailer;
  notify?: NotifyDeps;
  store: Pick<Store, 'grants' | 'journal' | 'snapshots' | 'findings' | 'removals' | 'alertIntents' | 'sentMail'>;
}

interface LeftoverPlan {
  removals: Leftover[];
  protectedBreakGlass: Leftover[];
  failed?: RemovalFailed;
}

/** Everything the run means to do, decided before anything is changed. */
interface RunPlan {
  plan: RevocationPlan;
  leftovers: LeftoverPlan;
  reminders: DueReminder[];
  /** Assignments the plan removes as unapproved, lower-cased. */
  unapprovedGuids: Set<string>;
  auditTakenAt?: string;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export async function revokeExpired(deps: RevokeDeps, options: { dryRun?: boolean } = {}): Promise<RevocationReport> {
  const dryRun = options.dryRun ?? deps.config.revoke.dryRun;
  const now = deps.clock.now();
  const run = await planRun(deps, now);
  const report = plannedReport(run, now, dryRun);
  if (!dryRun) await executeRun(deps, run, report);
  return report;
}

async function planRun(deps: RevokeDeps, now: Date): Promise<RunPlan> {
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
  return { plan, leftovers, reminders, unapprovedGuids, auditTakenAt: audit?.takenAt };
}

function plannedReport(run: RunPlan, now: Date, dryRun: boolean): RevocationReport {
  const { plan, leftovers } = run;
  return {
    at: now.toISOString(),
    dryRun,
    auditTakenAt: run.auditTakenAt,
    planned: [...plan.removals.map(describeRemoval), ...leftovers.removals.map(describeLeftover)],
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
    reminders: run.reminders.map((r) => ({
      grantId: r.grant.id,
      principal: r.grant.principal,
      offset: r.offset,
      expiresAt: r.expiresAt,
    })),
  };
}

async function executeRun(deps: RevokeDeps, run: RunPlan, report: RevocationReport): Promise<void> {
  const { plan, leftovers, reminders } = run;
  // Unapproved removals an earlier run started: only read where such removals happen at all.
  const claims = deps.config.unapproved.action === 'revoke' ? await deps.store.removals.list() : [];
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
  else await removeAll(deps, run, report, journalSeq, claims);
  // Claims the plan no longer holds: a later audit saw the holder gone (the dead run removed it) or kept.
  for (const claim of claims)
    if (!run.unapprovedGuids.has(claim.assignment.guid.toLowerCase())) await finishUnplannedClaim(deps, claim, report);
  const needsPerson = await alertNeedsPerson(deps, plan.protections, intentOf);
  if (needsPerson) alerted.add(needsPerson);
  await finishStaleAlerts(deps, intents, alerted);
  for (const due of reminders) await sendReminder(deps, due, report, journalSeq);
}

/**
 * Several at a time (the Exchange client batches their independent calls and bounds its connections); each removal
 * records its own failure, so one grant never blocks another.
 */
async function removeAll(
  deps: RevokeDeps,
  run: RunPlan,
  report: RevocationReport,
  journalSeq: number,
  claims: UnapprovedRemovalClaim[],
): Promise<void> {
  const claimOf = new Map(claims.map((c) => [c.assignment.guid.toLowerCase(), c]));
  await mapLimited(run.plan.removals, REMOVALS_AT_ONCE, (removal) =>
    removal.kind === 'grant'
      ? revokeGrant(deps, removal, report, journalSeq)
      : removeUnapproved(deps, removal, report, journalSeq, claimOf.get(removal.assignment.guid.toLowerCase())),
  );
  await mapLimited(run.leftovers.removals, REMOVALS_AT_ONCE, (leftover) => removeLeftover(deps, leftover, report));
}

/** A failed read of the grant-named assignments is reported, and never keeps the run from revoking expired grants. */
async function leftoverPlan(deps: RevokeDeps): Promise<LeftoverPlan> {
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
