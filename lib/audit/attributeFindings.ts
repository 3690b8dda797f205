/**
 * Who made a change (WATCHDOG_AUDIT_LOG_QUERY): a run that opens new unapproved or changed findings starts
 * one Purview audit log query (Graph beta, asynchronous) for the Exchange admin cmdlets that give the role,
 * and keeps it pending on the snapshot state row. Each later run polls each pending query once; a succeeded
 * query's records are matched to its findings, journaled as `finding.attributed`, and sent in one email.
 *
 * Best effort: any error here (a 403 without AuditLogsQuery-Exchange.Read.All included) is logged as a
 * warning and never fails the audit or holds back its snapshot.
 */
import { createHash } from 'node:crypto';
import type { Snapshot } from '../domain.js';
import { PermissionError } from '../ports/index.js';
import { escapeHtml, headerSafe, oneLine } from '../escapeText.js';
import type { AuditLogRecord, Clock, Directory, JournalEntryInput, Logger, Mailer, Store } from '../ports/index.js';
import type { AttributionTarget, PendingAttribution, SnapshotState, StoredFinding } from '../ports/index.js';
import type { RenderedEmail } from './renderAlert.js';

export const ATTRIBUTION_OPERATIONS = ['New-ManagementRoleAssignment', 'Add-RoleGroupMember'] as const;
/** How far back Purview audit search reaches by default. */
const LOOKBACK_MS = 180 * 24 * 3_600_000;
/** Before the oldest relevant assignment: its WhenCreated and the audit record's time differ by a little. */
const MARGIN_MS = 3_600_000;
/** A query not succeeded after this long is dropped. */
const MAX_PENDING_MS = 24 * 3_600_000;
/** Findings per query: the pending list lives on one table row. */
const MAX_TARGETS = 100;
const ACTOR = 'watchdog';

export interface AttributionDeps {
  directory: Pick<Directory, 'startAuditLogQuery' | 'getAuditLogQuery' | 'listAuditLogRecords'>;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  store: Pick<Store, 'journal' | 'snapshots'>;
}

export interface AttributionInput {
  tenant: string;
  alertRecipients: string[];
  /** The snapshot state after this run's commit (its ETag guards the write of the pending list). */
  state: SnapshotState;
  /** Findings this run opened. */
  opened: StoredFinding[];
  snapshot: Snapshot;
}

export interface Attribution {
  findingId: string;
  target: AttributionTarget;
  by: string;
  at: string;
  operation: string;
}

