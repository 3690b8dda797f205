/**
 * The journal entries of an audit run's holder and finding changes (lib/audit/journaledChanges.ts reads
 * them back for a run that repeats a dead one's work).
 */
import { WATCHDOG_ACTOR } from '../grants/grantDeps.js';
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

export function findingEvents(change: FindingChange, at: string): JournalEntryInput[] {
  const useEvent = (type: string, use: BreakGlassUse) => event(type, use.holderKey, at, { holder: use.holder });
  return [
    ...change.opened.map((finding) => event('finding.opened', finding.id, at, { finding })),
    ...change.resolved.map((finding) => event('finding.resolved', finding.id, at, { finding })),
    ...change.breakGlassDetected.map((use) => useEvent('breakglass.detected', use)),
    ...change.breakGlassCleared.map((use) => useEvent('breakglass.cleared', use)),
  ];
}
