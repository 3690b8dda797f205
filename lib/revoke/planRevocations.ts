/**
 * What one revocation run should remove, decided as a pure function of (now, grants, the last
 * complete audit, policy). The job then only executes the plan; every safety rule lives here so that
 * it is unit-tested without I/O.
 */
import type { Finding, Grant, Holder, RoleAssignment } from '../domain.js';
import { findingHolder, holderIndex } from '../audit/findingsByCause.js';

export interface RevocationPolicy {
  /** A run removing more than this share of current holders removes nothing. */
  maxShare: number;
  /** A run removing more than this many assignments removes nothing. */
  maxCount: number;
  unapprovedAction: 'alert' | 'revoke';
  unapprovedGraceMs: number;
  /** Lower-cased UPNs or object ids. */
  breakGlass: string[];
  /** Client id (appId) of the watchdog's own identity. */
  identityClientId?: string;
}

/** An unapproved finding of the last complete audit and since when it has been open. */
export interface OpenUnapproved {
  finding: Finding;
  openedAt: string;
}

/** The last complete audit as the revocation job needs it. */
export interface AuditView {
  takenAt: string;
  holders: Holder[];
  assignments: RoleAssignment[];
  unapproved: OpenUnapproved[];
}

export interface GrantRevocation {
  kind: 'grant';
  grant: Grant;
}

export interface UnapprovedRemoval {
  kind: 'unapproved';
  holder: Holder;
  finding: Finding;
  assignment: RoleAssignment;
}

export type Removal = GrantRevocation | UnapprovedRemoval;

export type ProtectionReason =
  | 'break-glass'
  | 'watchdog-identity'
  | 'delegating'
  | 'assignment-unknown'
  | 'unresolved-principal'
  | 'group-path'
  | 'graph-app-role'
  /** An Exchange application role or a Purview role group: another door to mailbox content, closed by a person. */
  | 'other-door'
  | 'grant-open'
  | 'in-grace';

/** An unapproved holder (or an ending grant) that the run leaves alone, and why. */
export interface Protection {
  principal: string;
  reason: ProtectionReason;
  detail: string;
  finding?: Finding;
  holder?: Holder;
  grant?: Grant;
}

export interface MassRemovalBlock {
  removals: number;
  currentHolders: number;
  maxShare: number;
  maxCount: number;
  /** Which limit the run crossed, in words. */
  reason: string;
}

export interface RevocationPlan {
  removals: Removal[];
  protections: Protection[];
  /** Set when the mass-removal guard stopped the run: `removals` is then what it would have done. */
  blocked?: MassRemovalBlock;
  /** What the share is measured against: the last audit's holders plus active and expired grants. */
  currentHolders: number;
}

/** Grants that approve the principal now or soon; a pending request approves nothing yet. */
const OPEN = new Set<Grant['status']>(['approved', 'active']);
/** What a resolved holder's principal looks like: a UPN, or an appId / object id. */
const RESOLVED_PRINCIPAL = /@|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GROUP_PATHS = new Set<Holder['via']>(['role-group', 'security-group', 'organization-management']);

/**
 * The grant should lose its access now: it is past its expiry, or an earlier run claimed it (status
 * expired) without confirming the removal. Early release removes and verifies synchronously
 * (lib/grants/releaseGrant.ts); a release that could not be verified leaves the grant active, so it
 * is removed here at its expiry.
 */
export function isEnding(grant: Grant, now: Date): boolean {
  if (grant.status === 'expired') return true;
  return grant.status === 'active' && grant.expiresAt !== undefined && Date.parse(grant.expiresAt) <= now.getTime();
}

function isBreakGlass(policy: RevocationPolicy, principal: string, principalId?: string): boolean {
  const list = policy.breakGlass;
  return (
    list.includes(principal.toLowerCase()) || (principalId !== undefined && list.includes(principalId.toLowerCase()))
  );
}

