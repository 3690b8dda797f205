/**
 * The journal entries of an audit run's holder and finding changes (lib/audit/journaledChanges.ts reads
 * them back for a run that repeats a dead one's work).
 */
import { WATCHDOG_ACTOR } from '../grants/grantDeps.js';
import type { Finding } from '../domain.js';
import type { BreakGlassUse, FindingChange, JournalEntryInput } from '../ports/index.js';
import type { HolderChanges } from './snapshotChanges.js';

function event(type: string, subject: string, at: string, data: JournalEntryInput['data']): JournalEntryInput {
  return { type, actor: WATCHDOG_ACTOR, subject, at, data };
}

export function holderEvents(changes: HolderChanges, at: string): JournalEntryInput[] {
  return [
    ...changes.added.map((holder) => event('holder.added', holder.key, at, { holder })),
    ...changes.changed.map(({ holder, previous }) => event('holder.changed', holder.key, at, { holder, previous })),
    ...changes.removed.map((holder) => event('holder.removed', holder.key, at, { holder })),
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
  const useEvent = (type: string, use: BreakGlassUse) => event(type, use.holderKey, at, { holder: use.holder });
  return [
    ...change.opened.map((finding) => event('finding.opened', finding.id, at, { finding: journalFinding(finding) })),
    ...change.resolved.map((finding) =>
      event('finding.resolved', finding.id, at, { finding: journalFinding(finding) }),
    ),
    ...change.breakGlassDetected.map((use) => useEvent('breakglass.detected', use)),
    ...change.breakGlassCleared.map((use) => useEvent('breakglass.cleared', use)),
  ];
}
