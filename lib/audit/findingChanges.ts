/**
 * The open/resolve arithmetic of an audit run, without I/O: from the open set before the run and the
 * findings and break-glass holders the diff says should be open, what opened, resolved, was detected
 * and cleared, and the open set after.
 */
import { createHash } from 'node:crypto';
import type { Finding, Holder } from '../domain.js';
import type { BreakGlassUse, FindingChange, StoredFinding } from '../ports/index.js';

export interface OpenSet {
  open: StoredFinding[];
  breakGlass: BreakGlassUse[];
}

/** What the diff says should be open after this run. */
export interface TargetOpenSet {
  findings: Finding[];
  breakGlass: Holder[];
}

export interface OpenSetMove {
  change: FindingChange;
  after: OpenSet;
}

/** What the open set should be after this run: finding ids and break-glass holder keys. */
export function openSetHash(target: TargetOpenSet): string {
  const ids = [...target.findings.map((f) => `f|${f.id}`), ...target.breakGlass.map((h) => `b|${h.key}`)].sort();
  return createHash('sha256').update(ids.join('\n')).digest('hex');
}

/**
 * New findings are first seen `at`; a resolved finding was last seen by the last successful run
 * (`lastSuccessAt`), or when it was first seen if no run succeeded since. Survivors keep their order,
 * new entries follow them.
 */
export function findingChanges(
  before: OpenSet,
  target: TargetOpenSet,
  at: string,
  lastSuccessAt: string | undefined,
): OpenSetMove {
  const openIds = new Set(before.open.map((f) => f.id));
  const targetIds = new Set(target.findings.map((f) => f.id));
  const opened = target.findings.filter((f) => !openIds.has(f.id)).map((f) => ({ ...f, firstSeen: at }));
  const resolved = before.open
    .filter((f) => !targetIds.has(f.id))
    .map((f) => ({ ...f, lastSeen: lastSuccessAt ?? f.firstSeen, resolvedAt: at }));

  const useKeys = new Set(before.breakGlass.map((u) => u.holderKey));
  const targetKeys = new Set(target.breakGlass.map((h) => h.key));
  const breakGlassDetected = target.breakGlass
    .filter((h) => !useKeys.has(h.key))
    .map((holder) => ({ holderKey: holder.key, principal: holder.principal, holder, firstSeen: at }));
  const breakGlassCleared = before.breakGlass
    .filter((u) => !targetKeys.has(u.holderKey))
    .map((u) => ({ ...u, clearedAt: at }));

  return {
    change: { opened, resolved, breakGlassDetected, breakGlassCleared },
    after: {
      open: [...before.open.filter((f) => targetIds.has(f.id)), ...opened],
      breakGlass: [...before.breakGlass.filter((u) => targetKeys.has(u.holderKey)), ...breakGlassDetected],
    },
  };
}

export function isEmptyChange(change: FindingChange): boolean {
  return (
    change.opened.length +
      change.resolved.length +
      change.breakGlassDetected.length +
      change.breakGlassCleared.length ===
    0
  );
}
