/**
 * The usage ledger as exported: each recorded use of the power whose time falls in the period, oldest first, with
 * the grant window it fell in or `outside` (lib/audit/usageWindows.ts says how a use is tied to a window).
 */
import type { RecordedUse, UsageLedger } from '../ports/index.js';
import { inPeriod, type Column, type Period } from './evidenceTable.js';

/** The ledger holds one row per use (not per journal entry), so the period's uses are read in one listing. */
export async function usageInPeriod(usage: Pick<UsageLedger, 'list'>, period: Period): Promise<RecordedUse[]> {
  return (await usage.list()).filter((u) => inPeriod(period, u.at));
}

export async function* usageRecords(usage: Pick<UsageLedger, 'list'>, period: Period): AsyncGenerator<RecordedUse> {
  yield* await usageInPeriod(usage, period);
}

/** How a use's window reads to a person. */
export function describeWindow(use: RecordedUse): string {
  if (use.window === 'outside') return 'OUTSIDE an approved window';
  if (use.window === 'watchdog')
    return use.grantId ? `the watchdog's own change for grant ${use.grantId}` : "the watchdog's own change";
  return `grant ${use.grantId ?? ''} (${use.windowFrom ?? ''} to ${use.windowUntil ?? 'still active'})`;
}

export const USAGE_COLUMNS: Column<RecordedUse>[] = [
  { name: 'at', value: (u) => u.at },
  { name: 'actor', value: (u) => u.actor },
  { name: 'operation', value: (u) => u.operation },
  { name: 'category', value: (u) => u.category },
  { name: 'target', value: (u) => u.target },
  { name: 'window', value: (u) => u.window },
  { name: 'grantId', value: (u) => u.grantId },
  { name: 'windowFrom', value: (u) => u.windowFrom },
  { name: 'windowUntil', value: (u) => u.windowUntil },
  { name: 'holderKey', value: (u) => u.holderKey },
  { name: 'capability', value: (u) => u.capability?.join(' ') },
  { name: 'recordType', value: (u) => u.recordType },
  { name: 'recordId', value: (u) => u.recordId },
  { name: 'recordedAt', value: (u) => u.recordedAt },
];
