import { describe, expect, it } from 'vitest';
import type { Holder, RoleAssignment } from '../../../lib/domain.js';
import { planRevocations, type AuditView, type RevocationPolicy } from '../../../lib/revoke/planRevocations.js';
import {
  assignment,
  at,
  grant,
  holder,
  HOUR,
  unapprovedFinding,
  VIA_PST_MIGRATION_OPERATORS,
} from '../../../testkit/fixtures.js';

const policy: RevocationPolicy = {
  maxShare: 0.5,
  maxCount: 10,
  unapprovedAction: 'revoke',
  unapprovedGraceMs: HOUR,
  breakGlass: ['breakglass1@contoso.onmicrosoft.com'],
  identityClientId: '7d3c1a2e-5b4f-4e0a-9c61-2f8f0e6b1a11',
};

/** An audit whose unapproved findings are exactly `flagged` (opened `openedAgoMs` before T0), over `holders`. */
function auditOf(
  holders: Holder[],
  flagged: Holder[],
  assignments: RoleAssignment[],
  openedAgoMs = 2 * HOUR,
): AuditView {
  return {
    takenAt: at(-5 * 60_000).toISOString(),
    holders,
    assignments,
    unapproved: flagged.map((h) => ({ finding: unapprovedFinding(h), openedAt: at(-openedAgoMs).toISOString() })),
  };
}

const now = at(0);

/** Each holder a plan keeps, with the reason; the plan must remove nobody. */
function keptOnly(plan: ReturnType<typeof planRevocations>): [string, string][] {
  expect(plan.removals).toEqual([]);
  return plan.protections.map((p) => [p.principal, p.reason]);
}

function tenantOf(count: number) {
  const holders = Array.from({ length: count }, (_, i) => holder(`user${i}@contoso.onmicrosoft.com`, `a${i}`));
  return { holders, assignments: holders.map((h) => assignment(h.assignmentGuid)) };
}

describe('planRevocations: grants', () => {
  it('ends a grant at its expiry instant, not before', () => {
    const due = grant('g-due', { expiresAt: now.toISOString() });
    const later = grant('g-later', { expiresAt: at(1).toISOString(), principal: 'other@contoso.onmicrosoft.com' });
    const plan = planRevocations({ now, grants: [due, later], policy });
    expect(plan.removals).toEqual([{ kind: 'grant', grant: due }]);
    expect(plan.blocked).toBeUndefined();
  });

  it('retries a grant already claimed as expired and ignores finished or undecided ones', () => {
    const claimed = grant('g-claimed', { status: 'expired', expiresAt: at(-HOUR).toISOString() });
    const others = (['revoked', 'released', 'pending', 'approved', 'denied', 'cancelled'] as const).map((status, i) =>
      grant(`g-${status}`, { status, expiresAt: at(-HOUR).toISOString(), principal: `p${i}@contoso.onmicrosoft.com` }),
    );
    const plan = planRevocations({ now, grants: [claimed, ...others], policy });
    expect(plan.removals.map((r) => (r.kind === 'grant' ? r.grant.id : r.kind))).toEqual(['g-claimed']);
  });

  it('leaves an ended grant of a break-glass principal to a person', () => {
    const g = grant('g-bg', { principal: 'breakglass1@contoso.onmicrosoft.com' });
    const plan = planRevocations({ now, grants: [g], policy });
    expect(plan.removals).toEqual([]);
    expect(plan.protections).toMatchObject([
      { principal: 'breakglass1@contoso.onmicrosoft.com', reason: 'break-glass', grant: g },
    ]);
  });
});

