/** The open/resolve arithmetic of an audit run, without stores. */
import { describe, expect, it } from 'vitest';
import type { BreakGlassUse, StoredFinding } from '../../../lib/ports/index.js';
import { findingChanges, isEmptyChange, openSetHash } from '../../../lib/audit/findingChanges.js';
import type { Finding, Holder } from '../../../lib/domain.js';

const AT = '2026-11-02T09:00:00.000Z';
const LAST_SUCCESS = '2026-11-02T08:00:00.000Z';

function finding(id: string): Finding {
  return { id, kind: 'unapproved', principal: `${id}@contoso.onmicrosoft.com`, severity: 'high', summary: id };
}

function stored(id: string, firstSeen = '2026-11-01T00:00:00.000Z'): StoredFinding {
  return { ...finding(id), firstSeen };
}

function holder(key: string): Holder {
  return {
    key,
    principal: `${key}@contoso.onmicrosoft.com`,
    principalType: 'User',
    role: 'Mailbox Import Export',
    via: 'direct',
    path: 'direct',
    assignmentGuid: `g-${key}`,
    assignmentName: `a-${key}`,
    scope: 'Organization',
    enabled: true,
    capability: ['import', 'restore-deleted-items'],
  };
}

function use(key: string): BreakGlassUse {
  const h = holder(key);
  return { holderKey: key, principal: h.principal, holder: h, firstSeen: '2026-11-01T00:00:00.000Z' };
}

describe('findingChanges', () => {
  it('opens what is new, resolves what is gone and keeps what stays, survivors first', () => {
    const before = { open: [stored('stays'), stored('gone')], breakGlass: [] };
    const { change, after } = findingChanges(
      before,
      { findings: [finding('new'), finding('stays')], breakGlass: [] },
      AT,
      LAST_SUCCESS,
    );
    expect(change.opened).toEqual([{ ...finding('new'), firstSeen: AT }]);
    expect(change.resolved).toEqual([{ ...stored('gone'), lastSeen: LAST_SUCCESS, resolvedAt: AT }]);
    expect(after.open.map((f) => f.id)).toEqual(['stays', 'new']);
    // A finding that stays keeps when it was first seen.
    expect(after.open[0]).toEqual(stored('stays'));
  });

  it('says a resolved finding was last seen when first seen if no run succeeded before', () => {
    const { change } = findingChanges(
      { open: [stored('gone', '2026-10-30T00:00:00.000Z')], breakGlass: [] },
      { findings: [], breakGlass: [] },
      AT,
      undefined,
    );
    expect(change.resolved[0]).toMatchObject({ lastSeen: '2026-10-30T00:00:00.000Z', resolvedAt: AT });
  });

  it('detects and clears break-glass holders apart from findings', () => {
    const { change, after } = findingChanges(
      { open: [], breakGlass: [use('bg-stays'), use('bg-gone')] },
      { findings: [], breakGlass: [holder('bg-stays'), holder('bg-new')] },
      AT,
      LAST_SUCCESS,
    );
    expect(change.opened).toEqual([]);
    expect(change.resolved).toEqual([]);
    expect(change.breakGlassDetected).toEqual([
      { holderKey: 'bg-new', principal: 'bg-new@contoso.onmicrosoft.com', holder: holder('bg-new'), firstSeen: AT },
    ]);
    expect(change.breakGlassCleared).toEqual([{ ...use('bg-gone'), clearedAt: AT }]);
    expect(after.breakGlass.map((u) => u.holderKey)).toEqual(['bg-stays', 'bg-new']);
  });

  it('is empty when the open set already is the target', () => {
    const before = { open: [stored('a')], breakGlass: [use('bg')] };
    const { change, after } = findingChanges(
      before,
      { findings: [finding('a')], breakGlass: [holder('bg')] },
      AT,
      LAST_SUCCESS,
    );
    expect(isEmptyChange(change)).toBe(true);
    expect(after).toEqual(before);
  });

  it('is not empty when only a break-glass holder cleared', () => {
    const { change } = findingChanges(
      { open: [], breakGlass: [use('bg')] },
      { findings: [], breakGlass: [] },
      AT,
      LAST_SUCCESS,
    );
    expect(isEmptyChange(change)).toBe(false);
  });
});

describe('openSetHash', () => {
  it('depends on the ids in the open set, not their order or content', () => {
    const a = openSetHash({ findings: [finding('x'), finding('y')], breakGlass: [holder('bg')] });
    const reordered = openSetHash({
      findings: [{ ...finding('y'), summary: 'other words' }, finding('x')],
      breakGlass: [holder('bg')],
    });
    expect(reordered).toBe(a);
    expect(openSetHash({ findings: [finding('x')], breakGlass: [holder('bg')] })).not.toBe(a);
    // A finding id and a break-glass key that spell the same never collide.
    expect(openSetHash({ findings: [finding('k')], breakGlass: [] })).not.toBe(
      openSetHash({ findings: [], breakGlass: [holder('k')] }),
    );
  });
});
