/**
 * Who made a change (WATCHDOG_AUDIT_LOG_QUERY): a run that opens new unapproved or changed findings starts
 * one Purview audit log query (Graph beta, asynchronous) for the Exchange admin cmdlets that give the role or
 * change an assignment of it, and keeps it pending on the snapshot state row. Each later run polls each pending query once; a succeeded
 * query's records are matched to its findings (lib/audit/matchAuditRecords.ts), journaled as
 * `finding.attributed`, and sent in one email (lib/audit/renderAttribution.ts).
 *
 * Best effort: any error here (a 403 without AuditLogsQuery-Exchange.Read.All included) is logged as a
 * warning and never fails the audit or holds back its snapshot.
 */
import type { Snapshot } from '../domain.js';
import { WATCHDOG_ACTOR } from '../grants/grantDeps.js';
import { PermissionError } from '../ports/index.js';
import type {
  AttributionTarget,
  AuditLogQuery,
  Clock,
  Directory,
  JournalEntryInput,
  Logger,
  Mailer,
  PendingAttribution,
  SnapshotState,
  Store,
  StoredFinding,
} from '../ports/index.js';
import {
  ATTRIBUTION_OPERATIONS,
  attributionTargets,
  matchRecords,
  queryStart,
  type Attribution,
} from './matchAuditRecords.js';
import { renderAttribution } from './renderAttribution.js';
import { recipients } from '../notify/notice.js';
import { alertEntry, deliverToChannels, emailOf, sendEmail, type NotifyDeps } from '../notify/sendNotice.js';
import { alertIdempotencyKey } from './sendAuditAlert.js';

/** A query not succeeded after this long is dropped. */
const MAX_PENDING_MS = 24 * 3_600_000;
/** Findings per query: the pending list lives on one table row. */
const MAX_TARGETS = 100;

export interface AttributionDeps {
  directory: Pick<Directory, 'startAuditLogQuery' | 'getAuditLogQuery' | 'listAuditLogRecords'>;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  store: Pick<Store, 'journal' | 'snapshots'>;
  notify?: NotifyDeps;
}

export interface AttributionInput {
  tenant: string;
  alertRecipients: string[];
  /** The snapshot state after this run's commit (its ETag guards the write of the pending list). */
  state: SnapshotState;
  /** Findings this run opened. */
  opened: StoredFinding[];
  snapshot: Snapshot;
}

