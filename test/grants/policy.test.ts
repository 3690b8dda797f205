import { describe, expect, it } from 'vitest';
import type { Caller } from '../../lib/auth/identity.js';
import { MIE_ROLE, type Grant, type GrantStatus } from '../../lib/domain.js';
import { GrantPolicyError, GrantStateError, InvalidGrantInputError } from '../../lib/grants/grantErrors.js';
import { checkDurationBounds } from '../../lib/grants/policy/durationBounds.js';
import { canView, checkMayCancel, checkMayExtend, checkMayRelease } from '../../lib/grants/policy/grantAccess.js';
import { checkNotSelfAdoption, checkNotSelfDecision } from '../../lib/grants/policy/selfDecision.js';
import { checkStartTime } from '../../lib/grants/policy/startTime.js';
import { checkTransition, decisionTarget, type GrantAction } from '../../lib/grants/policy/transitions.js';

const H = 3_600_000;
const bounds = { minDurationMs: H, maxDurationMs: 30 * 24 * H };
const MEGAN = 'meganb@contoso.onmicrosoft.com';
const ADELE = 'adelev@contoso.onmicrosoft.com';
const LIDIA = 'lidiah@contoso.onmicrosoft.com';

function grant(status: GrantStatus, extra: Partial<Grant> = {}): Grant {
  return {
    id: 'g1',
    principal: ADELE,
    role: MIE_ROLE,
    status,
    method: 'direct',
    requestedBy: MEGAN,
    requestedAt: '2026-11-02T09:00:00.000Z',
    justification: 'PST export',
    ticket: 'CHG-1',
    durationMs: 8 * H,
    ...extra,
  };
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
  it('refuses the requester and the grantee, accepts a third person', () => {
    expect(() => checkNotSelfDecision(grant('pending'), MEGAN)).toThrow(GrantPolicyError);
    expect(() => checkNotSelfDecision(grant('pending'), 'AdeleV@Contoso.onmicrosoft.com')).toThrow(/grantee/);
    expect(() => checkNotSelfDecision(grant('pending'), LIDIA)).not.toThrow();
  });

  it('for an extension, neither its requester, the original requester nor the grantee may decide', () => {
    const g = grant('active', { extension: { durationMs: H, requestedBy: ADELE, requestedAt: '2026-11-02T10:00:00Z', justification: 'more' } });
    expect(() => checkNotSelfDecision(g, ADELE)).toThrow(/grantee/);
    expect(() => checkNotSelfDecision(g, MEGAN)).toThrow(/requested grant .* or its extension/);
    expect(() => checkNotSelfDecision(g, LIDIA)).not.toThrow();
    const byAnother = grant('active', { extension: { durationMs: H, requestedBy: 'pattif@contoso.onmicrosoft.com', requestedAt: '2026-11-02T10:00:00Z', justification: 'more' } });
    expect(() => checkNotSelfDecision(byAnother, 'pattif@contoso.onmicrosoft.com')).toThrow(/requested the extension/);
  });

  it('recognises the grantee by object id, whatever UPN the token carries', () => {
    const g = grant('pending', { principalId: '0c0e0000-0000-4000-8000-000000000013' });
    expect(() => checkNotSelfDecision(g, 'adele.renamed@contoso.onmicrosoft.com', '0C0E0000-0000-4000-8000-000000000013')).toThrow(/grantee/);
  });

  it('an adopter may not adopt their own assignment', () => {
    expect(() => checkNotSelfAdoption('alexw@contoso.onmicrosoft.com', 'AlexW@contoso.onmicrosoft.com')).toThrow(GrantPolicyError);
    expect(() => checkNotSelfAdoption('alexw@contoso.onmicrosoft.com', LIDIA)).not.toThrow();
  });
});

describe('state transitions', () => {
  const statuses: GrantStatus[] = ['pending', 'approved', 'active', 'denied', 'cancelled', 'expired', 'revoked', 'released'];
  const allowed: Record<GrantAction, GrantStatus[]> = {
    approve: ['pending'],
    deny: ['pending'],
    cancel: ['pending', 'approved'],
    extend: ['active'],
    release: ['active'],
    activate: ['approved'],
  };
  for (const [action, from] of Object.entries(allowed) as [GrantAction, GrantStatus[]][]) {
    it(`${action} only from ${from.join(', ')}`, () => {
      for (const status of statuses) {
        const check = () => checkTransition(grant(status), action);
        if (from.includes(status)) expect(check).not.toThrow();
        else expect(check).toThrow(GrantStateError);
      }
    });
  }

  it('approve and deny decide on a pending extension of an active grant; a second extension waits', () => {
    const g = grant('active', { extension: { durationMs: H, requestedBy: MEGAN, requestedAt: '2026-11-02T10:00:00Z', justification: 'more' } });
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
    expect(() => checkMayRelease(g, caller('gradya@contoso.onmicrosoft.com', 'Grant.Request'))).toThrow(GrantPolicyError);
  });
  it('view: approvers and auditors see all, requesters their own', () => {
    expect(canView(g, caller('auditor@contoso.onmicrosoft.com', 'Audit.Read'))).toBe(true);
    expect(canView(g, caller(MEGAN, 'Grant.Request'))).toBe(true);
    expect(canView(g, caller('gradya@contoso.onmicrosoft.com', 'Grant.Request'))).toBe(false);
  });
});