function isWatchdog(policy: RevocationPolicy, holder: Holder): boolean {
  const own = policy.identityClientId?.toLowerCase();
  if (!own) return false;
  return holder.principal.toLowerCase() === own || holder.principalId?.toLowerCase() === own;
}

/** Decides whether an unapproved holder may be removed automatically; the first rule that applies wins. */
function protectionOf(
  policy: RevocationPolicy,
  holder: Holder,
  assignment: RoleAssignment | undefined,
  openedAt: string,
  now: Date,
): Omit<Protection, 'principal' | 'finding' | 'holder'> | undefined {
  if (isBreakGlass(policy, holder.principal, holder.principalId))
    return { reason: 'break-glass', detail: 'listed in WATCHDOG_BREAK_GLASS: never revoked' };
  if (isWatchdog(policy, holder))
    return { reason: 'watchdog-identity', detail: "the watchdog's own identity: never revoked" };
  if (holder.via === 'graph-app-role') {
    return {
      reason: 'graph-app-role',
      detail: `Graph app role ${holder.role}: remove the app role assignment in Entra ID by hand`,
    };
  }
  if (holder.via === 'application-role') {
    return {
      reason: 'other-door',
      detail: `Exchange application role ${holder.role} (${holder.assignmentName}): remove the app's role assignment by hand after checking what depends on it`,
    };
  }
  if (holder.via === 'ediscovery-role-group') {
    return {
      reason: 'other-door',
      detail: `${holder.path}: remove the member from the Purview role group ${holder.viaName ?? ''} by hand`,
    };
  }
  if (holder.via === 'unexpanded-assignee') {
    return {
      reason: 'group-path',
      detail: `${holder.path}: an assignee type whose members the audit cannot list; review it by hand`,
    };
  }
  // Break-glass and own-identity checks above need a UPN or id; a holder known only by its Exchange name is left to a person.
  if (!RESOLVED_PRINCIPAL.test(holder.principal)) {
    return {
      reason: 'unresolved-principal',
      detail: `${holder.principal} could not be resolved to a UPN or object id: review it by hand`,
    };
  }
  if (GROUP_PATHS.has(holder.via)) {
    return {
      reason: 'group-path',
      detail: `${holder.path}: removing the group's assignment would also take the role from approved members; remove the member from ${holder.viaName ?? 'the group'} by hand`,
    };
  }
  if (!assignment)
    return { reason: 'assignment-unknown', detail: `assignment ${holder.assignmentGuid} is not in the last snapshot` };
  if (assignment.delegationType !== 'Regular')
    return {
      reason: 'delegating',
      detail: `${assignment.name} is a ${assignment.delegationType} assignment: never removed`,
    };
  const due = Date.parse(openedAt) + policy.unapprovedGraceMs;
  if (due > now.getTime())
    return { reason: 'in-grace', detail: `open since ${openedAt}; removed after ${new Date(due).toISOString()}` };
  return undefined;
}

/** A grant that is open for the holder's assignment or principal: the audit that flagged it may predate it. */
function openGrantFor(grants: Grant[], holder: Holder): Grant | undefined {
  return grants.find(
    (g) =>
      OPEN.has(g.status) &&
      (g.assignmentGuid === holder.assignmentGuid || g.principal.toLowerCase() === holder.principal.toLowerCase()),
  );
}

function principalsOf(holders: Holder[], grants: Grant[]): Set<string> {
  const set = new Set(holders.map((h) => h.principal.toLowerCase()));
  for (const g of grants) if (g.status === 'active' || g.status === 'expired') set.add(g.principal.toLowerCase());
  return set;
}

/**
 * The mass-removal guard. Every removal counts toward WATCHDOG_REVOKE_MAX_COUNT (a burst past the cap
 * means a clock or store problem). The share guards against sweeping away access that was never
 * scheduled to end (a bad read making approved holders look unapproved), so it applies to runs that
 * remove unapproved holders: an expired grant's access was always going to go, and a tenant whose only
 * holders are grants must still see them expire together. A single removal is never a mass removal.
 */
