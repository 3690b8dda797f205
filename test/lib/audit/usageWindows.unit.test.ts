import { describe, expect, it } from 'vitest';
import {
  grantWindow,
  matchUses,
  nextQueryWindow,
  usageQuery,
  type UsageContext,
} from '../../../lib/audit/usageWindows.js';
import type { AuditLogRecord } from '../../../lib/ports/index.js';
import { at, grant, holder, HOUR, T0, upn } from '../../../testkit/fixtures.js';

const WATCHDOG_APP_ID = '11111111-2222-3333-4444-555555555555';
const EXPORT_APP = 'aaaaaaaa-0000-0000-0000-00000000beef';

function record(id: string, operation: string, when: Date, over: Partial<AuditLogRecord> = {}): AuditLogRecord {
  return {
    id,
    createdDateTime: when.toISOString(),
    operation,
    userPrincipalName: upn('adelev'),
    recordType: 'exchangeAdmin',
    auditData: { Parameters: [{ Name: 'Identity', Value: upn('ceo') }] },
    ...over,
  };
}

// g-1 held the role from T0-4h to T0 (expiry); alexw holds it with no grant; an app holds the Graph export role.
const g1 = grant('g-1');
const alexw = holder(upn('alexw'), 'a-alexw');
const app = holder(EXPORT_APP, 'ar-1', {
  principalType: 'ServicePrincipal',
  role: 'MailboxItem.Export.All',
  via: 'graph-app-role',
  capability: ['export'],
});
const ctx = (over: Partial<UsageContext> = {}): UsageContext => ({
  grants: [g1],
  holders: [alexw, app],
  selfIds: [WATCHDOG_APP_ID],
  recordedAt: T0,
  ...over,
});

