/** `--summary`: counts instead of every row, for tenants whose full listing is too long to read. */
import type { Finding, Holder } from '../lib/domain.js';

/** How many items fall in each group, groups sorted by name so equal runs print equally. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

export interface HolderSummary {
  total: number;
  /** By how the role is held: direct, role-group, security-group, organization-management, ... */
  byVia: Record<string, number>;
  byPrincipalType: Record<string, number>;
  /** Holders whose assignment is disabled. */
  disabled: number;
}

export function summarizeHolders(holders: readonly Holder[]): HolderSummary {
  return {
    total: holders.length,
    byVia: countBy(holders, (h) => h.via),
    byPrincipalType: countBy(holders, (h) => h.principalType),
    disabled: holders.filter((h) => !h.enabled).length,
  };
}

export interface FindingSummary {
  total: number;
  byKind: Record<string, number>;
  bySeverity: Record<string, number>;
}

export function summarizeFindings(findings: readonly Finding[]): FindingSummary {
  return {
    total: findings.length,
    byKind: countBy(findings, (f) => f.kind),
    bySeverity: countBy(findings, (f) => f.severity),
  };
}

/** `direct 3, role-group 5` (or `none`). */
export function countsText(counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([name, n]) => `${name} ${n}`);
  return parts.length ? parts.join(', ') : 'none';
}

export function holderSummaryLines(s: HolderSummary): string[] {
  return [
    `Holders: ${s.total} (${s.disabled} with a disabled assignment)`,
    `  by path: ${countsText(s.byVia)}`,
    `  by principal type: ${countsText(s.byPrincipalType)}`,
  ];
}
