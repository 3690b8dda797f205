/**
 * What a dead audit run journaled before it could store the state: the entries after the seq its intent
 * recorded. Its holder and finding changes are history already, so the run that repeats its work starts
 * from them (each change is identified by holder key or finding id within the pending change): what it
 * then journals is only what the dead run did not, and every change is journaled once.
 */
import type { Holder } from '../domain.js';
import type { Journal, JournalEntry } from '../ports/index.js';
import type { BreakGlassUse, FindingChange, StoredFinding } from '../ports/index.js';

export async function journalTail(journal: Pick<Journal, 'read'>, after: number): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  for await (const e of journal.read({ fromSeq: after + 1 })) out.push(e);
  return out;
}

/** The holders as the journal has them: `basis` with the holder.* entries of `tail` applied. */
export function journaledHolders(basis: Holder[], tail: JournalEntry[]): Holder[] {
  const byKey = new Map(basis.map((h) => [h.key, h]));
  for (const e of tail) {
    if (e.type === 'holder.added' || e.type === 'holder.changed') {
      if (e.data.holder) byKey.set(e.subject, e.data.holder);
    } else if (e.type === 'holder.removed') byKey.delete(e.subject);
  }
  return [...byKey.values()];
}

export interface JournaledOpenSet {
  open: StoredFinding[];
  breakGlass: BreakGlassUse[];
  /** Findings and break-glass uses the tail resolved or cleared, as journaled. */
  resolved: StoredFinding[];
  cleared: BreakGlassUse[];
}

/** The open findings and break-glass holders as the journal has them. */
export function journaledOpenSet(
  open: StoredFinding[],
  breakGlass: BreakGlassUse[],
  tail: JournalEntry[],
): JournaledOpenSet {
  const findings = new Map(open.map((f) => [f.id, f]));
  const uses = new Map(breakGlass.map((u) => [u.holderKey, u]));
  const resolved: StoredFinding[] = [];
  const cleared: BreakGlassUse[] = [];
  for (const e of tail) {
    if (e.type === 'finding.opened') findings.set(e.subject, e.data.finding as StoredFinding);
    else if (e.type === 'finding.resolved') {
      findings.delete(e.subject);
      resolved.push(e.data.finding as StoredFinding);
    } else if (e.type === 'breakglass.detected') {
      const holder = e.data.holder;
      uses.set(e.subject, { holderKey: e.subject, principal: holder.principal, holder, firstSeen: e.at });
    } else if (e.type === 'breakglass.cleared') {
      const use = uses.get(e.subject);
      uses.delete(e.subject);
      if (use) cleared.push({ ...use, clearedAt: e.at });
    }
  }
  return { open: [...findings.values()], breakGlass: [...uses.values()], resolved, cleared };
}

/**
 * What the finding store must apply to reach `open` from what it stores, when a dead run journaled part
 * of the change: the journaled opens and resolutions as well as this run's own.
 */
export function storedChange(
  stored: { open: StoredFinding[]; breakGlass: BreakGlassUse[] },
  journaled: JournaledOpenSet,
  change: FindingChange,
  target: { open: StoredFinding[]; breakGlass: BreakGlassUse[] },
): FindingChange {
  const storedIds = new Set(stored.open.map((f) => f.id));
  const storedKeys = new Set(stored.breakGlass.map((u) => u.holderKey));
  return {
    opened: target.open.filter((f) => !storedIds.has(f.id)),
    resolved: [...change.resolved, ...journaled.resolved.filter((f) => storedIds.has(f.id))],
    breakGlassDetected: target.breakGlass.filter((u) => !storedKeys.has(u.holderKey)),
    breakGlassCleared: [...change.breakGlassCleared, ...journaled.cleared.filter((u) => storedKeys.has(u.holderKey))],
  };
}
