/**
 * The audit job (auditTimer and `mie-watchdog audit`): complete holder read -> snapshot (written only
 * on change) -> diff against grants -> findings (opened / resolved) -> one alert email per run with a
 * change, and a daily digest; with WATCHDOG_AUDIT_LOG_QUERY, new findings are attributed from the audit log
 * (lib/audit/attributeFindings.ts, best effort); with WATCHDOG_USAGE_LEDGER, what the power was used for is recorded
 * (lib/audit/recordUsage.ts, best effort, never failing the audit). Any failed read or write fails the run and is recorded as run health,
 * with what the run had stored by then and what it had not (lib/audit/auditProgress.ts).
 *
 * Crash safety: holder and finding events are journaled before the snapshot / findings state moves,
 * and the alert is sent before the finding rows are written, with an idempotency key made of the
 * findings generation and the target open set. A run that dies half-way is repeated by the next one
 * with the same key: the alert is not sent twice and nothing is lost (at worst an event is journaled twice).
 */
import type { NotifyDeps } from '../notify/sendNotice.js';
import type { Finding, Holder, Snapshot } from '../domain.js';
import type {
  Clock,
  ComplianceRoleGroups,
  Directory,
  ExchangeRbac,
  Logger,
  Mailer,
  SnapshotState,
  Store,
  StoredFinding,
} from '../ports/index.js';
import { ConflictError } from '../ports/index.js';
import { attributeFindings } from './attributeFindings.js';
import { recordUsage, type UsageOptions, type UsageOutcome } from './recordUsage.js';
import { AuditProgress, count } from './auditProgress.js';
import { collectHolders } from './collectHolders.js';
import { diff } from './diff.js';
import { openSetHash } from './findingChanges.js';
import { renderFailure } from './renderAlert.js';
import { sendAuditAlert, type SentAlert } from './sendAuditAlert.js';
import { sendDigest } from './sendDigest.js';
import { storeFindings, type FindingsRun, type StoredFindings } from './storeFindings.js';
import { storeSnapshot, type StoredSnapshot } from './storeSnapshot.js';

export interface AuditDeps {
  exchange: ExchangeRbac;
  directory: Directory;
  /** Purview role groups (the eDiscovery Export door), when that read is on. */
  compliance?: ComplianceRoleGroups;
  mailer: Mailer;
  notify?: NotifyDeps;
  clock: Clock;
  logger: Logger;
  store: Pick<Store, 'grants' | 'journal' | 'snapshots' | 'findings' | 'usage'>;
}

export interface AuditOptions {
  tenant: string;
  alertRecipients: string[];
  breakGlass: string[];
  digestHourUtc: number;
  /** Lookups in flight during the holder read. */
  concurrency?: number;
  /** Consecutive failed runs after which the security team is told the watchdog is blind. Default 3. */
  failuresBeforeAlert?: number;
  /** Name who made new findings' changes from the audit log (lib/audit/attributeFindings.ts). */
  auditLogQuery?: boolean;
  /** Record what the power was used for from the audit log (lib/audit/recordUsage.ts); off when absent. */
  usageLedger?: Omit<UsageOptions, 'tenant' | 'alertRecipients'>;
  /** Hears each step of the run as it happens (the CLI's progress); never needed for the result. */
  onProgress?: (step: string) => void;
}

export interface AuditResult {
  takenAt: string;
  snapshotVersion: number;
  snapshotChanged: boolean;
  holders: Holder[];
  /** Every open finding after this run (the four contract kinds only). */
  findings: Finding[];
  /** Break-glass principals holding the role: their own alert, never findings. */
  breakGlass: Holder[];
  opened: StoredFinding[];
  resolved: StoredFinding[];
  holderChanges: { added: number; removed: number; changed: number };
  emails: SentAlert[];
  /** The usage ledger's step, when it is on: `stale` with a warning when the audit log could not be read. */
  usage?: UsageOutcome;
}

/** Thrown when the run failed; the message says what failed and the run health was recorded. */
export class AuditFailedError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'AuditFailedError';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function runAudit(deps: AuditDeps, options: AuditOptions): Promise<AuditResult> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const progress = new AuditProgress(options.onProgress);
  try {
    return await auditOnce(deps, options, now, progress);
  } catch (error) {
    if (error instanceof ConflictError) {
      // Another run moved the same state first and does this run's work: not a failure of the watchdog.
      const message = `The audit of ${at} stopped: another audit run changed the stored state first and completes the work. ${messageOf(error)}`;
      deps.logger.warn(message);
      throw new AuditFailedError(message, error);
    }
    const message = `The audit of ${at} failed. ${progress.describe()} Cause: ${messageOf(error)}`;
    deps.logger.error(message);
    await recordFailure(deps, options, at, message);
    throw new AuditFailedError(message, error);
  }
}

