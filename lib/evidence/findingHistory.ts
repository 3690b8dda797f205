/**
 * Drift found and how it was resolved, rebuilt from finding.opened / finding.resolved events.
 * While a finding is open, the revocations and adoptions that touch its assignment are attached
 * to it, so the record shows what was done about it. Memory is bounded by the findings open at once.
 */
import type { Finding } from '../domain.js';
import type { JournalEntry } from '../ports/index.js';
import { overlaps, type Column, type Period } from './evidenceTable.js';

export interface FindingAction {
  at: string;
  type: string;
  actor: string;
  reason?: string;
  seq: number;
}

export interface FindingRecord {
  finding: Finding;
  openedAt: string;
  openedSeq: number;
  resolvedAt?: string;
  resolvedBy?: string;
  resolution?: string;
  resolvedSeq?: number;
  actions: FindingAction[];
}

/** Events that act on an assignment a finding may be about. */
const ACTION_EVENTS = new Set([
  'assignment.removed',
  'unapproved.revoked',
  'revoke.blocked',
  'grant.adopted',
  'grant.revoked',
  'grant.revoke-failed',
]);

function findingOf(entry: JournalEntry): Finding | undefined {
  const finding = (entry.data as Record<string, unknown>).finding as Finding | undefined;
  return finding && typeof finding === 'object' && typeof finding.id === 'string' ? finding : undefined;
}

/** The assignment guids an action event is about: its subject and any holder or grant in its data. */
function assignmentsOf(entry: JournalEntry): string[] {
  const out = [entry.subject];
  for (const name of ['holder', 'grant'] as const) {
    const guid = ((entry.data as Record<string, unknown>)[name] as { assignmentGuid?: unknown } | undefined)
      ?.assignmentGuid;
    if (typeof guid === 'string') out.push(guid);
  }
  return out;
}

export async function* findingRecords(
  entries: AsyncIterable<JournalEntry>,
  period: Period,
): AsyncGenerator<FindingRecord> {
  const open = new Map<string, FindingRecord>();
  for await (const entry of entries) {
    if (entry.type === 'finding.opened') {
      const finding = findingOf(entry);
      const id = finding?.id ?? entry.subject;
      if (finding && !open.has(id)) open.set(id, { finding, openedAt: entry.at, openedSeq: entry.seq, actions: [] });
    } else if (entry.type === 'finding.resolved') {
      const id = findingOf(entry)?.id ?? entry.subject;
      const record = open.get(id);
      if (!record) continue;
      open.delete(id);
      const closed: FindingRecord = {
        ...record,
        resolvedAt: entry.at,
        resolvedBy: entry.actor,
        resolution: entry.reason,
        resolvedSeq: entry.seq,
      };
      if (overlaps(period, closed.openedAt, closed.resolvedAt)) yield closed;
    } else if (ACTION_EVENTS.has(entry.type)) {
      const guids = assignmentsOf(entry);
      for (const record of open.values()) {
        if (record.finding.assignmentGuid && guids.includes(record.finding.assignmentGuid)) {
          record.actions.push({
            at: entry.at,
            type: entry.type,
            actor: entry.actor,
            reason: entry.reason,
            seq: entry.seq,
          });
        }
      }
    }
  }
  const stillOpen = [...open.values()].sort((a, b) => a.openedSeq - b.openedSeq);
  for (const record of stillOpen) if (overlaps(period, record.openedAt, undefined)) yield record;
}

const describeActions = (r: FindingRecord): string =>
  r.actions.map((a) => `${a.at} ${a.type} by ${a.actor}${a.reason ? `: ${a.reason}` : ''}`).join('; ');

export const FINDING_COLUMNS: Column<FindingRecord>[] = [
  { name: 'id', value: (r) => r.finding.id },
  { name: 'kind', value: (r) => r.finding.kind },
  { name: 'severity', value: (r) => r.finding.severity },
  { name: 'principal', value: (r) => r.finding.principal },
  { name: 'summary', value: (r) => r.finding.summary },
  // A finding by cause: how many principals it reached, and those its journal entry names (the first that fit).
  { name: 'holderCount', value: (r) => r.finding.holderCount ?? r.finding.holders?.length },
  { name: 'holders', value: (r) => r.finding.holders?.join(' ') },
  { name: 'assignmentGuid', value: (r) => r.finding.assignmentGuid },
  { name: 'grantId', value: (r) => r.finding.grantId },
  { name: 'openedAt', value: (r) => r.openedAt },
  { name: 'resolvedAt', value: (r) => r.resolvedAt },
  { name: 'resolvedBy', value: (r) => r.resolvedBy },
  { name: 'resolution', value: (r) => r.resolution },
  { name: 'actions', value: describeActions },
  { name: 'openedSeq', value: (r) => r.openedSeq },
  { name: 'resolvedSeq', value: (r) => r.resolvedSeq },
];
