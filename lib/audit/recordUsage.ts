/**
 * The usage ledger (WATCHDOG_USAGE_LEDGER): after each audit, one Purview audit log search (Graph beta,
 * asynchronous) for the operations that use the power. A run polls the search in flight once; a completed one's
 * records are tied to the grant window each fell in (lib/audit/usageWindows.ts), recorded once by audit record id,
 * and those outside every approved window are journaled and sent as one critical notice. Then the next search
 * starts, overlapping the last one by the lookback because records reach the audit log up to hours late.
 *
 * Best effort: an audit log that cannot be read (a 403 without the permission, an outage) is a warning in the
 * outcome and the log; it never fails the audit, and the next run carries on from what completed.
 */
import type { Holder } from '../domain.js';
import { WATCHDOG_ACTOR } from '../grants/grantDeps.js';
import { recipients } from '../notify/notice.js';
import { sendNotice, type NotifyDeps } from '../notify/sendNotice.js';
import type { Clock, Directory, Logger, Mailer, RecordedUse, Store, UsageQueryState } from '../ports/index.js';
import { alertIdempotencyKey, type SentAlert } from './sendAuditAlert.js';
import { subjectLine } from '../notify/emailLayout.js';
import { renderUsageAlert } from './renderUsageAlert.js';
import { matchUses, nextQueryWindow, usageQuery, type UsageScope } from './usageWindows.js';

/** A search not completed after this long is dropped; the next one covers its window again. */
const MAX_PENDING_MS = 24 * 3_600_000;

export interface UsageDeps {
  directory: Pick<Directory, 'startAuditLogQuery' | 'getAuditLogQuery' | 'listAuditLogRecords'>;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  store: Pick<Store, 'journal' | 'grants' | 'usage'>;
  notify?: NotifyDeps;
}

export interface UsageOptions {
  tenant: string;
  alertRecipients: string[];
  scope: UsageScope;
  /** How far each search reaches back before where the last one ended. */
  lookbackMs: number;
  /** The watchdog's own app ids (empty when unknown). */
  selfIds: string[];
}

