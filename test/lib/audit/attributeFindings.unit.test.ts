/** Attribution logic without services: matching, escaping, and what happens to pending queries. */
import { describe, expect, it } from 'vitest';
import { attributeFindings, type AttributionDeps } from '../../../lib/audit/attributeFindings.js';
import type {
  AttributionTarget,
  AuditLogQuery,
  AuditLogRecord,
  JournalEntryInput,
  PendingAttribution,
  SnapshotState,
} from '../../../lib/ports/index.js';
import { matchRecords } from '../../../lib/audit/matchAuditRecords.js';
import { renderAttribution } from '../../../lib/audit/renderAttribution.js';
import { renderEmail } from '../../../lib/notify/emailLayout.js';
import { ManualClock } from '../../../lib/clock.js';
import { warningLogger } from '../../../testkit/loggers.js';

const direct: AttributionTarget = {
  findingId: 'f-alex',
  principal: 'alexw@contoso.onmicrosoft.com',
  displayName: 'Alex Wilber',
  summary: 'Unapproved holder <b>',
  role: 'Mailbox Import Export',
  via: 'direct',
  assignmentName: 'Mailbox Import Export-AlexW',
};
const member: AttributionTarget = {
  ...direct,
  findingId: 'f-lynne',
  principal: 'lynner@contoso.onmicrosoft.com',
  displayName: 'Lynne Robbins',
  via: 'role-group',
  viaName: 'PST Migration Operators',
  assignmentName: 'Mailbox Import Export-PST Migration Operators',
};

function record(
  n: number,
  operation: string,
  by: string,
  objectId: string,
  parameters: Record<string, string>,
): AuditLogRecord {
  return {
    id: `r${n}`,
    createdDateTime: `2026-10-0${n}T10:00:00Z`,
    operation,
    userPrincipalName: by,
    objectId,
    auditData: { Parameters: Object.entries(parameters).map(([Name, Value]) => ({ Name, Value })) },
  };
}

describe('matchRecords', () => {
  it('matches assignments by name and role group members by group and member; the membership wins for a role-group holder', () => {
    const records = [
      record(1, 'New-ManagementRoleAssignment', 'admin@contoso.onmicrosoft.com', 'Mailbox Import Export-AlexW', {
        Name: 'Mailbox Import Export-AlexW',
        Role: 'Mailbox Import Export',
        User: 'AlexW',
      }),
      record(
        2,
        'New-ManagementRoleAssignment',
        'admin@contoso.onmicrosoft.com',
        'Mailbox Import Export-PST Migration Operators',
        { Name: 'Mailbox Import Export-PST Migration Operators' },
      ),
      record(3, 'Add-RoleGroupMember', 'ext@contoso.onmicrosoft.com', 'PST Migration Operators', {
        Identity: 'PST Migration Operators',
        Member: 'LynneR',
      }),
      record(4, 'Add-RoleGroupMember', 'ext@contoso.onmicrosoft.com', 'Other Group', {
        Identity: 'Other Group',
        Member: 'AlexW',
      }),
    ];
    expect(matchRecords([direct, member], records).map((a) => [a.findingId, a.by, a.operation])).toEqual([
      ['f-alex', 'admin@contoso.onmicrosoft.com', 'New-ManagementRoleAssignment'],
      ['f-lynne', 'ext@contoso.onmicrosoft.com', 'Add-RoleGroupMember'],
    ]);
    expect(matchRecords([direct], [records[3]!])).toEqual([]);
  });

  it('matches a scope or enabled change to the latest Set-ManagementRoleAssignment of its assignment, by name or Guid', () => {
    const guid = 'a5500000-0000-4000-8000-000000001003';
    const scope: AttributionTarget = {
      ...member,
      findingId: `changed|scope|assignment:${guid}|CustomRecipientWriteScope:Custodians`,
      principal: 'pst migration operators',
      assignmentGuid: guid,
    };
    const enabled: AttributionTarget = { ...scope, findingId: `changed|enabled|assignment:${guid}|false` };
    const created = record(1, 'New-ManagementRoleAssignment', 'admin@contoso.onmicrosoft.com', member.assignmentName, {
      Name: member.assignmentName,
    });
    const scopedByName = record(
      2,
      'Set-ManagementRoleAssignment',
      'lidiah@contoso.onmicrosoft.com',
      member.assignmentName,
      {
        Identity: member.assignmentName,
        CustomRecipientWriteScope: 'Sales',
      },
    );
    const scopedByGuid = record(3, 'Set-ManagementRoleAssignment', 'megan@contoso.onmicrosoft.com', guid, {
      Identity: guid.toUpperCase(),
      CustomRecipientWriteScope: 'Custodians',
    });
    const disabled = record(4, 'Set-ManagementRoleAssignment', 'ext@contoso.onmicrosoft.com', member.assignmentName, {
      Identity: member.assignmentName,
      Enabled: 'False',
    });
    const otherAssignment = record(5, 'Set-ManagementRoleAssignment', 'ext@contoso.onmicrosoft.com', 'Other', {
      Identity: 'Other',
      CustomRecipientWriteScope: 'Custodians',
    });
    const all = [created, scopedByName, scopedByGuid, disabled, otherAssignment];
    const who = (targets: AttributionTarget[], records: AuditLogRecord[]) =>
      matchRecords(targets, records).map((a) => [a.findingId, a.by, a.operation]);
    expect(who([scope, enabled], all)).toEqual([
      [scope.findingId, 'megan@contoso.onmicrosoft.com', 'Set-ManagementRoleAssignment'],
      [enabled.findingId, 'ext@contoso.onmicrosoft.com', 'Set-ManagementRoleAssignment'],
    ]);
    // Without a Set record that changed what the finding is about: the record that created the assignment, as before.
    expect(who([scope], [created, disabled, otherAssignment])).toEqual([
      [scope.findingId, 'admin@contoso.onmicrosoft.com', 'New-ManagementRoleAssignment'],
    ]);
    // A per-holder change of a direct assignment, from a row stored before targets carried the Guid: by name.
    const directScope = { ...direct, findingId: 'changed|scope|direct|alexw|CustomRecipientWriteScope:Sales' };
    const scopedDirect = record(
      6,
      'Set-ManagementRoleAssignment',
      'lidiah@contoso.onmicrosoft.com',
      direct.assignmentName,
      {
        Identity: direct.assignmentName,
        RecipientRelativeWriteScope: 'Organization',
      },
    );
    expect(who([directScope, direct], [scopedDirect])).toEqual([
      [directScope.findingId, 'lidiah@contoso.onmicrosoft.com', 'Set-ManagementRoleAssignment'],
    ]);
  });

  it('escapes tenant values in the HTML', () => {
    const email = renderEmail(
      renderAttribution({
        tenant: 'contoso.onmicrosoft.com',
        at: '2026-11-02T09:00:00Z',
        targets: [direct],
        found: [
          {
            findingId: 'f-alex',
            target: direct,
            by: '<script>@x.com',
            at: '2026-10-01T10:00:00Z',
            operation: 'New-ManagementRoleAssignment',
          },
        ],
      }),
    );
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;');
    expect(email.html).toContain('Unapproved holder &lt;b&gt;');
  });
});

