/**
 * Which expiry reminders are due, as a pure function of (now, grants, reminder offsets).
 * Each offset is sent at most once per grant (grant.remindersSent). When several are due at once
 * (the watchdog was down, or the grant is short) only the one closest to expiry is sent and the
 * others are recorded as passed, so nobody gets "24 hours left" and "1 hour left" together.
 * A grant with a reminder intent (a run died while sending it) gets that reminder again, the same email.
 */
import { formatDuration } from '../duration.js';
import type { Grant } from '../domain.js';

export interface DueReminder {
  grant: Grant;
  /** ISO 8601 duration of the offset being sent, as recorded in remindersSent. */
  offset: string;
  /** Every offset to record as handled, the sent one included. */
  handled: string[];
  expiresAt: string;
  remainingMs: number;
}

export function planReminders(input: { now: Date; grants: Grant[]; offsetsMs: number[] }): DueReminder[] {
  const now = input.now.getTime();
  const due: DueReminder[] = [];
  for (const grant of input.grants) {
    if (grant.status !== 'active' || !grant.expiresAt) continue;
    const expires = Date.parse(grant.expiresAt);
    if (expires <= now) continue;
    const start = Date.parse(grant.activatedAt ?? grant.startsAt ?? grant.approvedAt ?? grant.requestedAt);
    // A reminder an earlier run started (and may have sent) is finished before any other.
    if (grant.reminderIntent) {
      const { offset, handled } = grant.reminderIntent;
      due.push({ grant, offset, handled, expiresAt: grant.expiresAt, remainingMs: expires - now });
      continue;
    }
    const sent = new Set(grant.remindersSent ?? []);
    // An offset as long as the grant itself would fire at activation, when the approval already said when it ends.
    const reached = input.offsetsMs
      .filter((ms) => ms < expires - start && expires - ms <= now)
      .map((ms) => ({ ms, offset: formatDuration(ms) }))
      .filter((o) => !sent.has(o.offset))
      .sort((a, b) => a.ms - b.ms);
    const closest = reached[0];
    if (!closest) continue;
    due.push({
      grant,
      offset: closest.offset,
      handled: reached.map((o) => o.offset),
      expiresAt: grant.expiresAt,
      remainingMs: expires - now,
    });
  }
  return due;
}
