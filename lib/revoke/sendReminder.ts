import { ConflictError } from '../ports/index.js';
import type { DueReminder } from './planReminders.js';
import type { RevocationReport } from './revocationReport.js';
import { reminderNotice } from './revocationMessages.js';
import type { RevokeDeps } from './revokeExpired.js';
import { trySendNotice } from '../notify/sendNotice.js';

/**
 * Records the reminder as intended on the grant (with the journal seq), sends it, journals it, then records it
 * as sent. A run that dies in between leaves the intent, and the next run sends the same email (a duplicate if
 * it went out) and journals it once after the recorded seq.
 */
export async function sendReminder(
  deps: RevokeDeps,
  due: DueReminder,
  report: RevocationReport,
  journalSeq: number,
): Promise<void> {
  const earlier = due.grant.reminderIntent;
  let grant = due.grant;
  try {
    if (!earlier)
      grant = await deps.store.grants.update(grant, {
        ...grant,
        reminderIntent: { offset: due.offset, handled: due.handled, journalSeq },
      });
    const sent = await trySendNotice(deps, reminderNotice(grant, due.offset, due.remainingMs), earlier?.journalSeq);
    if (sent === 'failed') return;
    const { reminderIntent: _intent, ...rest } = grant;
    const recorded = new Set([...(grant.remindersSent ?? []), ...due.handled]);
    await deps.store.grants.update(grant, { ...rest, remindersSent: [...recorded] });
  } catch (error) {
    // Someone changed the grant meanwhile; the next run sees the reminder as due again and the Mailer drops the repeat.
    if (!(error instanceof ConflictError)) throw error;
    report.skipped.push({ grantId: due.grant.id, reason: 'changed by another writer while recording the reminder' });
  }
}
