import { describe, expect, it } from 'vitest';
import { planReminders } from '../../../lib/revoke/planReminders.js';
import { at, grant, HOUR } from '../../../testkit/fixtures.js';

const offsetsMs = [24 * HOUR, HOUR];
const threeDays = grant('g-long', {
  activatedAt: at(-HOUR).toISOString(),
  expiresAt: at(71 * HOUR).toISOString(),
  durationMs: 72 * HOUR,
});

describe('planReminders', () => {
  it('sends each offset once, when it is reached', () => {
    expect(planReminders({ now: at(47 * HOUR - 1), grants: [threeDays], offsetsMs })).toEqual([]);
    const first = planReminders({ now: at(47 * HOUR), grants: [threeDays], offsetsMs });
    expect(first).toMatchObject([{ offset: 'P1D', handled: ['P1D'], remainingMs: 24 * HOUR }]);
    const afterFirst = { ...threeDays, remindersSent: ['P1D'] };
    expect(planReminders({ now: at(60 * HOUR), grants: [afterFirst], offsetsMs })).toEqual([]);
    expect(planReminders({ now: at(70 * HOUR + 30 * 60_000), grants: [afterFirst], offsetsMs })).toMatchObject([
      { offset: 'PT1H', handled: ['PT1H'] },
    ]);
    expect(
      planReminders({
        now: at(70 * HOUR + 30 * 60_000),
        grants: [{ ...afterFirst, remindersSent: ['P1D', 'PT1H'] }],
        offsetsMs,
      }),
    ).toEqual([]);
  });

  it('sends only the closest reminder when several are due at once, and records all of them', () => {
    expect(planReminders({ now: at(70 * HOUR + 1), grants: [threeDays], offsetsMs })).toMatchObject([
      { offset: 'PT1H', handled: ['PT1H', 'P1D'] },
    ]);
  });

  it('finishes the reminder an earlier run intended before any other, the same offset and so the same email', () => {
    const intended = { ...threeDays, reminderIntent: { offset: 'P1D', handled: ['P1D'], journalSeq: 7 } };
    expect(planReminders({ now: at(70 * HOUR + 1), grants: [intended], offsetsMs })).toMatchObject([
      { offset: 'P1D', handled: ['P1D'] },
    ]);
    expect(planReminders({ now: at(71 * HOUR), grants: [intended], offsetsMs })).toEqual([]);
  });

  it('skips offsets as long as the grant itself, and grants that are not active or already past expiry', () => {
    const fourHours = grant('g-short', { activatedAt: at(0).toISOString(), expiresAt: at(4 * HOUR).toISOString() });
    expect(planReminders({ now: at(0), grants: [fourHours], offsetsMs })).toEqual([]);
    expect(planReminders({ now: at(3 * HOUR), grants: [fourHours], offsetsMs })).toMatchObject([
      { offset: 'PT1H', handled: ['PT1H'] },
    ]);
    expect(planReminders({ now: at(4 * HOUR), grants: [fourHours], offsetsMs })).toEqual([]);
    expect(planReminders({ now: at(3 * HOUR), grants: [{ ...fourHours, status: 'approved' }], offsetsMs })).toEqual([]);
  });
});