describe('attributeFindings with pending queries', () => {
  function setup(status: AuditLogQuery['status'], startedAt: string) {
    const clock = new ManualClock('2026-11-02T09:00:00Z');
    const logger = warningLogger();
    const saved: PendingAttribution[][] = [];
    const gets: string[] = [];
    const journal: JournalEntryInput[] = [];
    const deps: AttributionDeps = {
      clock,
      logger,
      mailer: {
        send: async () => ({ status: 'sent', messageId: 'm' }),
        sendDeferred: async () => ({ sent: [], waiting: 0 }),
      },
      directory: {
        startAuditLogQuery: async () => ({ id: 'new', status: 'notStarted' }),
        getAuditLogQuery: async (id) => (gets.push(id), { id, status }),
        listAuditLogRecords: async () => [],
      },
      store: {
        journal: {
          append: async () => ({}) as never,
          appendMany: async (e) => (journal.push(...e), []),
          appendOnce: async () => [],
          headSeq: async () => 0,
          read: async function* () {},
        },
        snapshots: {
          saveAttribution: async (p: PendingAttribution[], s: SnapshotState) => (saved.push(p), s),
        } as unknown as AttributionDeps['store']['snapshots'],
      },
    };
    const state: SnapshotState = {
      version: 1,
      holderCount: 0,
      consecutiveFailures: 0,
      attribution: [{ queryId: 'q-1', startedAt, findings: [direct] }],
    };
    const input = {
      tenant: 'contoso.onmicrosoft.com',
      alertRecipients: ['security@contoso.onmicrosoft.com'],
      state,
      opened: [],
      snapshot: { takenAt: '', holders: [], assignments: [] },
    };
    return { deps, input, warnings: logger.warnings, saved, gets, journal };
  }

  it('drops a failed query with a warning', async () => {
    const t = setup('failed', '2026-11-02T08:00:00Z');
    expect(await attributeFindings(t.deps, t.input)).toEqual([]);
    expect(t.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/q-1 failed; dropped/)]);
    expect(t.saved).toEqual([[]]);
  });

  it('drops a query older than a day without reading it', async () => {
    const t = setup('running', '2026-11-01T08:00:00Z');
    await attributeFindings(t.deps, t.input);
    expect(t.gets).toEqual([]);
    expect(t.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/not completed within a day/)]);
    expect(t.saved).toEqual([[]]);
  });

  it('keeps a running query without writing anything', async () => {
    const t = setup('running', '2026-11-02T08:00:00Z');
    await attributeFindings(t.deps, t.input);
    expect(t.gets).toEqual(['q-1']);
    expect(t.saved).toEqual([]);
    expect(t.warnings).toEqual([]);
  });
});
