/**
 * Grants as auditors read them, from the hash-chained journal: each grant as its last grant.* event
 * recorded it, with who requested, approved, extended or denied it and why (each decision carries its
 * seq). The grants table is not chained, so it is only cross-checked: a row edited outside the watchdog,
 * a deleted row, or a row the journal never saw is flagged on the grant, never shown as the truth.
 */
import { channelOf, describeChannel, type ActorChannel } from '../caller.js';
import type { Grant } from '../domain.js';
import { canonicalJson } from '../hashChain.js';
import type { JournalEntry } from '../ports/index.js';
import { overlaps, type Column, type Period } from './evidenceTable.js';

export interface GrantDecision {
  at: string;
  type: string;
  actor: string;
  /** How the actor was verified, as journaled with the decision; absent on entries written before channels were. */
  channel?: ActorChannel;
  reason?: string;
  seq: number;
}

/** "approved by X at T via api token (oid ...)": a decision as an auditor reads it. */
export function describeDecision(d: GrantDecision): string {
  return `${d.type.slice('grant.'.length)} by ${d.actor} at ${d.at} via ${describeChannel(d.channel)}${d.reason ? ` (${d.reason})` : ''}`;
}

export interface GrantRecord {
  /** As the journal recorded it last; the table row only for a grant the journal has no event of. */
  grant: Grant;
  /** Every grant.* event about this grant, in order. */
  history: GrantDecision[];
  /** Where the grants table disagrees with the journal, in words; empty when they agree. */
  discrepancies: string[];
}

/**
 * What people decided and what the watchdog did, all journaled with each change; operational fields the
 * table alone keeps (revocation attempts, reminders sent) are not compared.
 */
const CHECKED_FIELDS = [
  'principal',
  'principalId',
  'role',
  'status',
  'method',
  'roleGroup',
  'requestedBy',
  'requestedAt',
  'justification',
  'ticket',
  'durationMs',
  'startsAt',
  'approvedBy',
  'approvedAt',
  'deniedBy',
  'deniedAt',
  'denyReason',
  'activatedAt',
  'expiresAt',
  'assignmentGuid',
  'assignmentName',
  'adopted',
  'extension',
  'endedAt',
  'endedBy',
  'endReason',
] as const satisfies readonly (keyof Grant)[];

const shown = (value: unknown): string =>
  value === undefined ? '(none)' : typeof value === 'string' ? `'${value}'` : canonicalJson(value);

function differences(table: Grant, journal: Grant): string[] {
  return CHECKED_FIELDS.filter((f) => canonicalJson(table[f] ?? null) !== canonicalJson(journal[f] ?? null)).map(
    (f) => `${f}: the grants table has ${shown(table[f])}, the journal ${shown(journal[f])}`,
  );
}

const isGrant = (value: unknown): value is Grant =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Grant).id === 'string' &&
  typeof (value as Grant).requestedAt === 'string';

const OPEN_STATUSES = new Set(['pending', 'approved', 'active']);

function grantEnd(grant: Grant): string | undefined {
  if (OPEN_STATUSES.has(grant.status)) return undefined;
  return grant.endedAt ?? grant.deniedAt ?? grant.expiresAt ?? grant.requestedAt;
}

/**
 * The grants whose lifetime overlaps the period, journaled ones first in the order they were requested.
 * The journal is streamed; only grant.* events are kept (one small record per grant request).
 */
export async function* grantRecords(
  grants: Grant[],
  entries: AsyncIterable<JournalEntry>,
  period: Period,
): AsyncGenerator<GrantRecord> {
  const journaled = new Map<string, { grant: Grant; history: GrantDecision[] }>();
  for await (const entry of entries) {
    if (!entry.type.startsWith('grant.')) continue;
    // Read without trusting the entry's type: the journal being exported may hold entries of earlier versions.
    const data = entry.data as Record<string, unknown>;
    const recorded = isGrant(data.grant) && data.grant.id === entry.subject ? data.grant : undefined;
    const known = journaled.get(entry.subject);
    if (!known && !recorded) continue;
    const record = known ?? { grant: recorded as Grant, history: [] };
    if (recorded) record.grant = recorded;
    const channel = channelOf(data.channel);
    record.history.push({
      at: entry.at,
      type: entry.type,
      actor: entry.actor,
      ...(channel ? { channel } : {}),
      reason: entry.reason,
      seq: entry.seq,
    });
    journaled.set(entry.subject, record);
  }
  const table = new Map(grants.map((g) => [g.id, g]));
  const ids = [...journaled.keys(), ...grants.filter((g) => !journaled.has(g.id)).map((g) => g.id)];
  for (const id of ids) {
    const fromJournal = journaled.get(id);
    const row = table.get(id);
    const grant = fromJournal?.grant ?? row;
    if (!grant || !overlaps(period, grant.requestedAt, grantEnd(grant))) continue;
    const discrepancies = !row
      ? ['the grants table has no row for this grant: it was deleted outside the watchdog']
      : !fromJournal
        ? ['the journal has no event of this grant: its row was written to the grants table outside the watchdog']
        : differences(row, fromJournal.grant);
    yield { grant, history: fromJournal?.history ?? [], discrepancies };
  }
}

const APPROVALS = new Set(['grant.approved', 'grant.extended', 'grant.denied', 'grant.adopted']);

/** The approving decisions of a grant (approval, extension, denial, adoption), each with how its actor was verified. */
export const approvalsOf = (r: GrantRecord): GrantDecision[] => r.history.filter((d) => APPROVALS.has(d.type));

const approvals = (r: GrantRecord): string => approvalsOf(r).map(describeDecision).join('; ');

/** The channel of the decision that let the grant be used: its approval (or adoption). */
const approvalChannel = (r: GrantRecord): string | undefined => {
  const approval = r.history.find((d) => d.type === 'grant.approved' || d.type === 'grant.adopted');
  return approval ? (approval.channel?.kind ?? 'not recorded') : undefined;
};

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
  { name: 'approvedVia', value: approvalChannel },
  {
    name: 'tableCheck',
    value: (r) => (r.discrepancies.length ? `DIFFERS: ${r.discrepancies.join('; ')}` : 'matches the journal'),
  },
];
