import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../../lib/caller.js';
import type { Grant, GrantStatus } from '../../../../lib/domain.js';
import { GrantPolicyError, GrantStateError, InvalidGrantInputError } from '../../../../lib/grants/grantErrors.js';
import { checkDurationBounds } from '../../../../lib/grants/policy/durationBounds.js';
import { canView, checkMayCancel, checkMayExtend, checkMayRelease } from '../../../../lib/grants/policy/grantAccess.js';
import { checkNotSelfAdoption, checkNotSelfDecision } from '../../../../lib/grants/policy/selfDecision.js';
import { checkStartTime } from '../../../../lib/grants/policy/startTime.js';
import { checkTransition, decisionTarget, type GrantAction } from '../../../../lib/grants/policy/transitions.js';
import { pendingGrant } from '../../../../testkit/fixtures.js';

const H = 3_600_000;
const bounds = { minDurationMs: H, maxDurationMs: 30 * 24 * H };
const MEGAN = 'meganb@contoso.onmicrosoft.com';
const ADELE = 'adelev@contoso.onmicrosoft.com';
const LIDIA = 'lidiah@contoso.onmicrosoft.com';

/** Grant g1 (adelev's, requested by meganb) in `status`, with no decision recorded unless `extra` adds one. */
function grant(status: GrantStatus, extra: Partial<Grant> = {}): Grant {
  return pendingGrant('g1', { status, durationMs: 8 * H, ...extra });
}
const caller = (upn: string, ...roles: Caller['roles']): Caller => ({ upn, roles });

describe('duration bounds', () => {
  it.each([
    [H, true],
    [30 * 24 * H, true],
    [H - 1000, false],
    [30 * 24 * H + 1000, false],
  ])('%d ms allowed: %s', (ms, ok) => {
    const check = () => checkDurationBounds('duration', ms, bounds);
    if (ok) expect(check).not.toThrow();
    else expect(check).toThrow(InvalidGrantInputError);
  });

  it('names the field and the bounds', () => {
    const error = (() => {
      try {
        checkDurationBounds('duration', 10 * 60_000, bounds);
      } catch (e) {
        return e as InvalidGrantInputError;
      }
    })();
    expect(error?.field).toBe('duration');
    expect(error?.message).toMatch(/PT10M is outside the allowed range PT1H to P30D/);
  });
});

describe('start time', () => {
  const now = new Date('2026-11-02T09:00:00Z');
  it.each([
    [undefined, true],
    ['2026-11-02T08:57:00Z', true],
    ['2026-11-03T08:00:00Z', true],
    ['2026-11-02T08:00:00Z', false],
    ['2027-03-01T00:00:00Z', false],
    ['yesterday', false],
  ])('%s accepted: %s', (start, ok) => {
    const check = () => checkStartTime(start, now);
    if (ok) expect(check).not.toThrow();
    else expect(check).toThrow(expect.objectContaining({ field: 'start' }));
  });
});

describe('self-decision', () => {
  const person = (upn: string, oid?: string, tid?: string) => ({ upn, oid, tid });
  const MEGAN_ID = '0c0e0000-0000-4000-8000-00000000000b';
  const TENANT = '3a7c1b9e-5d2f-4e8a-9b61-0c4d2e7f8a15';

  it('refuses the requester and the grantee, accepts a third person', () => {
    expect(() => checkNotSelfDecision(grant('pending'), person(MEGAN))).toThrow(GrantPolicyError);
    expect(() => checkNotSelfDecision(grant('pending'), person('AdeleV@Contoso.onmicrosoft.com'))).toThrow(/grantee/);
    expect(() => checkNotSelfDecision(grant('pending'), person(LIDIA))).not.toThrow();
  });

  it('for an extension, neither its requester, the original requester nor the grantee may decide', () => {
    const g = grant('active', {
      extension: { durationMs: H, requestedBy: ADELE, requestedAt: '2026-11-02T10:00:00Z', justification: 'more' },
    });
    expect(() => checkNotSelfDecision(g, person(ADELE))).toThrow(/grantee/);
    expect(() => checkNotSelfDecision(g, person(MEGAN))).toThrow(/requested grant .* or its extension/);
    expect(() => checkNotSelfDecision(g, person(LIDIA))).not.toThrow();
    const byAnother = grant('active', {
      extension: {
        durationMs: H,
        requestedBy: 'pattif@contoso.onmicrosoft.com',
        requestedAt: '2026-11-02T10:00:00Z',
        justification: 'more',
      },
    });
    expect(() => checkNotSelfDecision(byAnother, person('pattif@contoso.onmicrosoft.com'))).toThrow(
      /requested the extension/,
    );
  });

  it('recognises the grantee by object id, whatever UPN the token carries', () => {
    const g = grant('pending', { principalId: '0c0e0000-0000-4000-8000-000000000013' });
    expect(() =>
      checkNotSelfDecision(g, person('adele.renamed@contoso.onmicrosoft.com', '0C0E0000-0000-4000-8000-000000000013')),
    ).toThrow(/grantee/);
  });

  it('recognises the requester and the extension requester by object id and tenant', () => {
    const g = grant('pending', { requestedById: MEGAN_ID, requestedByTenantId: TENANT });
    expect(() => checkNotSelfDecision(g, person('megan.bowen@contoso.onmicrosoft.com', MEGAN_ID, TENANT))).toThrow(
      /requested grant/,
    );
    const ext = grant('active', {
      extension: {
        durationMs: H,
        requestedBy: 'pattif@contoso.onmicrosoft.com',
        requestedById: '0c0e0000-0000-4000-8000-000000000002',
        requestedAt: '2026-11-02T10:00:00Z',
        justification: 'more',
      },
    });
    expect(() =>
      checkNotSelfDecision(
        ext,
        person('patti.renamed@contoso.onmicrosoft.com', '0c0e0000-0000-4000-8000-000000000002'),
      ),
    ).toThrow(/requested the extension/);
  });

  it('when both sides have an object id it alone decides: a UPN given to someone else later is another person', () => {
    const g = grant('pending', { requestedById: MEGAN_ID });
    expect(() => checkNotSelfDecision(g, person(MEGAN, '0c0e0000-0000-4000-8000-0000000000ff'))).not.toThrow();
    // Another tenant's object with the same id is not the requester either.
    expect(() =>
      checkNotSelfDecision(
        grant('pending', { requestedById: MEGAN_ID, requestedByTenantId: TENANT }),
        person(LIDIA, MEGAN_ID, '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d'),
      ),
    ).not.toThrow();
  });

  it('a grant row written before object ids were recorded still compares by UPN, normalised', () => {
    const old = grant('pending');
    expect(old.requestedById).toBeUndefined();
    for (const spelling of [MEGAN, ' MeganB@contoso.onmicrosoft.com', 'ｍｅｇａｎｂ@contoso.onmicrosoft.com']) {
      expect(() => checkNotSelfDecision(old, person(spelling, MEGAN_ID))).toThrow(/requested grant/);
    }
  });

  it('an adopter may not adopt their own assignment, by UPN or by object id', () => {
    expect(() =>
      checkNotSelfAdoption(person('alexw@contoso.onmicrosoft.com'), person('AlexW@contoso.onmicrosoft.com')),
    ).toThrow(GrantPolicyError);
    expect(() =>
      checkNotSelfAdoption(
        person('alexw@contoso.onmicrosoft.com', '0c0e0000-0000-4000-8000-000000000004'),
        person('alex.renamed@contoso.onmicrosoft.com', '0c0e0000-0000-4000-8000-000000000004'),
      ),
    ).toThrow(GrantPolicyError);
    expect(() => checkNotSelfAdoption(person('alexw@contoso.onmicrosoft.com'), person(LIDIA))).not.toThrow();
  });
});

