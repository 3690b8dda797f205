/**
 * Findings by cause: one finding per assignment (or app permission) a group path reaches, naming every principal
 * it reaches in `holders`. A security group of 3,000 people behind one assignment is one finding with 3,000
 * holders, not 3,000 findings; it stays the same finding (same id) as members come and go, and members who join
 * later are `changed` findings of their own. Findings about one principal (direct assignments, apps, expired
 * grants) keep `principal` and `holderKey` and name that one principal in `holders`. `changed` findings of group
 * paths are by cause when the diff raises them (lib/audit/changesByCause.ts).
 */
import type { Finding, Holder, Severity, Snapshot } from '../domain.js';

/** Paths through which one assignment reaches many principals. */
export const GROUP_PATHS = new Set<Holder['via']>([
  'role-group',
  'security-group',
  'organization-management',
  'ediscovery-role-group',
]);
const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** The finding id of an assignment that reaches principals through a group. */
export function causeFindingId(assignmentGuid: string): string {
  return `unapproved|assignment:${assignmentGuid.toLowerCase()}`;
}

/** Who an assignment is given to (the role group, security group or app), lower-cased: a cause finding's principal. */
export function assigneeOf(snapshot: Snapshot, holder: Holder): string {
  const a = snapshot.assignments.find((x) => x.guid.toLowerCase() === holder.assignmentGuid.toLowerCase());
  return (a?.roleAssigneeName || a?.roleAssignee || holder.viaName || holder.assignmentName).toLowerCase();
}

/** The first few principals of a long list, for a summary line; the finding's `holders` has them all. */
export function namedFew(principals: string[]): string {
  return principals.slice(0, 3).join(', ') + (principals.length > 3 ? ', ...' : '');
}

function causeFinding(snapshot: Snapshot, members: { finding: Finding; holder: Holder }[]): Finding {
  const first = members[0] as { finding: Finding; holder: Holder };
  const holders = [...new Set(members.map((m) => m.holder.principal))].sort();
  const severity = members.map((m) => m.finding.severity).sort((a, b) => SEVERITY_RANK[a] - SEVERITY_RANK[b])[0];
  const eligible = members.filter((m) => m.holder.eligible).length;
  const eligibleNote = eligible ? ` (${eligible} of them only PIM-eligible)` : '';
  return {
    id: causeFindingId(first.holder.assignmentGuid),
    kind: 'unapproved',
    principal: assigneeOf(snapshot, first.holder),
    severity: severity ?? first.finding.severity,
    summary: `${holders.length} principal(s)${eligibleNote} hold ${first.holder.role} through ${first.holder.assignmentName} without an approved grant: ${namedFew(holders)}`,
    assignmentGuid: first.holder.assignmentGuid,
    capability: first.holder.capability,
    holders,
    holderCount: holders.length,
  };
}

/** Regroups the diff's per-holder findings by cause; findings not about a holder pass unchanged. */
export function findingsByCause(findings: Finding[], snapshot: Snapshot): Finding[] {
  const holders = new Map(snapshot.holders.map((h) => [h.key, h]));
  const out: Finding[] = [];
  const causes = new Map<string, { finding: Finding; holder: Holder }[]>();
  for (const f of findings) {
    const holder = f.holderKey ? holders.get(f.holderKey) : undefined;
    if (!holder) {
      out.push(f);
      continue;
    }
    if (f.kind !== 'unapproved' || !GROUP_PATHS.has(holder.via)) {
      out.push({ ...f, capability: holder.capability, holders: [holder.principal], holderCount: 1 });
      continue;
    }
    const key = holder.assignmentGuid.toLowerCase();
    const members = causes.get(key);
    if (members) members.push({ finding: f, holder });
    else causes.set(key, [{ finding: f, holder }]);
  }
  for (const members of causes.values()) out.push(causeFinding(snapshot, members));
  return out;
}

/** Holders by key and by assignment, for findingHolder. */
export interface HolderIndex {
  byKey: Map<string, Holder>;
  byAssignment: Map<string, Holder[]>;
}

export function holderIndex(holders: Holder[]): HolderIndex {
  const index: HolderIndex = { byKey: new Map(), byAssignment: new Map() };
  for (const h of holders) {
    index.byKey.set(h.key, h);
    const guid = h.assignmentGuid.toLowerCase();
    const list = index.byAssignment.get(guid);
    if (list) list.push(h);
    else index.byAssignment.set(guid, [h]);
  }
  return index;
}

/**
 * The holder a finding is about: its own, or for a finding by cause (`unapproved`, or `changed` naming `holders`)
 * the first holder of its assignment it names (revocation and attribution act on the assignment, which every holder
 * of the cause shares).
 */
export function findingHolder(finding: Finding, index: HolderIndex): Holder | undefined {
  if (finding.holderKey) return index.byKey.get(finding.holderKey);
  const guid = finding.assignmentGuid?.toLowerCase();
  if (!guid || (finding.kind !== 'unapproved' && !(finding.kind === 'changed' && finding.holders))) return undefined;
  const reached = new Set(finding.holders ?? []);
  return index.byAssignment.get(guid)?.find((h) => !reached.size || reached.has(h.principal));
}
