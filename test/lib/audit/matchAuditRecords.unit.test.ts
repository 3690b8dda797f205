/** Which new findings are attributed, and from when the audit log query reads. */
import { describe, expect, it } from 'vitest';
import type { AttributionTarget, StoredFinding } from '../../../lib/ports/index.js';
import { attributionTargets, queryStart } from '../../../lib/audit/matchAuditRecords.js';
import type { Holder, RoleAssignment, Snapshot } from '../../../lib/domain.js';

const HOUR = 3_600_000;

function holder(key: string, via: Holder['via']): Holder {
  return {
    key,
    principal: `${key}@contoso.onmicrosoft.com`,
    principalId: `oid-${key}`,
    principalType: 'User',
    displayName: key.toUpperCase(),
    role: 'Mailbox Import Export',
    via,
    viaName: via === 'role-group' ? 'PST Migration Operators' : undefined,
    path: via,
    assignmentGuid: `g-${key}`,
    assignmentName: `a-${key}`,
    scope: 'Organization',
    enabled: true,
    capability: ['import', 'restore-deleted-items'],
  };
}

function opened(id: string, kind: StoredFinding['kind'], holderKey?: string): StoredFinding {
  return { id, kind, principal: 'p', severity: 'high', summary: `summary ${id}`, holderKey, firstSeen: '' };
}

function assignment(name: string, whenCreatedUtc?: string): RoleAssignment {
  return {
    guid: `g-${name}`,
    name,
    role: 'Mailbox Import Export',
    roleAssignee: name,
    roleAssigneeName: name,
    roleAssigneeType: 'User',
    delegationType: 'Regular',
    enabled: true,
    whenCreatedUtc,
  };
}

describe('attributionTargets', () => {
  const snapshot: Snapshot = {
    takenAt: '',
    holders: [holder('alex', 'direct'), holder('lynne', 'role-group'), holder('app', 'graph-app-role')],
    assignments: [],
  };

  it('takes new unapproved and changed findings about an Exchange holder, with the holder they are about', () => {
    const targets = attributionTargets(
      [
        opened('f-alex', 'unapproved', 'alex'),
        opened('f-lynne', 'changed', 'lynne'),
        opened('f-missing', 'missing', 'alex'),
        opened('f-expired', 'expired-present', 'alex'),
        opened('f-app', 'unapproved', 'app'),
        opened('f-gone', 'unapproved', 'not-in-snapshot'),
        opened('f-none', 'unapproved'),
      ],
      snapshot,
    );
    expect(targets).toEqual<AttributionTarget[]>([
      {
        findingId: 'f-alex',
        principal: 'alex@contoso.onmicrosoft.com',
        principalId: 'oid-alex',
        displayName: 'ALEX',
        summary: 'summary f-alex',
        role: 'Mailbox Import Export',
        via: 'direct',
        viaName: undefined,
        assignmentName: 'a-alex',
        assignmentGuid: 'g-alex',
      },
      {
        findingId: 'f-lynne',
        principal: 'lynne@contoso.onmicrosoft.com',
        principalId: 'oid-lynne',
        displayName: 'LYNNE',
        summary: 'summary f-lynne',
        role: 'Mailbox Import Export',
        via: 'role-group',
        viaName: 'PST Migration Operators',
        assignmentName: 'a-lynne',
        assignmentGuid: 'g-lynne',
      },
    ]);
  });
});

describe('queryStart', () => {
  const now = new Date('2026-11-02T09:00:00.000Z');
  const target = { assignmentName: 'A-Alex' } as AttributionTarget;

  it('starts an hour before the oldest assignment the targets go through (names compared without case)', () => {
    const start = queryStart(
      [target],
      [
        assignment('a-alex', '2026-10-20T10:00:00.000Z'),
        assignment('A-ALEX', '2026-10-25T10:00:00.000Z'),
        assignment('a-other', '2026-01-01T00:00:00.000Z'),
      ],
      now,
    );
    expect(start.toISOString()).toBe('2026-10-20T09:00:00.000Z');
  });

  it('reaches back 180 days at most, and that far when no creation time is known', () => {
    const limit = new Date(now.getTime() - 180 * 24 * HOUR - HOUR).toISOString();
    expect(queryStart([target], [assignment('a-alex', '2020-01-01T00:00:00.000Z')], now).toISOString()).toBe(limit);
    expect(queryStart([target], [assignment('a-alex'), assignment('a-alex', 'not a date')], now).toISOString()).toBe(
      limit,
    );
  });
});
