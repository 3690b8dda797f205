import { describe, expect, it } from 'vitest';
import type { StoredFinding } from '../../../lib/ports/index.js';
import { changedFindingId } from '../../../lib/audit/changesByCause.js';
import { diff } from '../../../lib/audit/diff.js';
import { findingChanges } from '../../../lib/audit/findingChanges.js';
import { findingHolder, holderIndex } from '../../../lib/audit/findingsByCause.js';
import { attributionTargets, matchRecords } from '../../../lib/audit/matchAuditRecords.js';
import { renderAttribution } from '../../../lib/audit/renderAttribution.js';
import { renderAlert } from '../../../lib/audit/renderAlert.js';
import type { Finding, Holder, Snapshot } from '../../../lib/domain.js';
import { assignment, grant, holder, HOUR, T0 } from '../../../testkit/fixtures.js';

const NOW = new Date(T0);
const iso = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();
const GUID = 'g-pst';
const GROUP = 'PST Migration Operators';
const policy = { breakGlass: ['breakglass1@contoso.onmicrosoft.com'] };

/** Members `from` .. `from + count - 1` of the role group behind assignment g-pst. */
function members(count: number, from = 0, over: Partial<Holder> = {}): Holder[] {
  return Array.from({ length: count }, (_, i) =>
    holder(`user${String(from + i).padStart(4, '0')}@contoso.onmicrosoft.com`, GUID, {
      via: 'role-group',
      viaName: GROUP,
      path: `via role group ${GROUP}`,
      ...over,
    }),
  );
}

function snapshot(holders: Holder[]): Snapshot {
  return {
    takenAt: NOW.toISOString(),
    holders,
    assignments: [assignment(GUID, { roleAssignee: GROUP, roleAssigneeName: GROUP, roleAssigneeType: 'RoleGroup' })],
  };
}

const changedOf = (findings: Finding[]) => findings.filter((f) => f.kind === 'changed');
const stored = (f: Finding, firstSeen = iso(-HOUR)): StoredFinding => ({ ...f, firstSeen });

