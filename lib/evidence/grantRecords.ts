/**
 * Grants as auditors read them: the stored grant with who requested, approved, extended or denied
 * it and why, each decision taken from the journal's grant.* events (so each carries its seq).
 */
import type { Grant } from '../domain.js';
import type { JournalEntry } from '../ports.js';
import { overlaps, type Column, type Period } from './evidenceTable.js';

export interface GrantDecision {
  at: string;
  type: string;
  actor: string;
  reason?: string;
  seq: number;
}

export interface GrantRecord {
  grant: Omit<Grant, 'etag'>;
  /** Every grant.* event about this grant, in order. */
  history: GrantDecision[];
}

const OPEN_STATUSES = new Set(['pending', 'approved', 'active']);

function grantEnd(grant: Grant): string | undefined {
  if (OPEN_STATUSES.has(grant.status)) return undefined;
  return grant.endedAt ?? grant.deniedAt ?? grant.expiresAt ?? grant.requestedAt;
}

/**
 * The grants whose lifetime overlaps the period. The grant list is small (one row per request);
 * the journal is streamed and only grant.* events of those grants are kept.
 */
export async function* grantRecords(grants: Grant[], entries: AsyncIterable<JournalEntry>, period: Period): AsyncGenerator<GrantRecord> {
  const selected = grants.filter((g) => overlaps(period, g.requestedAt, grantEnd(g)));
  const history = new Map<string, GrantDecision[]>(selected.map((g) => [g.id, []]));
  for await (const entry of entries) {
    if (!entry.type.startsWith('grant.')) continue;
    history.get(entry.subject)?.push({ at: entry.at, type: entry.type, actor: entry.actor, reason: entry.reason, seq: entry.seq });
  }
  for (const grant of selected) {
    const { etag: _etag, ...stored } = grant;
    yield { grant: stored, history: history.get(grant.id) ?? [] };
  }
}

const approvals = (r: GrantRecord): string =>
  r.history
    .filter((d) => d.type === 'grant.approved' || d.type === 'grant.extended' || d.type === 'grant.denied')
    .map((d) => `${d.type.slice('grant.'.length)} by ${d.actor} at ${d.at}${d.reason ? `: ${d.reason}` : ''}`)
    .join('; ');

export const GRANT_COLUMNS: Column<GrantRecord>[] = [
  { name: 'id', value: (r) => r.grant.id },
  { name: 'principal', value: (r) => r.grant.principal },
  { name: 'role', value: (r) => r.grant.role },
  { name: 'status', value: (r) => r.grant.status },
  { name: 'method', value: (r) => r.grant.method },
  { name: 'requestedBy', value: (r) => r.grant.requestedBy },
  { name: 'requestedAt', value: (r) => r.grant.requestedAt },
  { name: 'justification', value: (r) => r.grant.justification },
  { name: 'ticket', value: (r) => r.grant.ticket },
  { name: 'durationMs', value: (r) => r.grant.durationMs },
  { name: 'approvedBy', value: (r) => r.grant.approvedBy },
  { name: 'approvedAt', value: (r) => r.grant.approvedAt },
  { name: 'deniedBy', value: (r) => r.grant.deniedBy },
  { name: 'denyReason', value: (r) => r.grant.denyReason },
  { name: 'activatedAt', value: (r) => r.grant.activatedAt },
  { name: 'expiresAt', value: (r) => r.grant.expiresAt },
  { name: 'endedAt', value: (r) => r.grant.endedAt },
  { name: 'endedBy', value: (r) => r.grant.endedBy },
  { name: 'endReason', value: (r) => r.grant.endReason },
  { name: 'assignmentName', value: (r) => r.grant.assignmentName },
  { name: 'assignmentGuid', value: (r) => r.grant.assignmentGuid },
  { name: 'adopted', value: (r) => r.grant.adopted ?? false },
  { name: 'approvals', value: approvals },
];
