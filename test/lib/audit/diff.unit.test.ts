import { describe, expect, it } from 'vitest';
import type { StoredFinding } from '../../../lib/ports/index.js';
import { changedFindingId } from '../../../lib/audit/changesByCause.js';
import { diff } from '../../../lib/audit/diff.js';
import type { Grant, Holder, RoleAssignment, Snapshot } from '../../../lib/domain.js';
import { assignment, grant, holder, HOUR, T0 } from '../../../testkit/fixtures.js';

const NOW = new Date(T0);
const iso = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();

function snapshot(holders: Holder[], assignments: RoleAssignment[] = []): Snapshot {
  return { takenAt: NOW.toISOString(), holders, assignments };
}

/** A three-day grant of `principal`, a day before its end; matched by principal and role unless it names an assignment. */
function grantOf(id: string, principal: string, over: Partial<Grant> = {}): Grant {
  return grant(id, {
    principal,
    durationMs: 72 * HOUR,
    expiresAt: iso(24 * HOUR),
    assignmentGuid: undefined,
    assignmentName: undefined,
    ...over,
  });
}

const policy = { breakGlass: ['breakglass1@contoso.onmicrosoft.com'] };
const alex = holder('alexw@contoso.onmicrosoft.com', 'g-alex');
const adele = holder('adelev@contoso.onmicrosoft.com', 'g-adele');

