/**
 * The audit's judgement: a pure function of what Exchange and Entra ID say (the snapshot), what was
 * approved (grants), the policy and the time. No I/O; everything it needs comes in as arguments.
 *
 * - unapproved: a holder with no active grant (break-glass principals are reported apart)
 * - expired-present: a grant past its end whose assignment is still there
 * - missing: an active grant whose assignment is gone
 * - changed: relative to the previous snapshot, a scope change, an enabled toggle, a delegation
 *   change, or new members of a group that already held the role. A `changed` finding stays open
 *   while the changed state lasts, until a grant approved after it was first seen covers its holders.
 *   Changes of a group assignment are one finding per assignment (lib/audit/changesByCause.ts).
 * - can-grant: a delegating assignment other than the expected ones (lib/audit/canGrant.ts)
 * Unapproved holders reached through one group assignment become one finding (lib/audit/findingsByCause.ts).
 */
import type { Finding, Grant, Holder, RoleAssignment, Severity, Snapshot } from '../domain.js';
import type { StoredFinding } from '../ports/index.js';
import { canGrantFindings } from './canGrant.js';
import {
  assignmentStateChanges,
  byAssignment,
  changedFindingId,
  isGroupHeld,
  joinsThroughMembership,
  memberCohort,
  openCohort,
  type AddCandidate,
  type ChangeCandidate,
} from './changesByCause.js';
import { findingsByCause } from './findingsByCause.js';
import { isOrganizationWide } from './organizationWide.js';

export interface AuditPolicy {
  /** Lower-cased UPNs, appIds or object ids that are never revoked and always reported. */
  breakGlass: string[];
}

export interface DiffHistory {
  /** The previous complete snapshot; without it no `changed` finding can be raised. */
  previous?: Snapshot;
  /** Open `changed` findings from earlier runs (carried forward while their state lasts). */
  openChanged?: StoredFinding[];
}

export interface DiffResult {
  findings: Finding[];
  /** Holders on the break-glass list: their own alert, never a finding. */
  breakGlass: Holder[];
}

export function isBreakGlass(holder: Pick<Holder, 'principal' | 'principalId'>, policy: AuditPolicy): boolean {
  const list = new Set(policy.breakGlass.map((b) => b.toLowerCase()));
  return (
    list.has(holder.principal.toLowerCase()) ||
    (holder.principalId !== undefined && list.has(holder.principalId.toLowerCase()))
  );
}

function grantMatchesPrincipal(grant: Grant, holder: Holder): boolean {
  if (grant.principal.toLowerCase() === holder.principal.toLowerCase()) return true;
  return (
    !!grant.principalId && !!holder.principalId && grant.principalId.toLowerCase() === holder.principalId.toLowerCase()
  );
}

/** Whether this grant is the approval for this holder path. */
export function grantCovers(grant: Grant, holder: Holder): boolean {
  if (!grantMatchesPrincipal(grant, holder)) return false;
  if (grant.assignmentGuid) return grant.assignmentGuid.toLowerCase() === holder.assignmentGuid.toLowerCase();
  if (grant.role.toLowerCase() !== holder.role.toLowerCase()) return false;
  if (grant.method === 'role-group' && grant.roleGroup)
    return holder.viaName?.toLowerCase() === grant.roleGroup.toLowerCase();
  return true;
}

const at = (iso: string | undefined): number | undefined => (iso ? Date.parse(iso) : undefined);

function isPastExpiry(grant: Grant, now: number): boolean {
  const expires = at(grant.expiresAt);
  return expires !== undefined && expires <= now;
}

/** A grant that currently allows the holder to hold the role. */
function isInForce(grant: Grant, now: number): boolean {
  if (isPastExpiry(grant, now)) return false;
  if (grant.status === 'active') return true;
  if (grant.status !== 'approved') return false;
  const starts = at(grant.startsAt);
  return starts === undefined || starts <= now;
}

/** A grant whose time is up but whose assignment may not be gone yet. */
function isExpired(grant: Grant, now: number): boolean {
  if (grant.status === 'expired') return true;
  return (grant.status === 'active' || grant.status === 'approved') && isPastExpiry(grant, now);
}

function holderSeverity(holder: Holder): Severity {
  if (!holder.enabled) return 'low';
  return holder.via === 'graph-app-role' ? 'critical' : 'high';
}

function label(holder: Holder): string {
  return holder.displayName ? `${holder.displayName} (${holder.principal})` : holder.principal;
}

function holderNote(holder: Holder): string {
  const disabled = holder.enabled ? '' : ' (assignment disabled)';
  // Graph honours the tenant-wide consent as well as the Exchange grant (a union), so the scope limits nothing.
  const unscoped = holder.tenantWideAndScoped
    ? '; the app holds the same power through both a tenant-wide Graph permission and a scoped Exchange application role, so the scope does not limit it'
    : '';
  return disabled + unscoped;
}