describe('matchUses', () => {
  it('ties a use inside a grant window to that grant, and one after its expiry to no window', () => {
    const uses = matchUses(
      [
        record('r-in', 'Get-RecoverableItems', at(-HOUR)),
        record('r-after', 'Restore-RecoverableItems', at(HOUR)),
        record('r-before', 'Get-RecoverableItems', at(-5 * HOUR)),
      ],
      ctx(),
    );
    expect(uses.map((u) => [u.recordId, u.window, u.grantId, u.category, u.target])).toEqual([
      ['r-in', 'grant', 'g-1', 'recoverable-items', upn('ceo')],
      ['r-after', 'outside', undefined, 'recoverable-items', upn('ceo')],
      ['r-before', 'outside', undefined, 'recoverable-items', upn('ceo')],
    ]);
    expect(uses[0]).toMatchObject({ windowFrom: g1.activatedAt, windowUntil: new Date(T0).toISOString() });
  });

  it('a grant ends at its removal when that came before its expiry', () => {
    const ended = grant('g-2', { endedAt: at(-2 * HOUR).toISOString(), status: 'revoked' });
    expect(grantWindow(ended)).toEqual({ from: ended.activatedAt, until: at(-2 * HOUR).toISOString() });
    const [use] = matchUses([record('r', 'Get-RecoverableItems', at(-HOUR))], ctx({ grants: [ended] }));
    expect(use?.window).toBe('outside');
    expect(grantWindow({ ...ended, activatedAt: undefined })).toBeUndefined();
  });

  it('marks an unapproved holder by its holder key and capability', () => {
    const [use] = matchUses(
      [
        record('r', 'New-MailboxImportRequest', at(0), {
          userPrincipalName: upn('alexw'),
          auditData: { Parameters: [{ Name: 'Mailbox', Value: 'ceo' }] },
        }),
      ],
      ctx(),
    );
    expect(use).toMatchObject({
      window: 'outside',
      category: 'pst-import',
      actor: upn('alexw'),
      holderKey: alexw.key,
      capability: ['import', 'restore-deleted-items'],
      target: 'ceo',
    });
  });

  it('counts MailItemsAccessed only for an app holding an export permission, named by AppId', () => {
    const uses = matchUses(
      [
        record('m-app', 'MailItemsAccessed', at(0), {
          recordType: 'exchangeItemAggregated',
          userPrincipalName: 'ServicePrincipal_x',
          auditData: { AppId: EXPORT_APP.toUpperCase(), MailboxOwnerUPN: upn('ceo') },
        }),
        record('m-user', 'MailItemsAccessed', at(0), { recordType: 'exchangeItemAggregated', auditData: {} }),
        record('m-other-app', 'MailItemsAccessed', at(0), { auditData: { AppId: 'not-a-holder' } }),
      ],
      ctx(),
    );
    expect(uses.map((u) => [u.recordId, u.actor, u.category, u.target, u.holderKey])).toEqual([
      ['m-app', EXPORT_APP, 'mail-access', upn('ceo'), app.key],
    ]);
  });

  it("keeps role changes that concern the power; the watchdog's own are its own, others outside", () => {
    const params = (pairs: Record<string, string>) => ({
      Parameters: Object.entries(pairs).map(([Name, Value]) => ({ Name, Value })),
    });
    const uses = matchUses(
      [
        record('own', 'New-ManagementRoleAssignment', at(-4 * HOUR), {
          userPrincipalName: WATCHDOG_APP_ID,
          auditData: params({ Name: 'MIE-Grant-g-1', Role: 'Mailbox Import Export', User: 'AdeleV' }),
        }),
        record('rogue', 'Add-RoleGroupMember', at(0), {
          userPrincipalName: upn('admin'),
          objectId: 'Organization Management',
          auditData: params({ Identity: 'Organization Management', Member: 'nestorw' }),
        }),
        record('rogue-mie', 'New-ManagementRoleAssignment', at(0), {
          userPrincipalName: upn('admin'),
          auditData: params({ Role: 'Mailbox Import Export', User: 'nestorw' }),
        }),
        record('removal', 'Remove-ManagementRoleAssignment', at(0), {
          userPrincipalName: upn('admin'),
          auditData: params({ Identity: alexw.assignmentName }),
        }),
        record('re-enabled', 'Set-ManagementRoleAssignment', at(0), {
          userPrincipalName: upn('admin'),
          auditData: params({ Identity: alexw.assignmentName, Enabled: 'True' }),
        }),
        record('other-role', 'Set-ManagementRoleAssignment', at(0), {
          userPrincipalName: upn('admin'),
          auditData: params({ Identity: 'Mail Recipients-Helpdesk', Enabled: 'True' }),
        }),
      ],
      ctx(),
    );
    expect(uses.map((u) => [u.recordId, u.window, u.category, u.actor])).toEqual([
      ['own', 'watchdog', 'role-change', WATCHDOG_APP_ID],
      ['rogue-mie', 'outside', 'role-change', upn('admin')],
      ['removal', 'outside', 'role-change', upn('admin')],
      ['re-enabled', 'outside', 'role-change', upn('admin')],
    ]);
  });

  it("without the watchdog's app id, a grant's own assignment changes stand for the watchdog", () => {
    const uses = matchUses(
      [
        record('own', 'Remove-ManagementRoleAssignment', at(30 * 60_000), {
          userPrincipalName: 'some-app',
          auditData: { Parameters: [{ Name: 'Identity', Value: 'MIE-Grant-g-1' }] },
        }),
      ],
      ctx({ selfIds: [] }),
    );
    expect(uses.map((u) => [u.window, u.grantId])).toEqual([['watchdog', 'g-1']]);
  });

  it('leaves out operations that are not uses and records without an actor', () => {
    expect(
      matchUses(
        [
          record('x', 'Set-Mailbox', at(0)),
          record('y', 'Get-RecoverableItems', at(0), { userPrincipalName: undefined, auditData: {} }),
        ],
        ctx(),
      ),
    ).toEqual([]);
  });
});

describe('the search window', () => {
  const now = new Date(T0);
  it('reaches back the lookback before where the last search ended, or before now on the first run', () => {
    expect(nextQueryWindow(undefined, now, 24 * HOUR)).toEqual({ from: at(-24 * HOUR).toISOString(), to: T0 });
    expect(nextQueryWindow(at(-HOUR).toISOString(), now, 24 * HOUR)).toEqual({
      from: at(-25 * HOUR).toISOString(),
      to: T0,
    });
  });

  it('never reaches past the audit log retention of 180 days', () => {
    expect(nextQueryWindow(at(-400 * 24 * HOUR).toISOString(), now, 24 * HOUR).from).toBe(
      at(-180 * 24 * HOUR).toISOString(),
    );
  });

  it('asks for eDiscovery exports only with the broader scope', () => {
    expect(usageQuery('exchange').operations).not.toContain('SearchExported');
    expect(usageQuery('exchange').recordTypes).not.toContain('discovery');
    expect(usageQuery('all').operations).toEqual(expect.arrayContaining(['SearchExported', 'SearchExportDownloaded']));
    expect(usageQuery('all').recordTypes).toContain('discovery');
  });
});