describe('planRevocations: unapproved holders', () => {
  const alex = holder('alexw@contoso.onmicrosoft.com', 'a-alex');
  const { holders, assignments } = tenantOf(10);
  const everyone = [...holders, alex];
  const all = [...assignments, assignment('a-alex')];

  it('removes a direct unapproved assignment after the grace period, only in revoke mode', () => {
    const audit = auditOf(everyone, [alex], all);
    expect(planRevocations({ now, grants: [], audit, policy }).removals).toMatchObject([
      { kind: 'unapproved', holder: alex, assignment: { guid: 'a-alex' } },
    ]);
    expect(
      planRevocations({ now, grants: [], audit, policy: { ...policy, unapprovedAction: 'alert' } }).removals,
    ).toEqual([]);
  });

  it('waits while the finding is younger than the grace period', () => {
    const audit = auditOf(everyone, [alex], all, HOUR - 1);
    const plan = planRevocations({ now, grants: [], audit, policy });
    expect(plan.removals).toEqual([]);
    expect(plan.protections).toMatchObject([{ reason: 'in-grace', principal: 'alexw@contoso.onmicrosoft.com' }]);
  });

  it('never removes break-glass (by UPN or object id), the watchdog itself, or a delegating assignment', () => {
    const bg = holder('breakglass1@contoso.onmicrosoft.com', 'a-bg');
    const bgById = holder('eva@contoso.onmicrosoft.com', 'a-eva', {
      principalId: 'AAAAAAAA-0000-4000-8000-000000000001',
    });
    const self = holder(policy.identityClientId ?? '', 'a-self', {
      principalType: 'ServicePrincipal',
      via: 'service-principal',
    });
    const deleg = holder('diegos@contoso.onmicrosoft.com', 'a-deleg');
    const audit = auditOf(
      [...everyone, bg, bgById, self, deleg],
      [bg, bgById, self, deleg],
      [
        ...all,
        assignment('a-bg'),
        assignment('a-eva'),
        assignment('a-self'),
        assignment('a-deleg', { delegationType: 'DelegatingOrgWide' }),
      ],
    );
    expect(
      keptOnly(
        planRevocations({
          now,
          grants: [],
          audit,
          policy: { ...policy, breakGlass: [...policy.breakGlass, 'aaaaaaaa-0000-4000-8000-000000000001'] },
        }),
      ),
    ).toEqual([
      ['breakglass1@contoso.onmicrosoft.com', 'break-glass'],
      ['eva@contoso.onmicrosoft.com', 'break-glass'],
      [policy.identityClientId, 'watchdog-identity'],
      ['diegos@contoso.onmicrosoft.com', 'delegating'],
    ]);
  });

  it('alerts on group paths and Graph app roles instead of removing the shared assignment', () => {
    const viaRoleGroup = holder('lynner@contoso.onmicrosoft.com', 'a-group', VIA_PST_MIGRATION_OPERATORS);
    const viaSecurityGroup = holder('isaiahl@contoso.onmicrosoft.com', 'a-sg', {
      via: 'security-group',
      viaName: 'Legacy Migration Team',
    });
    const viaOrgMgmt = holder('pattif@contoso.onmicrosoft.com', 'a-om', {
      via: 'organization-management',
      viaName: 'Organization Management',
    });
    const app = holder('0f0e0d0c-0000-4000-8000-00000000beef', 'app-role-1', {
      via: 'graph-app-role',
      principalType: 'ServicePrincipal',
      role: 'MailboxItem.ImportExport.All',
    });
    const flagged = [viaRoleGroup, viaSecurityGroup, viaOrgMgmt, app];
    const audit = auditOf([...everyone, ...flagged], flagged, [
      ...all,
      assignment('a-group', { roleAssigneeType: 'RoleGroup' }),
      assignment('a-sg'),
      assignment('a-om'),
    ]);
    const plan = planRevocations({ now, grants: [], audit, policy });
    expect(plan.removals).toEqual([]);
    expect(plan.protections.map((p) => p.reason)).toEqual(['group-path', 'group-path', 'group-path', 'graph-app-role']);
    expect(plan.protections[0]?.detail).toContain('PST Migration Operators');
  });

  it('leaves a holder alone when its assignment is not in the snapshot, or a grant for it opened since the audit', () => {
    const ghost = holder('ghost@contoso.onmicrosoft.com', 'a-ghost');
    const adopted = grant('g-adopt', {
      principal: 'alexw@contoso.onmicrosoft.com',
      status: 'approved',
      assignmentGuid: 'a-alex',
      expiresAt: undefined,
    });
    expect(
      keptOnly(
        planRevocations({
          now,
          grants: [adopted],
          audit: auditOf([...everyone, ghost], [alex, ghost], all),
          policy,
        }),
      ),
    ).toEqual([
      ['alexw@contoso.onmicrosoft.com', 'grant-open'],
      ['ghost@contoso.onmicrosoft.com', 'assignment-unknown'],
    ]);
  });

  it('does not let a pending request, which approves nothing yet, hold off the removal', () => {
    const pending = grant('g-pending', {
      principal: 'alexw@contoso.onmicrosoft.com',
      status: 'pending',
      assignmentGuid: undefined,
      expiresAt: undefined,
    });
    const plan = planRevocations({ now, grants: [pending], audit: auditOf(everyone, [alex], all), policy });
    expect(plan.removals.map((r) => r.kind === 'unapproved' && r.holder.principal)).toEqual([
      'alexw@contoso.onmicrosoft.com',
    ]);
  });

  it('leaves holders known only by an Exchange name, and assignee types the audit cannot expand, to a person', () => {
    const unresolved = holder('LegacyName', 'a-legacy');
    const partner = {
      ...holder('AdminAgents', 'a-partner'),
      via: 'unexpanded-assignee' as const,
      path: 'PartnerLinkedRoleGroup assignment MIE-Partner',
    };
    expect(
      keptOnly(
        planRevocations({
          now,
          grants: [],
          audit: auditOf([...everyone, unresolved, partner], [unresolved, partner], all),
          policy,
        }),
      ),
    ).toEqual([
      ['LegacyName', 'unresolved-principal'],
      ['AdminAgents', 'group-path'],
    ]);
  });

  it('does nothing with unapproved holders before the first audit', () => {
    expect(planRevocations({ now, grants: [], policy }).removals).toEqual([]);
  });
});