function assignmentPrincipal(a: RoleAssignment): string {
  return (a.roleAssigneeName || a.roleAssignee).toLowerCase();
}

/**
 * A direct holder's scope and enabled state, new when `prev` differs. A holder through a group gets these (and its
 * membership) as findings of its assignment instead; its per-holder ids stay current only so that findings opened
 * before changes were grouped by cause are carried while their state lasts, never raised again.
 */
function holderChanges(h: Holder, prev: Holder | undefined, add: AddCandidate): void {
  const base = { kind: 'changed' as const, principal: h.principal, assignmentGuid: h.assignmentGuid, holderKey: h.key };
  const widened = isOrganizationWide(h.scope) && !!prev && !isOrganizationWide(prev.scope);
  const raises = !isGroupHeld(h);
  const holders = [h];
  add(
    {
      holders,
      finding: {
        ...base,
        id: changedFindingId(h.key, 'scope', h.scope),
        severity: widened ? 'high' : 'medium',
        summary: `${label(h)}: scope ${widened ? 'widened' : 'changed'} from '${prev?.scope ?? ''}' to '${h.scope}' on ${h.assignmentName}`,
      },
    },
    raises && !!prev && prev.scope !== h.scope,
  );
  add(
    {
      holders,
      finding: {
        ...base,
        id: changedFindingId(h.key, 'enabled', String(h.enabled)),
        severity: h.enabled ? 'high' : 'low',
        summary: `${label(h)}: assignment ${h.assignmentName} was ${h.enabled ? 'enabled' : 'disabled'}`,
      },
    },
    raises && !!prev && prev.enabled !== h.enabled,
  );
  if (joinsThroughMembership(h)) {
    add(
      {
        holders,
        finding: {
          ...base,
          id: changedFindingId(h.key, 'member', h.assignmentGuid),
          severity: 'high',
          summary: `${label(h)}: new member of ${h.viaName ?? 'a group'}, which holds ${h.role}`,
        },
      },
      false,
    );
  }
}

/** An assignment's delegation type, new when it changed or a delegating assignment appeared. */
function assignmentChange(
  a: RoleAssignment,
  prev: RoleAssignment | undefined,
  hadPrevious: boolean,
  add: AddCandidate,
) {
  const subject = `assignment:${a.guid.toLowerCase()}`;
  const isNewDelegation =
    hadPrevious && (prev ? prev.delegationType !== a.delegationType : a.delegationType !== 'Regular');
  add(
    {
      holders: [],
      finding: {
        id: changedFindingId(subject, 'delegation', a.delegationType),
        kind: 'changed',
        principal: assignmentPrincipal(a),
        severity: 'high',
        summary: prev
          ? `${a.name}: delegation changed from ${prev.delegationType} to ${a.delegationType}`
          : `${a.name}: new ${a.delegationType} assignment of ${a.role} to ${a.roleAssigneeName || a.roleAssignee}`,
        assignmentGuid: a.guid,
      },
    },
    isNewDelegation,
  );
}

/**
 * Every `changed` state the current snapshot is in, relative to `previous` (raised) or as ids (carried forward);
 * never about a break-glass holder (`watched` are the others).
 */
function changeCandidates(
  snapshot: Snapshot,
  watched: Holder[],
  previous: Snapshot | undefined,
): { raised: ChangeCandidate[]; current: Map<string, ChangeCandidate> } {
  const current = new Map<string, ChangeCandidate>();
  const raised: ChangeCandidate[] = [];
  const prevHolders = new Map((previous?.holders ?? []).map((h) => [h.key, h]));
  const prevAssignments = new Map((previous?.assignments ?? []).map((a) => [a.guid.toLowerCase(), a]));
  const groupHeldBefore = new Set(
    (previous?.holders ?? []).filter((h) => h.via !== 'direct').map((h) => h.assignmentGuid.toLowerCase()),
  );
  for (const a of previous?.assignments ?? []) groupHeldBefore.add(a.guid.toLowerCase());
  const add: AddCandidate = (c, isNew) => {
    current.set(c.finding.id, c);
    if (isNew) raised.push(c);
  };
  for (const h of watched) holderChanges(h, prevHolders.get(h.key), add);
  for (const holders of byAssignment(watched.filter(isGroupHeld)))
    assignmentStateChanges(snapshot, holders, prevHolders, add);
  const joiners = watched.filter(
    (h) =>
      !!previous &&
      joinsThroughMembership(h) &&
      !prevHolders.has(h.key) &&
      groupHeldBefore.has(h.assignmentGuid.toLowerCase()),
  );
  for (const cohort of byAssignment(joiners)) add(memberCohort(snapshot, cohort), true);
  for (const a of snapshot.assignments) assignmentChange(a, prevAssignments.get(a.guid.toLowerCase()), !!previous, add);
  return { raised, current };
}

