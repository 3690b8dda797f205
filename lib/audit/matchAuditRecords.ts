/**
 * Attribution without I/O: which new findings to attribute, the time window the audit log query covers,
 * and which audit log record made each finding's change.
 */
import type { Holder, RoleAssignment, Snapshot } from '../domain.js';
import type { AttributionTarget, AuditLogRecord, StoredFinding } from '../ports/index.js';
import { changeAspect, isMemberCohort, type ChangeAspect } from './changesByCause.js';
import { findingHolder, holderIndex, type HolderIndex } from './findingsByCause.js';

/** The Exchange admin cmdlets that give the role, or change the scope or enabled state of an assignment of it. */
export const ATTRIBUTION_OPERATIONS = [
  'New-ManagementRoleAssignment',
  'Add-RoleGroupMember',
  'Set-ManagementRoleAssignment',
] as const;
/** How far back Purview audit search reaches by default. */
const LOOKBACK_MS = 180 * 24 * 3_600_000;
/** Before the oldest relevant assignment: its WhenCreated and the audit record's time differ by a little. */
const MARGIN_MS = 3_600_000;

export interface Attribution {
  findingId: string;
  target: AttributionTarget;
  by: string;
  at: string;
  operation: string;
}

/** Joiners of one member cohort attributed one by one (each Add-RoleGroupMember), so a big cohort leaves room. */
const COHORT_TARGETS = 10;

/** The joiners of a member cohort the snapshot still shows, or the one holder a per-holder finding is about. */
function peopleOf(f: StoredFinding, h: Holder, index: HolderIndex): (Holder | undefined)[] {
  if (!isMemberCohort(f)) return [f.holderKey ? h : undefined];
  const joiners = new Set(f.holders ?? []);
  return (index.byAssignment.get(h.assignmentGuid.toLowerCase()) ?? [])
    .filter((x) => joiners.has(x.principal))
    .slice(0, COHORT_TARGETS);
}

/**
 * New unapproved or changed findings with the holder they are about; a finding by cause (a group's assignment) is
 * about the assignment, so its target is the assignee and the record that matches is the one that created it, or for
 * a scope or enabled change the Set-ManagementRoleAssignment that made it. New members of a group (one finding per
 * assignment) are matched each to the record that added them.
 */
export function attributionTargets(opened: StoredFinding[], snapshot: Snapshot): AttributionTarget[] {
  const holders = holderIndex(snapshot.holders);
  const out: AttributionTarget[] = [];
  for (const f of opened) {
    if (f.kind !== 'unapproved' && f.kind !== 'changed') continue;
    const h = findingHolder(f, holders);
    if (!h || h.via === 'graph-app-role' || h.via === 'ediscovery-role-group') continue;
    for (const p of peopleOf(f, h, holders)) {
      const person = p ? { principal: p.principal, principalId: p.principalId, displayName: p.displayName } : {};
      out.push({
        findingId: f.id,
        principal: f.principal,
        ...person,
        summary: f.summary,
        role: h.role,
        via: h.via,
        viaName: h.viaName,
        assignmentName: h.assignmentName,
        assignmentGuid: h.assignmentGuid,
      });
    }
  }
  return out;
}

/**
 * Where the query starts: a margin before the oldest assignment the targets go through was created,
 * never further back than the audit log reaches.
 */
export function queryStart(targets: AttributionTarget[], assignments: RoleAssignment[], now: Date): Date {
  const names = new Set(targets.map((t) => t.assignmentName.toLowerCase()));
  const created = assignments
    .filter((a) => names.has(a.name.toLowerCase()) && a.whenCreatedUtc)
    .map((a) => Date.parse(a.whenCreatedUtc as string))
    .filter((t) => Number.isFinite(t));
  const oldest = created.length ? Math.min(...created) : Number.NEGATIVE_INFINITY;
  return new Date(Math.max(oldest, now.getTime() - LOOKBACK_MS) - MARGIN_MS);
}

/** An Exchange admin record's cmdlet parameters by lower-cased name. */
export function parameters(record: AuditLogRecord): Map<string, string> {
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

/**
 * The Set-ManagementRoleAssignment parameters (lower-cased) that change what a scope or enabled finding is about: every
 * scope parameter of the cmdlet reference (learn.microsoft.com/powershell/module/exchangepowershell/set-managementroleassignment).
 */
const SET_CHANGES: Partial<Record<ChangeAspect, string[]>> = {
  scope: [
    'customrecipientwritescope',
    'recipientadministrativeunitscope',
    'recipientrelativewritescope',
    'recipientorganizationalunitscope',
    'exclusiverecipientwritescope',
    'customresourcescope',
  ],
  enabled: ['enabled'],
};

/** Whether a Set-ManagementRoleAssignment record made the change a scope or enabled finding is about. */
function changedBySet(target: AttributionTarget, record: AuditLogRecord, p: Map<string, string>): boolean {
  const aspect = changeAspect(target.findingId);
  if (!(aspect && SET_CHANGES[aspect]?.some((k) => p.has(k)))) return false;
  // The record names the assignment as its caller did: by name or by Guid.
  return [p.get('identity'), record.objectId].some(
    (x) => same(x, target.assignmentName) || same(x, target.assignmentGuid),
  );
}

/**
 * Whether a record made this holder or change; 3 = the change of the assignment a scope or enabled finding is about,
 * 2 = the change that gave this person the role, 1 = the assignment it goes through.
 */
function strength(target: AttributionTarget, record: AuditLogRecord): number {
  const p = parameters(record);
  if (same(record.operation, 'Set-ManagementRoleAssignment')) return changedBySet(target, record, p) ? 3 : 0;
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
