/**
 * Step 3 of an audit run: move the stored open set to what the diff says. The intent (where this run's
 * journal entries start) is stored before any alert or finding entry; a change is alerted, journaled,
 * then stored. A run that finds the intent of a dead run repeats its change from what that run journaled.
 */
import type { FindingState, Store, StoredFinding } from '../ports/index.js';
import { findingEvents } from './auditEvents.js';
import { count, type AuditProgress } from './auditProgress.js';
import type { DiffResult } from './diff.js';
import { findingChanges, isEmptyChange, type OpenSet } from './findingChanges.js';
import { journaledOpenSet, journalTail, storedChange } from './journaledChanges.js';
import { renderAlert } from './renderAlert.js';
import { sendAuditAlert, type AlertDeps, type SentAlert } from './sendAuditAlert.js';

/** What this run decided about the findings before storing any of it. */
export interface FindingsRun {
  at: string;
  /** The findings state as this run read it. */
  state: FindingState;
  target: DiffResult;
  targetHash: string;
  /** The snapshot version the target was computed on. */
  snapshotVersion: number;
  /** The last successful run before this one: when resolved findings were last seen. */
  lastSuccessAt?: string;
  /** The daily digest is due: the intent stays until it is sent. */
  digestDue: boolean;
}

export interface StoredFindings {
  opened: StoredFinding[];
  resolved: StoredFinding[];
  /** The open set after this run, when this run moved it. */
  after?: OpenSet;
  /** The findings state after this step. */
  state: FindingState;
  emails: SentAlert[];
}

type FindingsDeps = AlertDeps & { store: Pick<Store, 'journal' | 'findings'> };
interface AlertTarget {
  tenant: string;
  alertRecipients: string[];
}

export async function storeFindings(
  deps: FindingsDeps,
  options: AlertTarget,
  run: FindingsRun,
  progress: AuditProgress,
): Promise<StoredFindings> {
  const { state } = run;
  const moved = run.targetHash !== state.openHash;
  let next = state;
  if (state.pendingJournalSeq === undefined && (moved || run.digestDue)) {
    // The intent, before any alert or finding entry: where this run's entries start.
    progress.plan('findings', 'the open findings');
    next = await deps.store.findings.saveState({ ...state, pendingJournalSeq: await deps.store.journal.headSeq() });
  }
  if (moved || state.pendingJournalSeq !== undefined) return moveOpenSet(deps, options, run, next, progress);
  if (state.snapshotVersion !== run.snapshotVersion && !run.digestDue) {
    const what = `the findings state (computed on snapshot version ${run.snapshotVersion})`;
    progress.plan('findings', what);
    next = await deps.store.findings.saveState({ ...next, snapshotVersion: run.snapshotVersion });
    progress.done('findings', what);
  }
  return { opened: [], resolved: [], state: next, emails: [] };
}

/** Finds what opened and resolved, alerts, journals, then stores. */
async function moveOpenSet(
  deps: FindingsDeps,
  options: AlertTarget,
  run: FindingsRun,
  intent: FindingState,
  progress: AuditProgress,
): Promise<StoredFindings> {
  const { findings: findingStore, journal } = deps.store;
  const recoverAfter = run.state.pendingJournalSeq;
  const [storedOpen, storedBreakGlass] = await Promise.all([findingStore.listOpen(), findingStore.listBreakGlass()]);
  const stored: OpenSet = { open: storedOpen, breakGlass: storedBreakGlass };
  // What a dead run journaled is history already: this run's change starts from it.
  const journaled =
    recoverAfter === undefined
      ? undefined
      : journaledOpenSet(storedOpen, storedBreakGlass, await journalTail(journal, recoverAfter));
  const { change, after } = findingChanges(journaled ?? stored, run.target, run.at, run.lastSuccessAt);
  const changeText = `the open findings (${change.opened.length} opened, ${change.resolved.length} resolved)`;
  progress.plan('findings', changeText);
  const emails: SentAlert[] = [];
  if (!isEmptyChange(change)) {
    const events = findingEvents(change, run.at);
    const eventsText = `the journal entries of ${count(events.length, 'finding change')}`;
    progress.plan('drift-alert', 'the drift alert email');
    progress.plan('finding-events', eventsText);
    const notice = renderAlert({ tenant: options.tenant, at: run.at, ...change, openCount: after.open.length });
    const keySource = `drift|${options.tenant}|${run.state.generation}|${run.targetHash}`;
    emails.push(await sendAuditAlert(deps, options.alertRecipients, notice, keySource, recoverAfter));
    progress.done('drift-alert', 'the drift alert email (sent)');
    await journal.appendMany(events);
    progress.done('finding-events', eventsText);
  }
  const state = await findingStore.apply(journaled ? storedChange(stored, journaled, change, after) : change, {
    ...intent,
    openHash: run.targetHash,
    generation: run.state.generation + 1,
    openCount: after.open.length,
    openChanged: after.open.filter((f) => f.kind === 'changed').length,
    snapshotVersion: run.snapshotVersion,
    // The digest still needs the intent; otherwise this is the state that completes it.
    pendingJournalSeq: run.digestDue ? intent.pendingJournalSeq : undefined,
  });
  progress.done('findings', changeText);
  return { opened: change.opened, resolved: change.resolved, after, state, emails };
}
