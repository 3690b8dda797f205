/**
 * Who can grant the power: a delegating assignment lets its holder assign the role (to anyone, themselves
 * included) but not use it. Organization Management's built-in delegating assignments and the watchdog's own are
 * expected; any other one is a `can-grant` finding, critical whatever it reaches, since whoever can grant the role
 * can give it to themselves.
 */
import { ORGANIZATION_MANAGEMENT, type Finding, type Grantor, type RoleAssignment, type Snapshot } from '../domain.js';

/** The role group the permission scripts give the watchdog (scripts/permissions/permissions.json, exchange.roleGroup). */
export const WATCHDOG_ROLE_GROUP = 'MIE Watchdog';
const EXPECTED_ASSIGNEES = new Set([ORGANIZATION_MANAGEMENT.toLowerCase(), WATCHDOG_ROLE_GROUP.toLowerCase()]);

export function isDelegating(a: RoleAssignment): boolean {
  return a.delegationType.toLowerCase().startsWith('delegating');
}

function assigneeOf(a: RoleAssignment): string {
  return a.roleAssigneeName || a.roleAssignee;
}

/** Every delegating assignment among those read, as a grantor. */
export function grantorsOf(assignments: RoleAssignment[]): Grantor[] {
  return assignments.filter(isDelegating).map((a) => ({
    principal: assigneeOf(a).toLowerCase(),
    assigneeType: a.roleAssigneeType,
    role: a.role,
    assignmentGuid: a.guid,
    assignmentName: a.name,
    delegationType: a.delegationType,
    path: `${a.delegationType} assignment ${a.name} (can grant ${a.role})`,
    capability: ['grant'],
    expected: a.roleAssigneeType === 'RoleGroup' && EXPECTED_ASSIGNEES.has(assigneeOf(a).toLowerCase()),
  }));
}

export function canGrantFindings(snapshot: Snapshot): Finding[] {
  return (snapshot.canGrant ?? [])
    .filter((g) => !g.expected)
    .map((g) => ({
      id: `can-grant|${g.assignmentGuid.toLowerCase()}`,
      kind: 'can-grant' as const,
      principal: g.principal,
      severity: 'critical' as const,
      summary: `${g.principal} (${g.assigneeType}) can grant ${g.role} to anyone, itself included, through ${g.path}`,
      assignmentGuid: g.assignmentGuid,
      capability: g.capability,
    }));
}