async function recordFailure(deps: AuditDeps, options: AuditOptions, at: string, message: string): Promise<void> {
  let state: SnapshotState;
  try {
    state = await deps.store.snapshots.recordFailure(at, message);
  } catch (error) {
    deps.logger.error(`Could not record the failed audit run: ${messageOf(error)}`);
    return;
  }
  if (state.consecutiveFailures !== (options.failuresBeforeAlert ?? 3)) return;
  try {
    const notice = renderFailure({
      tenant: options.tenant,
      at,
      failures: state.consecutiveFailures,
      lastError: message,
      lastSuccessAt: state.lastSuccessAt,
    });
    const keySource = `audit-failing|${options.tenant}|${state.lastSuccessAt ?? 'never'}`;
    await sendAuditAlert(deps, options.alertRecipients, notice, keySource);
  } catch (error) {
    deps.logger.error(`Could not send the audit-failing alert: ${messageOf(error)}`);
  }
}

async function auditOnce(
  deps: AuditDeps,
  options: AuditOptions,
  now: Date,
  progress: AuditProgress,
): Promise<AuditResult> {
  progress.phase(
    `reading the holders from Exchange Online, Microsoft Graph${deps.compliance ? ' and Security & Compliance' : ''}`,
  );
  const { exchange, directory, compliance, logger } = deps;
  const snapshot = await collectHolders(
    { exchange, directory, compliance, logger, concurrency: options.concurrency },
    now,
  );
  progress.phase(`read ${count(snapshot.holders.length, 'holder')}`);
  const stored = await storeSnapshot(deps, snapshot, now, progress);
  progress.phase('comparing with the grants');
  const run = await diffAgainstGrants(deps, options, snapshot, stored, now);
  const findings = await storeFindings(deps, options, run, progress);
  const digest = run.digestDue ? await sendDigest(deps, options, run, findings, progress) : [];
  const attribution = await attribute(deps, options, snapshot, stored, findings);
  const usage = options.usageLedger
    ? await recordUsage(
        deps,
        { tenant: options.tenant, alertRecipients: options.alertRecipients, ...options.usageLedger },
        snapshot.holders,
      )
    : undefined;
  const emails = [...findings.emails, ...digest, ...attribution, ...(usage?.email ? [usage.email] : [])];
  const result = { ...auditResult(snapshot, stored, run, findings, emails), ...(usage ? { usage } : {}) };
  deps.logger.info('Audit complete', {
    holders: result.holders.length,
    findings: result.findings.length,
    opened: result.opened.length,
    resolved: result.resolved.length,
    snapshotVersion: result.snapshotVersion,
    snapshotChanged: result.snapshotChanged,
    ...(usage ? { usage: usage.status } : {}),
  });
  return result;
}

/** Step 2: what should be open; `changed` is raised against the snapshot the findings were last computed on. */
async function diffAgainstGrants(
  deps: AuditDeps,
  options: AuditOptions,
  snapshot: Snapshot,
  stored: StoredSnapshot,
  now: Date,
): Promise<FindingsRun> {
  const { snapshots, findings, grants: grantStore } = deps.store;
  const [grants, state] = await Promise.all([grantStore.list(), findings.state()]);
  const basis =
    state.snapshotVersion && state.snapshotVersion !== stored.after.version
      ? state.snapshotVersion === stored.before.version && stored.previous
        ? stored.previous
        : await snapshots.load(state.snapshotVersion)
      : undefined;
  const openChanged = state.openChanged > 0 ? await findings.listOpen({ kind: 'changed' }) : [];
  const target = diff(snapshot, grants, { breakGlass: options.breakGlass }, now, { previous: basis, openChanged });
  const at = now.toISOString();
  return {
    at,
    state,
    target,
    targetHash: openSetHash(target),
    snapshotVersion: stored.after.version,
    lastSuccessAt: stored.before.lastSuccessAt,
    digestDue: now.getUTCHours() >= options.digestHourUtc && state.lastDigestDay !== at.slice(0, 10),
  };
}

/** Step 5: who made the new findings' changes; best effort, after everything above is stored. */
async function attribute(
  deps: AuditDeps,
  options: AuditOptions,
  snapshot: Snapshot,
  stored: StoredSnapshot,
  findings: StoredFindings,
): Promise<SentAlert[]> {
  if (!options.auditLogQuery) return [];
  const sent = await attributeFindings(deps, {
    tenant: options.tenant,
    alertRecipients: options.alertRecipients,
    state: stored.after,
    opened: findings.opened,
    snapshot,
  });
  return sent.map((e) => ({ kind: 'attribution' as const, ...e }));
}

function auditResult(
  snapshot: Snapshot,
  stored: StoredSnapshot,
  run: FindingsRun,
  findings: StoredFindings,
  emails: SentAlert[],
): AuditResult {
  const { added, removed, changed } = stored.holderChanges;
  return {
    takenAt: run.at,
    snapshotVersion: stored.after.version,
    snapshotChanged: stored.changed,
    holders: snapshot.holders,
    findings: run.target.findings,
    breakGlass: run.target.breakGlass,
    opened: findings.opened,
    resolved: findings.resolved,
    holderChanges: { added: added.length, removed: removed.length, changed: changed.length },
    emails,
  };
}