export interface AttributionEmail {
  subject: string;
  idempotencyKey: string;
  status: 'sent' | 'duplicate' | 'deferred';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Polls what is pending and starts a query for new findings; returns the attribution emails sent. Never throws. */
export async function attributeFindings(deps: AttributionDeps, input: AttributionInput): Promise<AttributionEmail[]> {
  const pending = input.state.attribution ?? [];
  const targets = attributionTargets(input.opened, input.snapshot);
  if (!pending.length && !targets.length) return [];
  const emails: AttributionEmail[] = [];
  const next: PendingAttribution[] = [];
  for (const query of pending) {
    const outcome = await pollSafely(deps, input, query);
    if (outcome === 'pending') next.push(query);
    else if (outcome) emails.push(outcome);
  }
  if (targets.length) {
    const started = await startQuery(deps, input, targets);
    if (started) next.push(started);
  }
  if (JSON.stringify(next) !== JSON.stringify(pending))
    await bestEffort(deps.logger, 'Could not store the pending audit log queries', () =>
      deps.store.snapshots.saveAttribution(next, input.state),
    );
  return emails;
}

/** A step whose failure must not fail the audit: logged as a warning after `what`, and undefined. */
async function bestEffort<T>(logger: Logger, what: string, step: () => Promise<T>): Promise<T | undefined> {
  try {
    return await step();
  } catch (error) {
    logger.warn(`${what}: ${messageOf(error)}`);
    return undefined;
  }
}

/** A query Graph refuses to show (403) is dropped; any other failure keeps it for the next run. */
async function pollSafely(
  deps: AttributionDeps,
  input: AttributionInput,
  query: PendingAttribution,
): Promise<'pending' | AttributionEmail | undefined> {
  try {
    return await pollOnce(deps, input, query);
  } catch (error) {
    if (error instanceof PermissionError) {
      deps.logger.warn(`Audit log query ${query.queryId} dropped: ${messageOf(error)}`);
      return undefined;
    }
    deps.logger.warn(
      `Audit log query ${query.queryId} could not be read this run; it is tried again next run. ${messageOf(error)}`,
    );
    return 'pending';
  }
}

async function startQuery(
  deps: AttributionDeps,
  input: AttributionInput,
  all: AttributionTarget[],
): Promise<PendingAttribution | undefined> {
  const targets = all.slice(0, MAX_TARGETS);
  if (all.length > targets.length)
    deps.logger.warn(`${all.length} new findings; only the first ${targets.length} are attributed.`);
  const now = deps.clock.now();
  return bestEffort(
    deps.logger,
    'Could not start the audit log query that names who made the new findings',
    async () => {
      const query = await deps.directory.startAuditLogQuery({
        displayName: `MIE watchdog attribution ${now.toISOString()}`,
        from: queryStart(targets, input.snapshot.assignments, now).toISOString(),
        to: now.toISOString(),
        operations: [...ATTRIBUTION_OPERATIONS],
      });
      deps.logger.info('Audit log query started to find who made the new findings', {
        queryId: query.id,
        findings: targets.length,
      });
      return { queryId: query.id, startedAt: now.toISOString(), findings: targets };
    },
  );
}

/** One GET; 'pending' keeps the query, undefined drops it, an email means it was reported. */
async function pollOnce(
  deps: AttributionDeps,
  input: AttributionInput,
  pending: PendingAttribution,
): Promise<'pending' | AttributionEmail | undefined> {
  if (deps.clock.now().getTime() - Date.parse(pending.startedAt) > MAX_PENDING_MS) {
    deps.logger.warn(
      `Audit log query ${pending.queryId} started at ${pending.startedAt} has not completed within a day; dropped.`,
    );
    return undefined;
  }
  const query = await deps.directory.getAuditLogQuery(pending.queryId);
  const dropped = droppedBecause(query);
  if (dropped) {
    deps.logger.warn(`Audit log query ${pending.queryId} ${dropped}; dropped.`);
    return undefined;
  }
  if (query?.status !== 'succeeded') return 'pending';
  const records = await deps.directory.listAuditLogRecords(pending.queryId);
  const found = matchRecords(pending.findings, records);
  if (!found.length) {
    deps.logger.info('Audit log query completed; no record names who made the new findings', {
      queryId: pending.queryId,
      records: records.length,
    });
    return undefined;
  }
  return report(deps, input, pending, found);
}

function droppedBecause(query: AuditLogQuery | undefined): string | undefined {
  if (!query) return 'no longer exists';
  if (query.status === 'failed' || query.status === 'cancelled') return query.status;
  return undefined;
}

/** Sends the attribution email and journals each attribution with the alert in one batch. */
async function report(
  deps: AttributionDeps,
  input: AttributionInput,
  pending: PendingAttribution,
  found: Attribution[],
): Promise<AttributionEmail> {
  const body = renderAttribution({
    tenant: input.tenant,
    at: deps.clock.now().toISOString(),
    targets: pending.findings,
    found,
  });
  const idempotencyKey = alertIdempotencyKey('attribution', `attribution|${input.tenant}|${pending.queryId}`);
  const notice = { ...body, to: recipients(input.alertRecipients), key: idempotencyKey };
  await deliverToChannels(deps, notice);
  const res = await sendEmail(deps, notice);
  const entries: JournalEntryInput[] = found.map((a) => ({
    type: 'finding.attributed',
    actor: WATCHDOG_ACTOR,
    subject: a.findingId,
    data: { by: a.by, at: a.at, operation: a.operation },
  }));
  if (res.status !== 'duplicate') {
    // Journaled in one batch with the attributions and, unlike the other alerts, without an event id.
    const { id: _id, ...alert } = alertEntry(idempotencyKey, res.status, emailOf(notice));
    entries.push(alert);
  }
  await deps.store.journal.appendMany(entries);
  return { subject: emailOf(notice).subject, idempotencyKey, status: res.status };
}
