/** Small builders for revocation unit tests: grants, holders and assignments as the audit stores them. */
import type { Finding, Grant, Holder, RoleAssignment } from '../../lib/domain.js';
import { MIE_ROLE } from '../../lib/domain.js';
import type { AuditView, RevocationPolicy } from '../../lib/revoke/planRevocations.js';

export const T0 = '2026-11-02T10:00:00.000Z';
export const HOUR = 3_600_000;

export function at(offsetMs: number, base = T0): Date {
  return new Date(Date.parse(base) + offsetMs);
}

export function grant(id: string, over: Partial<Grant> = {}): Grant {
  return {
    id,
    principal: 'adelev@contoso.onmicrosoft.com',
    principalName: 'AdeleV',
    role: MIE_ROLE,
    status: 'active',
    method: 'direct',
    requestedBy: 'meganb@contoso.onmicrosoft.com',
    requestedAt: at(-5 * HOUR).toISOString(),
    justification: 'PST export for case 42',
    ticket: 'CHG-1',
    durationMs: 4 * HOUR,
    approvedBy: 'lidiah@contoso.onmicrosoft.com',
    activatedAt: at(-4 * HOUR).toISOString(),
    expiresAt: T0,
    assignmentGuid: `guid-${id}`,
    assignmentName: `MIE-Grant-${id}`,
    ...over,
  };
}

export function assignment(guid: string, over: Partial<RoleAssignment> = {}): RoleAssignment {
  return {
    guid,
    name: `Mailbox Import Export-${guid}`,
    role: MIE_ROLE,
    roleAssignee: guid,
    roleAssigneeName: guid,
    roleAssigneeType: 'User',
    delegationType: 'Regular',
    enabled: true,
    ...over,
  };
}

export function holder(principal: string, assignmentGuid: string, over: Partial<Holder> = {}): Holder {
  return {
    key: `${principal}|${assignmentGuid}`,
    principal,
    principalType: 'User',
    role: MIE_ROLE,
    via: 'direct',
    path: 'direct assignment',
    assignmentGuid,
    assignmentName: `Mailbox Import Export-${assignmentGuid}`,
    scope: 'Organization',
    enabled: true,
    ...over,
  };
}

export function unapproved(h: Holder): Finding {
  return {
    id: `unapproved|${h.key}`,
    kind: 'unapproved',
    principal: h.principal,
    severity: 'high',
    summary: `${h.principal} holds ${h.role} without a grant`,
    assignmentGuid: h.assignmentGuid,
    holderKey: h.key,
  };
}

/** An audit whose unapproved findings are exactly `flagged` (opened `openedAgoMs` before T0), over `holders`. */
export function auditOf(
  holders: Holder[],
  flagged: Holder[],
  assignments: RoleAssignment[],
  openedAgoMs = 2 * HOUR,
): AuditView {
  return {
    takenAt: at(-5 * 60_000).toISOString(),
    holders,
    assignments,
    unapproved: flagged.map((h) => ({ finding: unapproved(h), openedAt: at(-openedAgoMs).toISOString() })),
  };
}

export const policy: RevocationPolicy = {
  maxShare: 0.5,
  maxCount: 10,
  unapprovedAction: 'revoke',
  unapprovedGraceMs: HOUR,
  breakGlass: ['breakglass1@contoso.onmicrosoft.com'],
  identityClientId: '7d3c1a2e-5b4f-4e0a-9c61-2f8f0e6b1a11',
};