/** Each holder: break-glass (reported apart), covered by a grant in force, still holding after expiry, or unapproved. */
function holderFindings(
  snapshot: Snapshot,
  grants: { inForce: Grant[]; expired: Grant[] },
  policy: AuditPolicy,
): { findings: Finding[]; breakGlass: Holder[] } {
  const findings: Finding[] = [];
  const breakGlass: Holder[] = [];
  for (const h of snapshot.holders) {
    if (isBreakGlass(h, policy)) {
      breakGlass.push(h);
      continue;
    }
    if (grants.inForce.some((g) => grantCovers(g, h))) continue;
    const lapsed = grants.expired.find((g) => grantCovers(g, h));
    if (lapsed) {
      findings.push({
        id: `expired-present|${lapsed.id}|${h.key}`,
        kind: 'expired-present',
        principal: h.principal,
        severity: h.enabled ? 'high' : 'medium',
        summary:
          `${label(h)} still holds ${h.role} ${h.path}${holderNote(h)}; grant ${lapsed.id} expired ${lapsed.expiresAt ?? ''}`.trim(),
        assignmentGuid: h.assignmentGuid,
        grantId: lapsed.id,
        holderKey: h.key,
      });
      continue;
    }
    findings.push({
      id: `unapproved|${h.key}`,
      kind: 'unapproved',
      principal: h.principal,
      severity: holderSeverity(h),
      summary: `${label(h)} holds ${h.role} ${h.path} without an approved grant${holderNote(h)}`,
      assignmentGuid: h.assignmentGuid,
      holderKey: h.key,
    });
  }
  return { findings, breakGlass };
}

/** Active grants in force whose assignment no holder shows. */
function missingFindings(snapshot: Snapshot, grants: Grant[], nowMs: number): Finding[] {
  return grants
    .filter((g) => g.status === 'active' && isInForce(g, nowMs) && !snapshot.holders.some((h) => grantCovers(g, h)))
    .map((g) => ({
      id: `missing|${g.id}`,
      kind: 'missing',
      principal: g.principal.toLowerCase(),
      severity: 'medium',
      summary: `Grant ${g.id} for ${g.principal} is active but its assignment${g.assignmentName ? ` ${g.assignmentName}` : ''} is gone`,
      assignmentGuid: g.assignmentGuid,
      grantId: g.id,
    }));
}

/** Every holder a change is about is covered by a grant approved since the change was first seen. */
function approvedSince(holders: Holder[], inForce: Grant[], firstSeenIso: string): boolean {
  const firstSeen = Date.parse(firstSeenIso);
  return (
    holders.length > 0 &&
    holders.every((h) => inForce.some((g) => grantCovers(g, h) && (at(g.approvedAt) ?? 0) >= firstSeen))
  );
}

/**
 * The changes raised by this snapshot, and the open ones it still shows unless grants approved since they were
 * first seen cover their holders; never about a break-glass holder, each once.
 */
function changedFindings(snapshot: Snapshot, inForce: Grant[], policy: AuditPolicy, history: DiffHistory): Finding[] {
  const watched = snapshot.holders.filter((h) => !isBreakGlass(h, policy));
  const changes = changeCandidates(snapshot, watched, history.previous);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const keep = (c: ChangeCandidate) => {
    if (seen.has(c.finding.id)) return;
    seen.add(c.finding.id);
    findings.push(c.finding);
  };
  for (const c of changes.raised) keep(c);
  for (const open of history.openChanged ?? []) {
    const c = changes.current.get(open.id) ?? openCohort(open, watched);
    if (c && !approvedSince(c.holders, inForce, open.firstSeen)) keep(c);
  }
  return findings;
}

export function diff(
  snapshot: Snapshot,
  grants: Grant[],
  policy: AuditPolicy,
  now: Date,
  history: DiffHistory = {},
): DiffResult {
  const nowMs = now.getTime();
  const inForce = grants.filter((g) => isInForce(g, nowMs));
  const expired = grants.filter((g) => isExpired(g, nowMs));
  const held = holderFindings(snapshot, { inForce, expired }, policy);
  const findings = [
    ...held.findings,
    ...missingFindings(snapshot, grants, nowMs),
    ...changedFindings(snapshot, inForce, policy, history),
  ];
  const byCause = [...findingsByCause(findings, snapshot), ...canGrantFindings(snapshot)];
  byCause.sort(
    (a, b) => a.kind.localeCompare(b.kind) || a.principal.localeCompare(b.principal) || a.id.localeCompare(b.id),
  );
  return { findings: byCause, breakGlass: held.breakGlass.sort((a, b) => a.key.localeCompare(b.key)) };
}
