/**
 * A long list of removal targets as stored evidence: the count, a SHA-256 of the whole sorted list (which
 * identifies exactly the set that was planned) and the first few names. Bounded whatever the plan's size,
 * so the journal entry always fits in one Table Storage row.
 */
import { createHash } from 'node:crypto';

export const LISTED_TARGETS = 100;

export interface TargetSummary {
  targetCount: number;
  /** Hex SHA-256 of the sorted targets joined by newlines. */
  targetsHash: string;
  /** The first LISTED_TARGETS targets in sorted order. */
  targets: string[];
  /** How many targets the list leaves out. */
  targetsOmitted: number;
}

export function summarizeTargets(targets: string[]): TargetSummary {
  const sorted = [...targets].sort();
  return {
    targetCount: sorted.length,
    targetsHash: createHash('sha256').update(sorted.join('\n')).digest('hex'),
    targets: sorted.slice(0, LISTED_TARGETS),
    targetsOmitted: Math.max(0, sorted.length - LISTED_TARGETS),
  };
}