/** What this run did: `ok` (a search completed or started), `pending` (still running), `stale` (the audit log could not be read: the warning says why). */
export interface UsageOutcome {
  status: 'ok' | 'pending' | 'stale';
  /** Uses recorded this run, and how many of them were outside an approved window. */
  recorded: number;
  outside: number;
  /** How far completed searches have covered the audit log. */
  coveredUntil?: string;
  warning?: string;
  /** The critical notice of this run's uses outside a window, when there were any. */
  email?: SentAlert;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Polls the search in flight, records what it found, starts the next one. Never throws. */
export async function recordUsage(deps: UsageDeps, options: UsageOptions, holders: Holder[]): Promise<UsageOutcome> {
  let state: UsageQueryState;
  try {
    state = await deps.store.usage.state();
  } catch (error) {
    return stale(deps, `The usage ledger could not be read: ${messageOf(error)}`, undefined);
  }
  let recorded: Counts = { recorded: 0, outside: 0 };
  if (state.pending) {
    const polled = await poll(deps, options, holders, state);
    if (polled.kind === 'stale') return stale(deps, polled.warning, state.coveredUntil);
    if (polled.kind === 'pending')
      return { status: 'pending', recorded: 0, outside: 0, coveredUntil: state.coveredUntil };
    state = polled.state;
    recorded = polled.counts;
  }
  try {
    state = await startSearch(deps, options, state);
  } catch (error) {
    return stale(
      deps,
      `The next audit log search for the usage ledger could not start: ${messageOf(error)}`,
      state.coveredUntil,
      recorded,
    );
  }
  return { status: 'ok', ...recorded, coveredUntil: state.coveredUntil };
}

type Counts = Pick<UsageOutcome, 'recorded' | 'outside' | 'email'>;

function stale(
  deps: UsageDeps,
  warning: string,
  coveredUntil: string | undefined,
  counts: Counts = { recorded: 0, outside: 0 },
): UsageOutcome {
  const until = coveredUntil ? ` It covers the audit log until ${coveredUntil}.` : '';
  deps.logger.warn(`${warning}${until} The audit itself is complete; the next run tries again.`);
  return { status: 'stale', ...counts, coveredUntil, warning: `${warning}${until}` };
}

type Polled =
  { kind: 'pending' } | { kind: 'stale'; warning: string } | { kind: 'done'; state: UsageQueryState; counts: Counts };

async function poll(
  deps: UsageDeps,
  options: UsageOptions,
  holders: Holder[],
  state: UsageQueryState,
): Promise<Polled> {
  const pending = state.pending as NonNullable<UsageQueryState['pending']>;
  try {
    const now = deps.clock.now();
    const query = await deps.directory.getAuditLogQuery(pending.queryId);
    const gone = !query || query.status === 'failed' || query.status === 'cancelled';
    const late = now.getTime() - Date.parse(pending.startedAt) > MAX_PENDING_MS;
    if (gone || (late && query.status !== 'succeeded')) {
      deps.logger.warn(
        `Usage ledger search ${pending.queryId} ${gone ? (query?.status ?? 'no longer exists') : 'has not completed within a day'}; dropped, the next search covers its window again.`,
      );
      return {
        kind: 'done',
        state: await deps.store.usage.saveState({ coveredUntil: state.coveredUntil }, state),
        counts: { recorded: 0, outside: 0 },
      };
    }
    if (query.status !== 'succeeded') return { kind: 'pending' };
    return await record(deps, options, holders, state, pending);
  } catch (error) {
    return { kind: 'stale', warning: `Usage ledger search ${pending.queryId} could not be read: ${messageOf(error)}` };
  }
}

/** The completed search's uses, each recorded once; those outside a window journaled and sent before the ledger moves. */
async function record(
  deps: UsageDeps,
  options: UsageOptions,
  holders: Holder[],
  state: UsageQueryState,
  pending: NonNullable<UsageQueryState['pending']>,
): Promise<Polled> {
  const [records, grants] = await Promise.all([
    deps.directory.listAuditLogRecords(pending.queryId),
    deps.store.grants.list(),
  ]);
  const now = deps.clock.now().toISOString();
  const uses = matchUses(records, { grants, holders, selfIds: options.selfIds, recordedAt: now });
  const known = await deps.store.usage.known(uses.map((u) => u.recordId));
  const fresh = uses.filter((u) => !known.has(u.recordId));
  const outside = fresh.filter((u) => u.window === 'outside');
  let current = state;
  let email: SentAlert | undefined;
  if (outside.length) {
    const journalSeq = pending.journalSeq ?? (await deps.store.journal.headSeq());
    if (pending.journalSeq === undefined)
      current = await deps.store.usage.saveState(
        { coveredUntil: state.coveredUntil, pending: { ...pending, journalSeq } },
        state,
      );
    await deps.store.journal.appendOnce(outside.map(outsideEntry), journalSeq);
    email = await alert(deps, options, pending.queryId, outside, journalSeq);
  }
  await deps.store.usage.record(fresh);
  const next = await deps.store.usage.saveState({ coveredUntil: pending.to }, current);
  deps.logger.info('Usage ledger search completed', {
    queryId: pending.queryId,
    records: records.length,
    uses: uses.length,
    recorded: fresh.length,
    outside: outside.length,
  });
  return { kind: 'done', state: next, counts: { recorded: fresh.length, outside: outside.length, email } };
}

function outsideEntry(use: RecordedUse) {
  return {
    id: `usage.outside-window|${use.recordId}`,
    type: 'usage.outside-window' as const,
    actor: WATCHDOG_ACTOR,
    subject: use.actor,
    at: use.recordedAt,
    data: { use: { ...use } },
  };
}

/** One critical notice per completed search; its key makes a repeated run's notice a duplicate. */
async function alert(
  deps: UsageDeps,
  options: UsageOptions,
  queryId: string,
  uses: RecordedUse[],
  journalSeq: number,
): Promise<SentAlert> {
  const body = renderUsageAlert({ tenant: options.tenant, at: deps.clock.now().toISOString(), uses });
  const key = alertIdempotencyKey('use-outside-window', `use-outside-window|${options.tenant}|${queryId}`);
  const notice = { ...body, to: recipients(options.alertRecipients), key };
  const status = await sendNotice(deps, notice, journalSeq);
  return { kind: 'use-outside-window', subject: subjectLine(notice), idempotencyKey: key, status };
}

async function startSearch(deps: UsageDeps, options: UsageOptions, state: UsageQueryState): Promise<UsageQueryState> {
  const now = deps.clock.now();
  const window = nextQueryWindow(state.coveredUntil, now, options.lookbackMs);
  const query = await deps.directory.startAuditLogQuery({
    displayName: `MIE watchdog usage ledger ${now.toISOString()}`,
    ...window,
    ...usageQuery(options.scope),
  });
  deps.logger.info('Usage ledger search started', { queryId: query.id, ...window });
  return deps.store.usage.saveState(
    { coveredUntil: state.coveredUntil, pending: { queryId: query.id, ...window, startedAt: now.toISOString() } },
    state,
  );
}