describe('diff', () => {
  it('reports a holder without a grant as unapproved, and a disabled one at low severity', () => {
    const diego = holder('diegos@contoso.onmicrosoft.com', 'g-diego', { enabled: false });
    const { findings } = diff(snapshot([alex, diego]), [], policy, NOW);
    expect(findings.map((f) => [f.kind, f.principal, f.severity])).toEqual([
      ['unapproved', 'alexw@contoso.onmicrosoft.com', 'high'],
      ['unapproved', 'diegos@contoso.onmicrosoft.com', 'low'],
    ]);
    expect(findings[1]?.summary).toContain('assignment disabled');
  });

  it('raises nothing for a holder covered by an active grant', () => {
    const { findings } = diff(
      snapshot([adele]),
      [grantOf('gr-1', 'AdeleV@contoso.onmicrosoft.com', { assignmentGuid: 'G-ADELE' })],
      policy,
      NOW,
    );
    expect(findings).toEqual([]);
  });

  it('does not let a grant for one assignment approve another path of the same principal', () => {
    const viaGroup = holder('adelev@contoso.onmicrosoft.com', 'g-group', {
      via: 'role-group',
      viaName: 'PST Migration Operators',
    });
    const { findings } = diff(
      snapshot([adele, viaGroup]),
      [grantOf('gr-1', 'adelev@contoso.onmicrosoft.com', { assignmentGuid: 'g-adele' })],
      policy,
      NOW,
    );
    // The group path is a finding by cause: its assignment, naming the one principal it reaches.
    expect(findings.map((f) => [f.kind, f.assignmentGuid, f.holders])).toEqual([
      ['unapproved', 'g-group', [viaGroup.principal]],
    ]);
  });

  it('matches a role-group grant by its role group', () => {
    const viaGroup = holder('adelev@contoso.onmicrosoft.com', 'g-group', { via: 'role-group', viaName: 'MIE Grants' });
    const g = grantOf('gr-2', 'adelev@contoso.onmicrosoft.com', { method: 'role-group', roleGroup: 'mie grants' });
    expect(diff(snapshot([viaGroup]), [g], policy, NOW).findings).toEqual([]);
    // The direct path is not what was granted, and the granted membership is gone.
    expect(diff(snapshot([adele]), [g], policy, NOW).findings.map((f) => f.kind)).toEqual(['missing', 'unapproved']);
  });

  it('reports an expired grant whose assignment is still there as expired-present, not unapproved', () => {
    const g = grantOf('gr-3', 'adelev@contoso.onmicrosoft.com', { assignmentGuid: 'g-adele', expiresAt: iso(-HOUR) });
    const { findings } = diff(snapshot([adele]), [g], policy, NOW);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      kind: 'expired-present',
      principal: 'adelev@contoso.onmicrosoft.com',
      grantId: 'gr-3',
      severity: 'high',
    });
    const marked = diff(snapshot([adele]), [{ ...g, status: 'expired' }], policy, NOW).findings;
    expect(marked.map((f) => f.kind)).toEqual(['expired-present']);
  });

  it('reports an active grant whose assignment is gone as missing', () => {
    const { findings } = diff(
      snapshot([]),
      [grantOf('gr-4', 'adelev@contoso.onmicrosoft.com', { assignmentGuid: 'g-adele', assignmentName: 'MIE-AdeleV' })],
      policy,
      NOW,
    );
    expect(findings).toEqual([
      expect.objectContaining({
        id: 'missing|gr-4',
        kind: 'missing',
        principal: 'adelev@contoso.onmicrosoft.com',
        grantId: 'gr-4',
      }),
    ]);
  });

  it('ignores grants that are pending, denied, ended, or approved for later', () => {
    const grants = [
      grantOf('p', 'adelev@contoso.onmicrosoft.com', { status: 'pending' }),
      grantOf('d', 'adelev@contoso.onmicrosoft.com', { status: 'denied' }),
      grantOf('r', 'adelev@contoso.onmicrosoft.com', { status: 'revoked' }),
      grantOf('l', 'adelev@contoso.onmicrosoft.com', { status: 'approved', startsAt: iso(HOUR) }),
    ];
    const { findings } = diff(snapshot([adele]), grants, policy, NOW);
    expect(findings.map((f) => f.kind)).toEqual(['unapproved']);
    const started = diff(
      snapshot([adele]),
      [grantOf('s', 'adelev@contoso.onmicrosoft.com', { status: 'approved', startsAt: iso(-HOUR) })],
      policy,
      NOW,
    );
    expect(started.findings).toEqual([]);
  });

  it('puts break-glass holders in their own list, never in findings', () => {
    const bg = holder('breakglass1@contoso.onmicrosoft.com', 'g-om', { via: 'organization-management' });
    const byId = holder('app-id-1', 'g-sp', {
      principalType: 'ServicePrincipal',
      principalId: '0000aaaa-0000-4000-8000-000000000001',
    });
    const { findings, breakGlass } = diff(
      snapshot([bg, byId, alex]),
      [],
      { breakGlass: [...policy.breakGlass, '0000AAAA-0000-4000-8000-000000000001'] },
      NOW,
    );
    expect(breakGlass.map((h) => h.key).sort()).toEqual([bg.key, byId.key].sort());
    expect(findings.map((f) => f.principal)).toEqual(['alexw@contoso.onmicrosoft.com']);
  });

  it('raises changed for a widened scope, an enabled toggle, a new group member and a delegation change', () => {
    const scoped = holder('lynner@contoso.onmicrosoft.com', 'g-pst', {
      via: 'role-group',
      viaName: 'PST',
      scope: 'CustomRecipientWriteScope:Legal',
    });
    const disabled = holder('diegos@contoso.onmicrosoft.com', 'g-diego', { enabled: false });
    const previous = snapshot(
      [scoped, disabled],
      [assignment('g-pst'), assignment('g-diego'), assignment('g-deleg', { delegationType: 'DelegatingOrgWide' })],
    );
    const widened = { ...scoped, scope: 'Organization' };
    const enabled = { ...disabled, enabled: true };
    const newcomer = holder('gradya@contoso.onmicrosoft.com', 'g-pst', { via: 'role-group', viaName: 'PST' });
    const current = snapshot(
      [widened, enabled, newcomer],
      [
        assignment('g-pst'),
        assignment('g-diego'),
        assignment('g-deleg', { delegationType: 'Regular' }),
        assignment('g-new', { delegationType: 'Delegating' }),
      ],
    );
    const changed = diff(current, [], policy, NOW, { previous }).findings.filter((f) => f.kind === 'changed');
    const cohort = changed.find((f) => f.id.startsWith('changed|member|'));
    expect(cohort?.id).toMatch(/^changed\|member\|assignment:g-pst\|[0-9a-f]{16}$/);
    expect(cohort).toMatchObject({ principal: 'g-pst', holders: [newcomer.principal], holderCount: 1 });
    expect(changed.map((f) => f.id).sort()).toEqual(
      [
        changedFindingId('assignment:g-pst', 'scope', 'Organization'),
        changedFindingId(enabled.key, 'enabled', 'true'),
        cohort?.id,
        changedFindingId('assignment:g-deleg', 'delegation', 'Regular'),
        changedFindingId('assignment:g-new', 'delegation', 'Delegating'),
      ].sort(),
    );
    const scope = changed.find((f) => f.id.includes('|scope|'));
    expect(scope?.summary).toContain('widened');
    // The scope is the assignment's: every principal it reaches now is named, the newcomer too.
    expect(scope).toMatchObject({
      principal: 'g-pst',
      holders: [newcomer.principal, scoped.principal],
      holderCount: 2,
    });
    expect(scope?.holderKey).toBeUndefined();
    expect(changed.find((f) => f.id.includes('|enabled|'))).toMatchObject({
      principal: enabled.principal,
      holderKey: enabled.key,
      holders: [enabled.principal],
    });
  });

  it('raises no changed finding without a previous snapshot, nor for a brand-new assignment', () => {
    expect(diff(snapshot([alex], [assignment('g-alex')]), [], policy, NOW).findings.map((f) => f.kind)).toEqual([
      'unapproved',
    ]);
    const later = diff(snapshot([alex, adele], [assignment('g-alex'), assignment('g-adele')]), [], policy, NOW, {
      previous: snapshot([alex], [assignment('g-alex')]),
    });
    expect(later.findings.map((f) => f.kind)).toEqual(['unapproved', 'unapproved']);
  });

  it('keeps a changed finding open while the state lasts, until a later grant covers the holder', () => {
    const enabled = holder('diegos@contoso.onmicrosoft.com', 'g-diego');
    const id = changedFindingId(enabled.key, 'enabled', 'true');
    const open: StoredFinding = {
      id,
      kind: 'changed',
      principal: enabled.principal,
      severity: 'high',
      summary: 's',
      firstSeen: iso(-2 * HOUR),
    };
    expect(diff(snapshot([enabled]), [], policy, NOW, { openChanged: [open] }).findings.map((f) => f.id)).toContain(id);
    expect(
      diff(snapshot([{ ...enabled, enabled: false }]), [], policy, NOW, { openChanged: [open] }).findings.map(
        (f) => f.id,
      ),
    ).not.toContain(id);
    const oldGrant = grantOf('old', enabled.principal, { approvedAt: iso(-3 * HOUR) });
    expect(
      diff(snapshot([enabled]), [oldGrant], policy, NOW, { openChanged: [open] }).findings.map((f) => f.id),
    ).toEqual([id]);
    const newGrant = grantOf('new', enabled.principal, { approvedAt: iso(-HOUR) });
    expect(diff(snapshot([enabled]), [newGrant], policy, NOW, { openChanged: [open] }).findings).toEqual([]);
  });
});
