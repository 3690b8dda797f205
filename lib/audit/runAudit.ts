/**
 * The audit job (auditTimer and `mie-watchdog audit`): complete holder read -> snapshot (written only
 * on change) -> diff against grants -> findings (opened / resolved) -> one alert email per run with a
 * change, and a daily digest; with WATCHDOG_AUDIT_LOG_QUERY, new findings are attributed from the audit log
 * (lib/audit/attributeFindings.ts, best effort). Any failed read or write fails the run and is recorded as run health,
 * with what the run had stored by then and what it had not (lib/audit/auditProgress.ts).
 *
 * Crash safety: holder and finding events are journaled before the snapshot / findings state moves,
 * and the alert is sent before the finding rows are written, with an idempotency key made of the
 * findings generation and the target open set. A run that dies half-way is repeated by the next one
 * with the same key: the alert is not sent twice and nothing is lost (at worst an event is journaled twice).
 */
import { createHash } from 'node:crypto';
import type { Finding, Holder, Snapshot } from '../domain.js';
import {
  type Clock,
  type Directory,
  type ExchangeRbac,
  type JournalEntryInput,
  type Logger,
  type Mailer,
  type Store,
  ConflictError,
} from '../ports/index.js';
import type { BreakGlassUse, FindingChange, FindingState, SnapshotState, StoredFinding } from '../ports/index.js';
import { attributeFindings } from './attributeFindings.js';
import { AuditProgress, count } from './auditProgress.js';
import { journaledHolders, journaledOpenSet, journalTail, storedChange } from './journaledChanges.js';
import { collectHolders } from './collectHolders.js';
import { diff, type AuditPolicy } from './diff.js';
import { renderAlert, renderDigest, renderFailure, type RenderedEmail } from './renderAlert.js';
import { holderChanges, snapshotHash, type HolderChanges } from './snapshotChanges.js';

export interface AuditDeps {
  exchange: ExchangeRbac;
  directory: Directory;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  store: Pick<Store, 'grants' | 'journal' | 'snapshots' | 'findings'>;
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
  /** Hears each step of the run as it happens (the CLI's progress); never needed for the result. */
  onProgress?: (step: string) => void;
}

export interface SentAlert {
  kind: 'drift' | 'digest' | 'audit-failing' | 'attribution';
  subject: string;
  idempotencyKey: string;
  /** 'deferred': ACS was throttling; the alert waits in the outbox for the next revocation run. */
  status: 'sent' | 'duplicate' | 'deferred';
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
}

const ACTOR = 'watchdog';

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

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What the open set should be after this run: finding ids and break-glass holder keys. */
export function openSetHash(findings: Finding[], breakGlass: Holder[]): string {
  const ids = [...findings.map((f) => `f|${f.id}`), ...breakGlass.map((h) => `b|${h.key}`)].sort();
  return sha256(ids.join('\n'));
}

async function appendAll(store: AuditDeps['store'], entries: JournalEntryInput[]): Promise<void> {
  if (entries.length) await store.journal.appendMany(entries);
}

function holderEvents(changes: HolderChanges, at: string): JournalEntryInput[] {
  return [
    ...changes.added.map((holder) => ({
      type: 'holder.added',
      actor: ACTOR,
      subject: holder.key,
      at,
      data: { holder },
    })),
    ...changes.changed.map(({ holder, previous }) => ({
      type: 'holder.changed',
      actor: ACTOR,
      subject: holder.key,
      at,
      data: { holder, previous },
    })),
    ...changes.removed.map((holder) => ({
      type: 'holder.removed',
      actor: ACTOR,
      subject: holder.key,
      at,
      data: { holder },
    })),
  ];
}

function findingEvents(change: FindingChange, at: string): JournalEntryInput[] {
  return [
    ...change.opened.map((finding) => ({
      type: 'finding.opened',
      actor: ACTOR,
      subject: finding.id,
      at,
      data: { finding },
    })),
    ...change.resolved.map((finding) => ({
      type: 'finding.resolved',
      actor: ACTOR,
      subject: finding.id,
      at,
      data: { finding },
    })),
    ...change.breakGlassDetected.map((use) => ({
      type: 'breakglass.detected',
      actor: ACTOR,
      subject: use.holderKey,
      at,
      data: { holder: use.holder },
    })),
    ...change.breakGlassCleared.map((use) => ({
      type: 'breakglass.cleared',
      actor: ACTOR,
      subject: use.holderKey,
      at,
      data: { holder: use.holder },
    })),
  ];
}