describe('state transitions', () => {
  const ACTIONS: GrantAction[] = ['approve', 'deny', 'cancel', 'extend', 'release', 'activate'];
  /** The state machine from the side of the states: what each one allows (every status listed, the closed ones none). */
  const allows: Record<GrantStatus, GrantAction[]> = {
    pending: ['approve', 'deny', 'cancel'],
    approved: ['cancel', 'activate'],
    active: ['extend', 'release'],
    denied: [],
    cancelled: [],
    expired: [],
    revoked: [],
    released: [],
    lapsed: [],
  };
  it.each(Object.entries(allows) as [GrantStatus, GrantAction[]][])('a %s grant allows only %j', (status, actions) => {
    for (const action of ACTIONS) {
      const check = () => checkTransition(grant(status), action);
      if (actions.includes(action)) expect(check).not.toThrow();
      else expect(check).toThrow(GrantStateError);
    }
  });

  it('approve and deny decide on a pending extension of an active grant; a second extension waits', () => {
    const g = grant('active', {
      extension: { durationMs: H, requestedBy: MEGAN, requestedAt: '2026-11-02T10:00:00Z', justification: 'more' },
    });
    expect(decisionTarget(g)).toBe('extension');
    expect(decisionTarget(grant('pending'))).toBe('request');
    expect(() => checkTransition(g, 'approve')).not.toThrow();
    expect(() => checkTransition(g, 'deny')).not.toThrow();
    expect(() => checkTransition(g, 'extend')).toThrow(/already has an extension/);
  });
});

describe('who may act and see', () => {
  const g = grant('active');
  it('cancel: requester or approver', () => {
    expect(() => checkMayCancel(g, caller(MEGAN, 'Grant.Request'))).not.toThrow();
    expect(() => checkMayCancel(g, caller(LIDIA, 'Grant.Approve'))).not.toThrow();
    expect(() => checkMayCancel(g, caller(ADELE, 'Grant.Request'))).toThrow(GrantPolicyError);
  });
  it('extend: requester or grantee, not an uninvolved approver', () => {
    expect(() => checkMayExtend(g, caller(MEGAN, 'Grant.Request'))).not.toThrow();
    expect(() => checkMayExtend(g, caller(ADELE, 'Grant.Request'))).not.toThrow();
    expect(() => checkMayExtend(g, caller(LIDIA, 'Grant.Request', 'Grant.Approve'))).toThrow(GrantPolicyError);
  });
  it('release: grantee, requester or approver', () => {
    expect(() => checkMayRelease(g, caller(ADELE, 'Grant.Request'))).not.toThrow();
    expect(() => checkMayRelease(g, caller(LIDIA, 'Grant.Approve'))).not.toThrow();
    expect(() => checkMayRelease(g, caller('gradya@contoso.onmicrosoft.com', 'Grant.Request'))).toThrow(
      GrantPolicyError,
    );
  });
  it('view: approvers and auditors see all, requesters their own', () => {
    expect(canView(g, caller('auditor@contoso.onmicrosoft.com', 'Audit.Read'))).toBe(true);
    expect(canView(g, caller(MEGAN, 'Grant.Request'))).toBe(true);
    expect(canView(g, caller('gradya@contoso.onmicrosoft.com', 'Grant.Request'))).toBe(false);
  });
});