describe('planRevocations: mass-removal guard', () => {
  it('blocks a run removing more than the share of current holders, and keeps what it would have done', () => {
    const { holders, assignments } = tenantOf(12);
    const sevenFlagged = holders.slice(0, 7);
    const plan = planRevocations({ now, grants: [], audit: auditOf(holders, sevenFlagged, assignments), policy });
    expect(plan.removals).toHaveLength(7);
    expect(plan.blocked).toMatchObject({ removals: 7, currentHolders: 12, maxShare: 0.5 });
    expect(plan.blocked?.reason).toContain('WATCHDOG_REVOKE_MAX_SHARE');

    const six = planRevocations({ now, grants: [], audit: auditOf(holders, holders.slice(0, 6), assignments), policy });
    expect(six.blocked).toBeUndefined();
  });

  it('counts expiring grants with unapproved removals, and grant holders as current holders', () => {
    const { holders, assignments } = tenantOf(4);
    const grants = [
      grant('g1', { principal: 'x1@contoso.onmicrosoft.com' }),
      grant('g2', { principal: 'x2@contoso.onmicrosoft.com' }),
    ];
    const plan = planRevocations({ now, grants, audit: auditOf(holders, holders.slice(0, 2), assignments), policy });
    expect(plan.removals).toHaveLength(4);
    expect(plan.blocked).toMatchObject({ removals: 4, currentHolders: 6 });
  });

  it('blocks a run over the absolute count', () => {
    const { holders, assignments } = tenantOf(40);
    const plan = planRevocations({
      now,
      grants: [],
      audit: auditOf(holders, holders.slice(0, 4), assignments),
      policy: { ...policy, maxCount: 3 },
    });
    expect(plan.blocked?.reason).toContain('WATCHDOG_REVOKE_MAX_COUNT (3)');
  });

  it('lets expired grants go together on the share (their end was always scheduled) but not past the count', () => {
    const grants = ['a', 'b', 'c'].map((p) => grant(`g-${p}`, { principal: `${p}@contoso.onmicrosoft.com` }));
    expect(planRevocations({ now, grants, policy }).blocked).toBeUndefined();
    expect(planRevocations({ now, grants, policy: { ...policy, maxCount: 2 } }).blocked?.reason).toContain(
      'WATCHDOG_REVOKE_MAX_COUNT (2)',
    );
  });

  it('never blocks a single removal on the share, but WATCHDOG_REVOKE_MAX_COUNT=0 stops everything', () => {
    const lone = holder('alexw@contoso.onmicrosoft.com', 'a-alex');
    const audit = auditOf([lone], [lone], [assignment('a-alex')]);
    expect(planRevocations({ now, grants: [], audit, policy }).blocked).toBeUndefined();
    expect(
      planRevocations({ now, grants: [grant('g-only')], policy: { ...policy, maxCount: 0 } }).blocked?.removals,
    ).toBe(1);
  });
});