/** A claim older than this is a run that died: the next run takes over (shorter than the audit interval). */
const CLAIM_LEASE_MS = 10 * 60_000;

/** Claimed (lastRunAt moved) but neither committed nor failed since, and not yet abandoned. */
function claimedByAnotherRun(state: SnapshotState, now: Date): boolean {
  const claimedAt = state.lastRunAt;
  if (!claimedAt || [state.lastSuccessAt, state.lastErrorAt].some((t) => t !== undefined && t >= claimedAt))
    return false;
  return now.getTime() - Date.parse(claimedAt) < CLAIM_LEASE_MS;
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
    const email = renderFailure({
      tenant: options.tenant,
      at,
      failures: state.consecutiveFailures,
      lastError: message,
      lastSuccessAt: state.lastSuccessAt,
    });
    await send(
      deps,
      options,
      'audit-failing',
      email,
      `audit-failing|${options.tenant}|${state.lastSuccessAt ?? 'never'}`,
    );
  } catch (error) {
    deps.logger.error(`Could not send the audit-failing alert: ${messageOf(error)}`);
  }
}

/**
 * Sends one alert and journals it once: `recoverAfter` is the seq of a pending intent an earlier run left,
 * which may have sent this alert (a duplicate now) and died before or after journaling it.
 */
async function send(
  deps: AuditDeps,
  options: AuditOptions,
  kind: SentAlert['kind'],
  email: RenderedEmail,
  keySource: string,
  recoverAfter?: number,
): Promise<SentAlert> {
  const idempotencyKey = `audit-${kind}-${sha256(keySource).slice(0, 40)}`;
  const res = await deps.mailer.send({
    to: options.alertRecipients,
    subject: email.subject,
    html: email.html,
    text: email.text,
    idempotencyKey,
  });
  // A throttled send waits in the outbox: journaled as deferred now, as sent when a later run sends it.
  const type = res.status === 'deferred' ? 'alert.deferred' : 'alert.sent';
  const entry = {
    id: `${type}|${idempotencyKey}`,
    type,
    actor: ACTOR,
    subject: idempotencyKey,
    data: { to: options.alertRecipients, subject: email.subject, kind },
  };
  if (res.status === 'sent' || res.status === 'deferred') await deps.store.journal.append(entry);
  else if (recoverAfter !== undefined) await deps.store.journal.appendOnce([entry], recoverAfter);
  return { kind, subject: email.subject, idempotencyKey, status: res.status };
}

