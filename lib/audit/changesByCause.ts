/**
 * `changed` findings by cause. A group assignment's scope and enabled state are properties of the assignment that
 * every principal it reaches shares: a change is one finding per assignment naming them all, not one per member.
 * The members who joined one group assignment since the previous snapshot are one finding (a cohort) naming them;
 * its id is the assignment and who joined, so members who join in a later run are a new finding that alerts, and an
 * open cohort stays open while any of its joiners still holds through the assignment (lib/audit/diff.ts carries it).
 */
import { createHash } from 'node:crypto';
import type { Finding, Holder, Snapshot } from '../domain.js';
import type { StoredFinding } from '../ports/index.js';
import { assigneeOf, GROUP_PATHS, namedFew } from './findingsByCause.js';
import { isOrganizationWide } from './organizationWide.js';

export type ChangeAspect = 'scope' | 'enabled' | 'member' | 'delegation';
const ASPECTS: readonly string[] = ['scope', 'enabled', 'member', 'delegation'] satisfies ChangeAspect[];

export function changedFindingId(subject: string, aspect: ChangeAspect, value: string): string {
  return `changed|${aspect}|${subject}|${value}`;
}

/** What a `changed` finding's id says changed; undefined for any other finding. */
export function changeAspect(findingId: string): ChangeAspect | undefined {
  const [kind, aspect] = findingId.split('|');
  return kind === 'changed' && aspect !== undefined && ASPECTS.includes(aspect) ? (aspect as ChangeAspect) : undefined;
}

/** A `changed` state the snapshot is in, and the holders it is about (whom a later grant must cover to close it). */
export interface ChangeCandidate {
  finding: Finding;
  holders: Holder[];
}

/** Records a candidate: every one is current, the new ones are also raised. */
export type AddCandidate = (c: ChangeCandidate, isNew: boolean) => void;

/**
 * Group paths whose membership the watchdog reads, so a new member is a change it can see. Without the member
 * finding, someone joining a group whose unapproved finding is already open (or acknowledged) would raise nothing.
 */
const MEMBER_PATHS = new Set<Holder['via']>([
  'role-group',
  'security-group',
  'organization-management',
  'ediscovery-role-group',
]);

export const isGroupHeld = (h: Holder): boolean => GROUP_PATHS.has(h.via);
export const joinsThroughMembership = (h: Holder): boolean => MEMBER_PATHS.has(h.via);

const assignmentSubject = (guid: string) => `assignment:${guid.toLowerCase()}`;
const COHORT_PREFIX = changedFindingId(assignmentSubject(''), 'member', '').slice(0, -1);

/** Who joined, as a short stable tag: the same joiners give the same id in a repeated run. */
function cohortTag(principals: string[]): string {
  return createHash('sha256').update(principals.join('\n')).digest('hex').slice(0, 16);
}

export function byAssignment(holders: Holder[]): Holder[][] {
  const out = new Map<string, Holder[]>();
  for (const h of holders) {
    const guid = h.assignmentGuid.toLowerCase();
    const list = out.get(guid);
    if (list) list.push(h);
    else out.set(guid, [h]);
  }
  return [...out.values()];
}

function causeBase(snapshot: Snapshot, holders: Holder[]) {
  const first = holders[0] as Holder;
  const principals = [...new Set(holders.map((h) => h.principal))].sort();
  return {
    first,
    subject: assignmentSubject(first.assignmentGuid),
    reach: `${principals.length} principal(s): ${namedFew(principals)}`,
    finding: {
      kind: 'changed' as const,
      principal: assigneeOf(snapshot, first),
      assignmentGuid: first.assignmentGuid,
      capability: first.capability,
      holders: principals,
      holderCount: principals.length,
    },
  };
}

/**
 * One group assignment's scope and enabled state (all its holders share them), new when its holders' previous
 * state differs. `holders` are the assignment's current holders; `prevHolders` the previous snapshot's by key.
 */
export function assignmentStateChanges(
  snapshot: Snapshot,
  holders: Holder[],
  prevHolders: Map<string, Holder>,
  add: AddCandidate,
): void {
  const { first, subject, reach, finding } = causeBase(snapshot, holders);
  const prev = holders.map((h) => prevHolders.get(h.key)).find((p) => p !== undefined);
  const widened = isOrganizationWide(first.scope) && !!prev && !isOrganizationWide(prev.scope);
  add(
    {
      holders,
      finding: {
        ...finding,
        id: changedFindingId(subject, 'scope', first.scope),
        severity: widened ? 'high' : 'medium',
        summary: `${first.assignmentName}: scope ${widened ? 'widened' : 'changed'} from '${prev?.scope ?? ''}' to '${first.scope}'; it reaches ${reach}`,
      },
    },
    !!prev && prev.scope !== first.scope,
  );
  add(
    {
      holders,
      finding: {
        ...finding,
        id: changedFindingId(subject, 'enabled', String(first.enabled)),
        severity: first.enabled ? 'high' : 'low',
        summary: `${first.assignmentName} was ${first.enabled ? 'enabled' : 'disabled'}; it reaches ${reach}`,
      },
    },
    !!prev && prev.enabled !== first.enabled,
  );
}

/** The members who joined one group assignment since the previous snapshot: one new finding naming them. */
export function memberCohort(snapshot: Snapshot, joiners: Holder[]): ChangeCandidate {
  const { first, subject, reach, finding } = causeBase(snapshot, joiners);
  return {
    holders: joiners,
    finding: {
      ...finding,
      id: changedFindingId(subject, 'member', cohortTag(finding.holders)),
      severity: 'high',
      summary: `${reach} joined ${first.viaName ?? 'a group'}, which holds ${first.role} through ${first.assignmentName}`,
    },
  };
}

export function isMemberCohort(finding: Pick<Finding, 'id'>): boolean {
  return finding.id.startsWith(COHORT_PREFIX);
}

/**
 * An open cohort while any of its joiners still holds through its assignment: the finding as first raised (its
 * id and joiners do not move), about the joiners who still hold. Undefined once none does, or for another finding.
 * A cohort restored from its journal entry after a dead run may name only its first joiners (`holderCount` says
 * how many joined): then any member of the assignment may be one, and it stays open rather than resolve early.
 */
export function openCohort(open: StoredFinding, watched: Holder[]): ChangeCandidate | undefined {
  if (!isMemberCohort(open) || !open.assignmentGuid) return undefined;
  const guid = open.assignmentGuid.toLowerCase();
  const joiners = new Set(open.holders ?? []);
  const shortened = (open.holderCount ?? 0) > joiners.size;
  const holders = watched.filter(
    (h) =>
      h.assignmentGuid.toLowerCase() === guid && joinsThroughMembership(h) && (shortened || joiners.has(h.principal)),
  );
  if (!holders.length) return undefined;
  const { firstSeen: _firstSeen, lastSeen: _lastSeen, resolvedAt: _resolvedAt, ...finding } = open;
  return { finding, holders };
}