export interface AttributionEmail {
  subject: string;
  idempotencyKey: string;
  status: 'sent' | 'duplicate' | 'deferred';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Polls what is pending and starts a query for new findings; returns the attribution emails sent. Never throws. */
export async function attributeFindings(deps: AttributionDeps, input: AttributionInput): Promise<AttributionEmail[]> {
  const pending = input.state.attribution ?? [];
  const targets = attributionTargets(input.opened, input.snapshot);
  if (!pending.length && !targets.length) return [];
  const emails: AttributionEmail[] = [];
  const next: PendingAttribution[] = [];
  for (const query of pending) {
    try {
      const outcome = await pollOnce(deps, input, query);
      if (outcome === 'pending') next.push(query);
      else if (outcome) emails.push(outcome);
    } catch (error) {
      if (error instanceof PermissionError) {
        deps.logger.warn(`Audit log query ${query.queryId} dropped: ${messageOf(error)}`);
      } else {
        deps.logger.warn(
          `Audit log query ${query.queryId} could not be read this run; it is tried again next run. ${messageOf(error)}`,
        );
        next.push(query);
      }
    }
  }
  if (targets.length) {
    const started = await startQuery(deps, input, targets);
    if (started) next.push(started);
  }
  if (JSON.stringify(next) !== JSON.stringify(pending)) {
    try {
      await deps.store.snapshots.saveAttribution(next, input.state);
    } catch (error) {
      deps.logger.warn(`Could not store the pending audit log queries: ${messageOf(error)}`);
    }
  }
  return emails;
}

/** New unapproved or changed findings with the holder they are about. */
export function attributionTargets(opened: StoredFinding[], snapshot: Snapshot): AttributionTarget[] {
  const holders = new Map(snapshot.holders.map((h) => [h.key, h]));
  const out: AttributionTarget[] = [];
  for (const f of opened) {
    if (f.kind !== 'unapproved' && f.kind !== 'changed') continue;
    const h = f.holderKey ? holders.get(f.holderKey) : undefined;
    if (!h || h.via === 'graph-app-role') continue;
    out.push({
      findingId: f.id,
      principal: h.principal,
      principalId: h.principalId,
      displayName: h.displayName,
      summary: f.summary,
      role: h.role,
      via: h.via,
      viaName: h.viaName,
      assignmentName: h.assignmentName,
    });
  }
  return out;
}

async function startQuery(
  deps: AttributionDeps,
  input: AttributionInput,
  all: AttributionTarget[],
): Promise<PendingAttribution | undefined> {
  const targets = all.slice(0, MAX_TARGETS);
  if (all.length > targets.length)
    deps.logger.warn(`${all.length} new findings; only the first ${targets.length} are attributed.`);
  const now = deps.clock.now();
  const names = new Set(targets.map((t) => t.assignmentName.toLowerCase()));
  const created = input.snapshot.assignments
    .filter((a) => names.has(a.name.toLowerCase()) && a.whenCreatedUtc)
    .map((a) => Date.parse(a.whenCreatedUtc as string))
    .filter((t) => Number.isFinite(t));
  const oldest = created.length ? Math.min(...created) : Number.NEGATIVE_INFINITY;
  const from = new Date(Math.max(oldest, now.getTime() - LOOKBACK_MS) - MARGIN_MS);
  try {
    const query = await deps.directory.startAuditLogQuery({
      displayName: `MIE watchdog attribution ${now.toISOString()}`,
      from: from.toISOString(),
      to: now.toISOString(),
      operations: [...ATTRIBUTION_OPERATIONS],
    });
    deps.logger.info('Audit log query started to find who made the new findings', {
      queryId: query.id,
      findings: targets.length,
    });
    return { queryId: query.id, startedAt: now.toISOString(), findings: targets };
  } catch (error) {
    deps.logger.warn(`Could not start the audit log query that names who made the new findings: ${messageOf(error)}`);
    return undefined;
  }
}

/** One GET; 'pending' keeps the query, undefined drops it, an email means it was reported. */
async function pollOnce(
  deps: AttributionDeps,
  input: AttributionInput,
  pending: PendingAttribution,
): Promise<'pending' | AttributionEmail | undefined> {
  const now = deps.clock.now();
  if (now.getTime() - Date.parse(pending.startedAt) > MAX_PENDING_MS) {
    deps.logger.warn(
      `Audit log query ${pending.queryId} started at ${pending.startedAt} has not completed within a day; dropped.`,
    );
    return undefined;
  }
  const query = await deps.directory.getAuditLogQuery(pending.queryId);
  if (!query) {
    deps.logger.warn(`Audit log query ${pending.queryId} no longer exists; dropped.`);
    return undefined;
  }
  if (query.status === 'failed' || query.status === 'cancelled') {
    deps.logger.warn(`Audit log query ${pending.queryId} ${query.status}; dropped.`);
    return undefined;
  }
  if (query.status !== 'succeeded') return 'pending';
  const records = await deps.directory.listAuditLogRecords(pending.queryId);
  const found = matchRecords(pending.findings, records);
  if (!found.length) {
    deps.logger.info('Audit log query completed; no record names who made the new findings', {
      queryId: pending.queryId,
      records: records.length,
    });
    return undefined;
  }
  const email = renderAttribution({ tenant: input.tenant, targets: pending.findings, found });
  const idempotencyKey = `audit-attribution-${createHash('sha256').update(`attribution|${input.tenant}|${pending.queryId}`).digest('hex').slice(0, 40)}`;
  const res = await deps.mailer.send({
    to: input.alertRecipients,
    subject: email.subject,
    html: email.html,
    text: email.text,
    idempotencyKey,
  });
  const entries: JournalEntryInput[] = found.map((a) => ({
    type: 'finding.attributed',
    actor: ACTOR,
    subject: a.findingId,
    data: { by: a.by, at: a.at, operation: a.operation },
  }));
  if (res.status !== 'duplicate')
    entries.push({
      type: res.status === 'sent' ? 'alert.sent' : 'alert.deferred',
      actor: ACTOR,
      subject: idempotencyKey,
      data: { to: input.alertRecipients, subject: email.subject, kind: 'attribution' },
    });
  await deps.store.journal.appendMany(entries);
  return { subject: email.subject, idempotencyKey, status: res.status };
}

function parameters(record: AuditLogRecord): Map<string, string> {
  const out = new Map<string, string>();
  const list = record.auditData.Parameters;
  if (!Array.isArray(list)) return out;
  for (const p of list as { Name?: unknown; Value?: unknown }[]) {
    if (typeof p?.Name === 'string' && (typeof p.Value === 'string' || typeof p.Value === 'number'))
      out.set(p.Name.toLowerCase(), String(p.Value));
  }
  return out;
}

/** How the person may have been named in the cmdlet: UPN, its local part (the usual Exchange name), display name, object id. */
function names(target: AttributionTarget): Set<string> {
  const upn = target.principal.toLowerCase();
  return new Set(
    [upn, upn.split('@')[0] ?? upn, target.displayName?.toLowerCase(), target.principalId?.toLowerCase()].filter(
      (x): x is string => !!x,
    ),
  );
}

const same = (a: string | undefined, b: string | undefined) =>
  !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

/** Whether a record made this holder; 2 = the change that gave this person the role, 1 = the assignment it goes through. */
function strength(target: AttributionTarget, record: AuditLogRecord): number {
  const p = parameters(record);
  if (same(record.operation, 'Add-RoleGroupMember')) {
    const group = p.get('identity') ?? record.objectId;
    const member = p.get('member')?.toLowerCase();
    return target.via === 'role-group' && same(group, target.viaName) && !!member && names(target).has(member) ? 2 : 0;
  }
  if (same(record.operation, 'New-ManagementRoleAssignment')) {
    if (same(p.get('name') ?? record.objectId, target.assignmentName) || same(record.objectId, target.assignmentName))
      return target.via === 'role-group' ? 1 : 2;
    const user = p.get('user')?.toLowerCase();
    return target.via === 'direct' && !!user && names(target).has(user) && same(p.get('role'), target.role) ? 2 : 0;
  }
  return 0;
}

/** For each target, the most telling record, latest first among equals. */
export function matchRecords(targets: AttributionTarget[], records: AuditLogRecord[]): Attribution[] {
  const out: Attribution[] = [];
  for (const target of targets) {
    let best: { record: AuditLogRecord; score: number } | undefined;
    for (const record of records) {
      const score = strength(target, record);
      if (!score || !record.userPrincipalName) continue;
      if (!best || score > best.score || (score === best.score && record.createdDateTime > best.record.createdDateTime))
        best = { record, score };
    }
    if (best)
      out.push({
        findingId: target.findingId,
        target,
        by: best.record.userPrincipalName as string,
        at: best.record.createdDateTime,
        operation: best.record.operation,
      });
  }
  return out;
}

export function renderAttribution(input: {
  tenant: string;
  targets: AttributionTarget[];
  found: Attribution[];
}): RenderedEmail {
  const byId = new Map(input.found.map((a) => [a.findingId, a]));
  const rows = input.targets.map((t) => {
    const a = byId.get(t.findingId);
    return [t.principal, oneLine(t.summary), a?.by ?? 'not found in the audit log', a?.at ?? '', a?.operation ?? ''];
  });
  const columns = ['Principal', 'Finding', 'Made by', 'When (UTC)', 'Operation'];
  const subject = headerSafe(
    `Who made the Mailbox Import Export changes (${input.tenant}): ${input.found.length} of ${input.targets.length} found`,
  );
  const intro = `The audit log names who made ${input.found.length} of the ${input.targets.length} new Mailbox Import Export findings in ${input.tenant}.`;
  const html = [
    '<!DOCTYPE html><html><body>',
    `<p>${escapeHtml(intro)}</p>`,
    '<table border="1" cellpadding="4" cellspacing="0">',
    `<tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`,
    ...rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`),
    '</table>',
    '</body></html>',
  ].join('\n');
  const text = [
    intro,
    '',
    ...rows.map((r) => `- ${r[0]}: ${r[1]} | made by ${r[2]}${r[3] ? ` at ${r[3]}` : ''}${r[4] ? ` (${r[4]})` : ''}`),
  ].join('\n');
  return { subject, html, text };
}