async function auditOnce(
  deps: AuditDeps,
  options: AuditOptions,
  now: Date,
  progress: AuditProgress,
): Promise<AuditResult> {
  const at = now.toISOString();
  const { snapshots, findings: findingStore } = deps.store;
  progress.phase('reading the holders from Exchange Online and Microsoft Graph');
  const snapshot = await collectHolders(
    { exchange: deps.exchange, directory: deps.directory, logger: deps.logger, concurrency: options.concurrency },
    now,
  );

  progress.phase(`read ${count(snapshot.holders.length, 'holder')}`);

  // 1. Snapshot: unchanged content costs one read and one health write.
  const before = await snapshots.state();
  progress.startedAt(before.version);
  const hash = snapshotHash(snapshot);
  let after: SnapshotState;
  let committedPrevious: Snapshot | undefined;
  let changes: HolderChanges = { added: [], removed: [], changed: [] };
  if (before.hash === hash && before.pendingJournalSeq === undefined) {
    after = await snapshots.recordSuccess(at, before);
    progress.done('snapshot', `the run health (snapshot version ${after.version} unchanged)`);
  } else {
    // Claimed first: a concurrent run that read the same state, or that reads it while this run is
    // journaling, stops here, before journaling or mailing.
    if (claimedByAnotherRun(before, now))
      throw new ConflictError(
        `Another audit run claimed the snapshot at ${before.lastRunAt} and has not finished; this run leaves the change to it.`,
      );
    // The claim is the intent: it records where this change's journal entries start, for a run that repeats it.
    const claimed = await snapshots.claim(at, before, before.pendingJournalSeq ?? (await deps.store.journal.headSeq()));
    committedPrevious = before.version ? await snapshots.load(before.version) : undefined;
    let journaled = committedPrevious?.holders ?? [];
    // An earlier run died between journaling and committing: start from what it journaled.
    if (before.pendingJournalSeq !== undefined)
      journaled = journaledHolders(journaled, await journalTail(deps.store.journal, before.pendingJournalSeq));
    changes = holderChanges(journaled, snapshot.holders);
    const events = holderEvents(changes, at);
    progress.plan('snapshot', `snapshot version ${before.version + 1} (${count(snapshot.holders.length, 'holder')})`);
    progress.plan('holder-events', `the journal entries of ${count(events.length, 'holder change')}`);
    await appendAll(deps.store, events);
    progress.done('holder-events', `the journal entries of ${count(events.length, 'holder change')}`);
    after = await snapshots.commit(snapshot, hash, claimed);
    progress.done('snapshot', `snapshot version ${after.version} (${count(snapshot.holders.length, 'holder')})`);
  }

  progress.phase('comparing with the grants');
  // 2. Diff against grants; `changed` is raised against the snapshot the findings were last computed on.
  const [grants, state] = await Promise.all([deps.store.grants.list(), findingStore.state()]);
  const basis =
    state.snapshotVersion && state.snapshotVersion !== after.version
      ? state.snapshotVersion === before.version && committedPrevious
        ? committedPrevious
        : await snapshots.load(state.snapshotVersion)
      : undefined;
  const openChanged = state.openChanged > 0 ? await findingStore.listOpen({ kind: 'changed' }) : [];
  const policy: AuditPolicy = { breakGlass: options.breakGlass };
  const result = diff(snapshot, grants, policy, now, { previous: basis, openChanged });
  const targetHash = openSetHash(result.findings, result.breakGlass);

  const emails: SentAlert[] = [];
  let opened: StoredFinding[] = [];
  let resolved: StoredFinding[] = [];
  let open: StoredFinding[] | undefined;
  let breakGlassOpen: BreakGlassUse[] | undefined;
  let nextState: FindingState = state;

  const day = at.slice(0, 10);
  const digestDue = now.getUTCHours() >= options.digestHourUtc && state.lastDigestDay !== day;
  // Set when an earlier run died after its intent: its alerts and finding entries follow this seq.
  const recoverAfter = state.pendingJournalSeq;
  if (recoverAfter === undefined && (targetHash !== state.openHash || digestDue)) {
    // The intent, before any alert or finding entry: where this run's entries start.
    progress.plan('findings', 'the open findings');
    nextState = await findingStore.saveState({ ...state, pendingJournalSeq: await deps.store.journal.headSeq() });
  }

  if (targetHash !== state.openHash || recoverAfter !== undefined) {
    // 3. The open set moved: find what opened and resolved, alert, journal, then store.
    const [storedOpen, storedBreakGlass] = await Promise.all([findingStore.listOpen(), findingStore.listBreakGlass()]);
    // What a dead run journaled is history already: this run's change starts from it.
    const journaled =
      recoverAfter === undefined
        ? undefined
        : journaledOpenSet(storedOpen, storedBreakGlass, await journalTail(deps.store.journal, recoverAfter));
    const openBefore = journaled?.open ?? storedOpen;
    const bgBefore = journaled?.breakGlass ?? storedBreakGlass;
    const openIds = new Map(openBefore.map((f) => [f.id, f]));
    const targetIds = new Set(result.findings.map((f) => f.id));
    opened = result.findings.filter((f) => !openIds.has(f.id)).map((f) => ({ ...f, firstSeen: at }));
    const lastSeen = before.lastSuccessAt;
    resolved = openBefore
      .filter((f) => !targetIds.has(f.id))
      .map((f) => ({ ...f, lastSeen: lastSeen ?? f.firstSeen, resolvedAt: at }));
    const bgKeys = new Map(bgBefore.map((u) => [u.holderKey, u]));
    const bgTarget = new Set(result.breakGlass.map((h) => h.key));
    const change: FindingChange = {
      opened,
      resolved,
      breakGlassDetected: result.breakGlass
        .filter((h) => !bgKeys.has(h.key))
        .map((holder) => ({ holderKey: holder.key, principal: holder.principal, holder, firstSeen: at })),
      breakGlassCleared: bgBefore.filter((u) => !bgTarget.has(u.holderKey)).map((u) => ({ ...u, clearedAt: at })),
    };
    open = [...openBefore.filter((f) => targetIds.has(f.id)), ...opened];
    breakGlassOpen = [...bgBefore.filter((u) => bgTarget.has(u.holderKey)), ...change.breakGlassDetected];
    const anything =
      opened.length + resolved.length + change.breakGlassDetected.length + change.breakGlassCleared.length > 0;
    const changeText = `the open findings (${opened.length} opened, ${resolved.length} resolved)`;
    progress.plan('findings', changeText);
    if (anything) {
      const events = findingEvents(change, at);
      progress.plan('drift-alert', 'the drift alert email');
      progress.plan('finding-events', `the journal entries of ${count(events.length, 'finding change')}`);
      const email = renderAlert({ tenant: options.tenant, at, ...change, openCount: open.length });
      emails.push(
        await send(
          deps,
          options,
          'drift',
          email,
          `drift|${options.tenant}|${state.generation}|${targetHash}`,
          recoverAfter,
        ),
      );
      progress.done('drift-alert', 'the drift alert email (sent)');
      await appendAll(deps.store, events);
      progress.done('finding-events', `the journal entries of ${count(events.length, 'finding change')}`);
    }
    const toStore = journaled
      ? storedChange({ open: storedOpen, breakGlass: storedBreakGlass }, journaled, change, {
          open,
          breakGlass: breakGlassOpen,
        })
      : change;
    nextState = await findingStore.apply(toStore, {
      ...nextState,
      openHash: targetHash,
      generation: state.generation + 1,
      openCount: open.length,
      openChanged: open.filter((f) => f.kind === 'changed').length,
      snapshotVersion: after.version,
      // The digest below still needs the intent; otherwise this is the state that completes it.
      pendingJournalSeq: digestDue ? nextState.pendingJournalSeq : undefined,
    });
    progress.done('findings', changeText);
  } else if (state.snapshotVersion !== after.version && !digestDue) {
    progress.plan('findings', `the findings state (computed on snapshot version ${after.version})`);
    nextState = await findingStore.saveState({ ...nextState, snapshotVersion: after.version });
    progress.done('findings', `the findings state (computed on snapshot version ${after.version})`);
  }

  // 4. The daily digest, once per UTC day from the configured hour.
  if (digestDue) {
    const [openNow, bgNow] = await Promise.all([
      open ?? findingStore.listOpen(),
      breakGlassOpen ?? findingStore.listBreakGlass(),
    ]);
    if (openNow.length || bgNow.length) {
      progress.plan('digest', `the daily digest email of ${day}`);
      const email = renderDigest({ tenant: options.tenant, at, open: openNow, breakGlass: bgNow, lastSuccessAt: at });
      emails.push(await send(deps, options, 'digest', email, `digest|${options.tenant}|${day}`, recoverAfter));
      progress.done('digest', `the daily digest email of ${day} (sent)`);
    }
    progress.plan('digest-day', `the record that the digest of ${day} is done`);
    await findingStore.saveState({
      ...nextState,
      snapshotVersion: after.version,
      lastDigestDay: day,
      pendingJournalSeq: undefined,
    });
    progress.done('digest-day', `the record that the digest of ${day} is done`);
  }

  // 5. Who made the new findings' changes: best effort, after everything above is stored.
  if (options.auditLogQuery) {
    const sent = await attributeFindings(deps, {
      tenant: options.tenant,
      alertRecipients: options.alertRecipients,
      state: after,
      opened,
      snapshot,
    });
    emails.push(...sent.map((e) => ({ kind: 'attribution' as const, ...e })));
  }

  deps.logger.info('Audit complete', {
    holders: snapshot.holders.length,
    findings: result.findings.length,
    opened: opened.length,
    resolved: resolved.length,
    snapshotVersion: after.version,
    snapshotChanged: before.hash !== hash,
  });
  return {
    takenAt: at,
    snapshotVersion: after.version,
    snapshotChanged: before.hash !== hash,
    holders: snapshot.holders,
    findings: result.findings,
    breakGlass: result.breakGlass,
    opened,
    resolved,
    holderChanges: { added: changes.added.length, removed: changes.removed.length, changed: changes.changed.length },
    emails,
  };
}
