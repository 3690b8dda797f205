/**
 * The journal entries of an audit run's holder and finding changes (lib/audit/journaledChanges.ts reads
 * them back for a run that repeats a dead one's work).
 */
import { WATCHDOG_ACTOR } from '../grants/grantDeps.js';
import type { Finding } from '../domain.js';
import type { BreakGlassUse, FindingChange, JournalEntryInput, JournalEvent } from '../ports/index.js';
import type { HolderChanges } from './snapshotChanges.js';

function event(e: JournalEvent, subject: string, at: string): JournalEntryInput {
  return { ...e, actor: WATCHDOG_ACTOR, subject, at };
}

export function holderEvents(changes: HolderChanges, at: string): JournalEntryInput[] {
  return [
    ...changes.added.map((holder) => event({ type: 'holder.added', data: { holder } }, holder.key, at)),
    ...changes.changed.map(({ holder, previous }) =>
      event({ type: 'holder.changed', data: { holder, previous } }, holder.key, at),
    ),
    ...changes.removed.map((holder) => event({ type: 'holder.removed', data: { holder } }, holder.key, at)),
  ];
}

/** Characters of holder names a journaled finding keeps: an entry must fit one Table Storage property. */
const JOURNAL_HOLDER_CHARS = 16_000;

/**
 * A finding by cause may name thousands of holders; its journal entry keeps the first that fit and the count
 * (`holderCount`), and the snapshot journaled beside it keeps every holder.
 */
export function journalFinding<F extends Finding>(finding: F): F {
  const list = finding.holders;
  if (!list) return finding;
  let chars = 0;
  const kept = list.filter((h) => (chars += h.length + 3) <= JOURNAL_HOLDER_CHARS);
  return kept.length === list.length ? finding : { ...finding, holders: kept, holderCount: list.length };
}

export function findingEvents(change: FindingChange, at: string): JournalEntryInput[] {
  const useEvent = (type: 'breakglass.detected' | 'breakglass.cleared', use: BreakGlassUse) =>
    event({ type, data: { holder: use.holder } }, use.holderKey, at);
  return [
    ...change.opened.map((finding) =>
      event({ type: 'finding.opened', data: { finding: journalFinding(finding) } }, finding.id, at),
    ),
    ...change.resolved.map((finding) =>
      event({ type: 'finding.resolved', data: { finding: journalFinding(finding) } }, finding.id, at),
    ),
    ...change.breakGlassDetected.map((use) => useEvent('breakglass.detected', use)),
    ...change.breakGlassCleared.map((use) => useEvent('breakglass.cleared', use)),
  ];
}