function massRemovalBlock(
  removals: Removal[],
  currentHolders: number,
  policy: RevocationPolicy,
  others = 0,
): MassRemovalBlock | undefined {
  const count = removals.length + others;
  const base = { removals: count, currentHolders, maxShare: policy.maxShare, maxCount: policy.maxCount };
  if (count > policy.maxCount)
    return { ...base, reason: `${count} removals is more than WATCHDOG_REVOKE_MAX_COUNT (${policy.maxCount})` };
  const sweeping = removals.some((r) => r.kind === 'unapproved');
  if (sweeping && count > 1 && count > policy.maxShare * currentHolders) {
    const pct = (n: number) => `${Math.round(n * 100)}%`;
    return {
      ...base,
      reason: `${count} of ${currentHolders} current holders (${pct(count / Math.max(currentHolders, 1))}) is more than WATCHDOG_REVOKE_MAX_SHARE (${pct(policy.maxShare)})`,
    };
  }
  return undefined;
}

export function planRevocations(input: {
  now: Date;
  grants: Grant[];
  audit?: AuditView;
  policy: RevocationPolicy;
}): RevocationPlan {
  const { now, grants, audit, policy } = input;
  const removals: Removal[] = [];
  const protections: Protection[] = [];

  for (const grant of grants) {
    if (!isEnding(grant, now)) continue;
    if (isBreakGlass(policy, grant.principal, grant.principalId)) {
      protections.push({
        principal: grant.principal,
        reason: 'break-glass',
        detail: `grant ${grant.id} ended but its principal is listed in WATCHDOG_BREAK_GLASS: remove the assignment by hand if intended`,
        grant,
      });
      continue;
    }
    removals.push({ kind: 'grant', grant });
  }

  if (audit && policy.unapprovedAction === 'revoke') {
    const assignments = new Map(audit.assignments.map((a) => [a.guid, a]));
    const holders = holderIndex(audit.holders);
    const taken = new Set(
      removals.flatMap((r) => (r.kind === 'grant' && r.grant.assignmentGuid ? [r.grant.assignmentGuid] : [])),
    );
    for (const { finding, openedAt } of audit.unapproved) {
      const holder = findingHolder(finding, holders);
      if (!holder) continue;
      // A finding by cause is about its assignment: the protection names the assignee, not one of its members.
      const principal = finding.holderKey ? holder.principal : finding.principal;
      const assignment = assignments.get(holder.assignmentGuid);
      const open = openGrantFor(grants, holder);
      if (open) {
        protections.push({
          principal,
          finding,
          holder,
          grant: open,
          reason: 'grant-open',
          detail: `grant ${open.id} (${open.status}) covers this principal since the last audit`,
        });
        continue;
      }
      const protection = protectionOf(policy, holder, assignment, openedAt, now);
      if (protection) {
        protections.push({ principal, finding, holder, ...protection });
        continue;
      }
      if (!assignment || taken.has(assignment.guid)) continue;
      taken.add(assignment.guid);
      removals.push({ kind: 'unapproved', holder, finding, assignment });
    }
  }

  const currentHolders = principalsOf(audit?.holders ?? [], grants).size;
  const blocked = massRemovalBlock(removals, currentHolders, policy);
  return blocked ? { removals, protections, blocked, currentHolders } : { removals, protections, currentHolders };
}

/**
 * The same guard over the plan plus `others` removals decided elsewhere (the own assignments closed grants left
 * behind, lib/revoke/reconcileGrantAssignments.ts): they are removals too, and a grants table whose open grants
 * all read as closed at once is exactly the store problem the count stops.
 */
export function guardWithOthers(plan: RevocationPlan, others: number, policy: RevocationPolicy): RevocationPlan {
  if (plan.blocked || others === 0) return plan;
  const blocked = massRemovalBlock(plan.removals, plan.currentHolders, policy, others);
  return blocked ? { ...plan, blocked } : plan;
}