describe('changed findings by cause', () => {
  const before = snapshot(members(3000, 0, { scope: 'CustomRecipientWriteScope:Legal' }));

  it('makes a scope change of a group assignment reaching 3,000 people one finding naming all of them', () => {
    const changed = changedOf(diff(snapshot(members(3000)), [], policy, NOW, { previous: before }).findings);
    expect(changed).toHaveLength(1);
    const [finding] = changed;
    expect(finding).toMatchObject({
      id: changedFindingId(`assignment:${GUID}`, 'scope', 'Organization'),
      principal: GROUP.toLowerCase(),
      severity: 'high',
      holderCount: 3000,
      assignmentGuid: GUID,
      capability: ['import', 'restore-deleted-items'],
    });
    expect(finding?.holderKey).toBeUndefined();
    expect(finding?.holders).toHaveLength(3000);
    expect(finding?.summary).toMatch(/scope widened from 'CustomRecipientWriteScope:Legal' to 'Organization'/);
    expect(finding?.summary).toContain('3000 principal(s): user0000@contoso.onmicrosoft.com');

    const alert = renderAlert({
      tenant: 'contoso',
      at: NOW.toISOString(),
      ...findingChanges({ open: [], breakGlass: [] }, { findings: changed, breakGlass: [] }, NOW.toISOString(), '')
        .change,
      openCount: 1,
    });
    expect(alert.tables.find((t) => t.title === 'New findings')?.rows).toHaveLength(1);
    expect(alert.tables.find((t) => t.title === 'New findings')?.rows[0]).toContain(
      '3000 holders: user0000@contoso.onmicrosoft.com, ' +
        'user0001@contoso.onmicrosoft.com, user0002@contoso.onmicrosoft.com, user0003@contoso.onmicrosoft.com, ' +
        'user0004@contoso.onmicrosoft.com and 2995 more',
    );
  });

  it('makes disabling a group assignment one finding, and keeps it open while it stays disabled', () => {
    const disabled = snapshot(members(3000, 0, { enabled: false }));
    const changed = changedOf(diff(disabled, [], policy, NOW, { previous: snapshot(members(3000)) }).findings);
    expect(changed.map((f) => [f.id, f.severity, f.holderCount])).toEqual([
      [changedFindingId(`assignment:${GUID}`, 'enabled', 'false'), 'low', 3000],
    ]);
    const open = [stored(changed[0] as Finding)];
    expect(changedOf(diff(disabled, [], policy, NOW, { openChanged: open }).findings).map((f) => f.id)).toEqual([
      open[0]?.id,
    ]);
    expect(changedOf(diff(snapshot(members(3000)), [], policy, NOW, { openChanged: open }).findings)).toEqual([]);
  });

  it('makes 500 members joining in one run one finding, and 2 joining in a later run a new one that alerts', () => {
    const first = changedOf(
      diff(snapshot(members(510)), [], policy, NOW, { previous: snapshot(members(10)) }).findings,
    );
    expect(first).toHaveLength(1);
    const cohort = first[0] as Finding;
    expect(cohort).toMatchObject({ principal: GROUP.toLowerCase(), severity: 'high', holderCount: 500 });
    expect(cohort.holders).toEqual(members(500, 10).map((h) => h.principal));
    expect(cohort.summary).toContain(`500 principal(s): user0010@contoso.onmicrosoft.com`);
    expect(cohort.summary).toContain(`joined ${GROUP}`);

    // The next run: two more join while the first cohort is still open.
    const open = [stored(cohort)];
    const next = diff(snapshot(members(512)), [], policy, NOW, { previous: snapshot(members(510)), openChanged: open });
    const later = changedOf(next.findings);
    expect(later.map((f) => f.holderCount).sort()).toEqual([2, 500]);
    const joined = later.find((f) => f.holderCount === 2) as Finding;
    expect(joined.id).not.toBe(cohort.id);
    expect(joined.holders).toEqual(['user0510@contoso.onmicrosoft.com', 'user0511@contoso.onmicrosoft.com']);
    const move = findingChanges({ open, breakGlass: [] }, next, NOW.toISOString(), iso(-HOUR));
    expect(move.change.opened.filter((f) => f.kind === 'changed').map((f) => f.id)).toEqual([joined.id]);
    expect(move.change.resolved).toEqual([]);
  });

  it('gives the same joiners the same id, so a repeated run does not alert them twice', () => {
    const run = () =>
      changedOf(diff(snapshot(members(12)), [], policy, NOW, { previous: snapshot(members(10)) }).findings)[0]?.id;
    expect(run()).toBe(run());
  });

  it('keeps a cohort open while any joiner still holds through the assignment, and resolves it when none does', () => {
    const cohort = changedOf(
      diff(snapshot(members(13)), [], policy, NOW, { previous: snapshot(members(10)) }).findings,
    );
    const open = [stored(cohort[0] as Finding)];
    const carried = (holders: Holder[]) =>
      changedOf(diff(snapshot(holders), [], policy, NOW, { openChanged: open }).findings).map((f) => f.id);
    expect(carried(members(13))).toEqual([open[0]?.id]);
    // Two of the three joiners left: still open, as first raised.
    expect(carried([...members(10), ...members(1, 12)])).toEqual([open[0]?.id]);
    // The last joiner holds through another assignment only: no longer through this one.
    expect(carried([...members(10), holder('user0012@contoso.onmicrosoft.com', 'g-other')])).toEqual([]);
    expect(carried(members(10))).toEqual([]);
  });

  it('keeps a cohort whose stored joiners were shortened open while any member of the assignment could be one', () => {
    const cohort = changedOf(
      diff(snapshot(members(13)), [], policy, NOW, { previous: snapshot(members(10)) }).findings,
    );
    const whole = cohort[0] as Finding;
    const shortened = [stored({ ...whole, holders: whole.holders?.slice(0, 1) })];
    const carried = (holders: Holder[]) =>
      changedOf(diff(snapshot(holders), [], policy, NOW, { openChanged: shortened }).findings).map((f) => f.id);
    expect(carried([...members(10), ...members(1, 12)])).toEqual([whole.id]);
    expect(carried(members(10))).toEqual([whole.id]);
    expect(carried([])).toEqual([]);
  });

  it('closes a cohort once grants approved since it was first seen cover every joiner still holding', () => {
    const cohort = changedOf(
      diff(snapshot(members(12)), [], policy, NOW, { previous: snapshot(members(10)) }).findings,
    );
    const open = [stored(cohort[0] as Finding, iso(-2 * HOUR))];
    const grantFor = (h: Holder, approvedAt: string) =>
      grant(`grant-${h.principal}`, {
        principal: h.principal,
        assignmentGuid: GUID,
        approvedAt,
        expiresAt: iso(24 * HOUR),
      });
    const joiners = members(2, 10);
    const run = (grants: ReturnType<typeof grantFor>[]) =>
      changedOf(diff(snapshot(members(12)), grants, policy, NOW, { openChanged: open }).findings).length;
    expect(run([grantFor(joiners[0] as Holder, iso(-HOUR))])).toBe(1);
    expect(run(joiners.map((h) => grantFor(h, iso(-3 * HOUR))))).toBe(1);
    expect(run(joiners.map((h) => grantFor(h, iso(-HOUR))))).toBe(0);
  });

  it('leaves break-glass principals out of a cohort and out of a scope change', () => {
    const bg = holder('breakglass1@contoso.onmicrosoft.com', GUID, { via: 'role-group', viaName: GROUP });
    const widened = diff(snapshot([...members(2), bg]), [], policy, NOW, {
      previous: snapshot(members(2, 0, { scope: 'CustomRecipientWriteScope:Legal' })),
    });
    expect(changedOf(widened.findings).map((f) => f.holders)).toEqual([members(2).map((h) => h.principal)]);
    const onlyBreakGlass = diff(snapshot([...members(2), bg]), [], policy, NOW, { previous: snapshot(members(2)) });
    expect(changedOf(onlyBreakGlass.findings)).toEqual([]);
  });

  it('keeps raising per-holder findings for a direct holder, and carries per-holder findings opened before', () => {
    const direct = holder('alexw@contoso.onmicrosoft.com', 'g-alex', { scope: 'CustomRecipientWriteScope:Legal' });
    const now = diff(snapshot([{ ...direct, scope: 'Organization' }]), [], policy, NOW, {
      previous: snapshot([direct]),
    });
    expect(changedOf(now.findings)).toEqual([
      expect.objectContaining({
        id: changedFindingId(direct.key, 'scope', 'Organization'),
        principal: direct.principal,
        holderKey: direct.key,
        holders: [direct.principal],
        holderCount: 1,
      }),
    ]);
    // A member's own finding, opened before changes of group assignments were grouped, lasts while its state does.
    const [member] = members(1);
    const legacy = stored({
      id: changedFindingId((member as Holder).key, 'enabled', 'true'),
      kind: 'changed',
      principal: (member as Holder).principal,
      severity: 'high',
      summary: 'enabled',
      holderKey: (member as Holder).key,
    });
    expect(changedOf(diff(snapshot(members(1)), [], policy, NOW, { openChanged: [legacy] }).findings)).toEqual([
      expect.objectContaining({ id: legacy.id }),
    ]);
    expect(
      changedOf(diff(snapshot(members(1, 0, { enabled: false })), [], policy, NOW, { openChanged: [legacy] }).findings),
    ).toEqual([]);
  });

  it('attributes a scope change to its assignment and each joiner of a cohort to the record that added them', () => {
    const current = snapshot(members(13));
    const cohort = changedOf(
      diff(current, [], policy, NOW, { previous: snapshot(members(10)) }).findings,
    )[0] as Finding;
    expect(findingHolder(cohort, holderIndex(current.holders))?.assignmentGuid).toBe(GUID);
    const targets = attributionTargets([stored(cohort)], current);
    expect(targets.map((t) => [t.findingId, t.principal, t.viaName])).toEqual(
      members(3, 10).map((h) => [cohort.id, h.principal, GROUP]),
    );
    const widened = changedOf(
      diff(current, [], policy, NOW, {
        previous: snapshot(members(13, 0, { scope: 'CustomRecipientWriteScope:Legal' })),
      }).findings,
    ).find((f) => f.id.includes('|scope|')) as Finding;
    expect(attributionTargets([stored(widened)], current)).toEqual([
      expect.objectContaining({
        findingId: widened.id,
        principal: GROUP.toLowerCase(),
        assignmentName: `Mailbox Import Export-${GUID}`,
      }),
    ]);
  });

  it('names who added each joiner of a cohort on the row of that joiner', () => {
    const current = snapshot(members(12));
    const cohort = changedOf(
      diff(current, [], policy, NOW, { previous: snapshot(members(10)) }).findings,
    )[0] as Finding;
    const targets = attributionTargets([stored(cohort)], current);
    const added = (member: string, by: string) => ({
      id: `r-${member}`,
      createdDateTime: iso(-HOUR),
      operation: 'Add-RoleGroupMember',
      userPrincipalName: by,
      objectId: GROUP,
      auditData: {
        Parameters: [
          { Name: 'Identity', Value: GROUP },
          { Name: 'Member', Value: member },
        ],
      },
    });
    const found = matchRecords(targets, [
      added('user0010@contoso.onmicrosoft.com', 'admin@contoso.onmicrosoft.com'),
      added('user0011@contoso.onmicrosoft.com', 'lidiah@contoso.onmicrosoft.com'),
    ]);
    const rows = renderAttribution({ tenant: 'contoso', at: NOW.toISOString(), targets, found }).tables[0]?.rows;
    expect(rows?.map((r) => [r[0], r[2], r[4]])).toEqual([
      ['user0010@contoso.onmicrosoft.com', 'admin@contoso.onmicrosoft.com', 'Add-RoleGroupMember'],
      ['user0011@contoso.onmicrosoft.com', 'lidiah@contoso.onmicrosoft.com', 'Add-RoleGroupMember'],
    ]);
  });
});
