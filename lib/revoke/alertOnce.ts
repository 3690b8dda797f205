/**
 * Revoke-run alerts that are not tied to a grant or a claim ("needs a person", the mass-removal guard): the
 * intent (notice key, journal seq, entries) is recorded before the email and released after its entries, so a
 * run that dies between the email and its entries leaves the intent and the next run journals them once.
 * A key the mailer already sent with no intent left was finished by an earlier run: nothing is written again,
 * which keeps a situation that repeats every run (the same holders needing a person) at two reads.
 */
import type { AlertIntent, JournalEntryInput, Logger, Mailer, Store } from '../ports/index.js';
import type { Notice } from '../notify/notice.js';
import { alertEntry, emailOf, trySendNotice, type SendOutcome } from '../notify/sendNotice.js';

type AlertDeps = { mailer: Mailer; store: Pick<Store, 'journal' | 'alertIntents' | 'sentMail'>; logger: Logger };

/**
 * Sends the alert and journals its alert.sent and `entries` (when it went out) once. `earlier`: the intent a dead
 * run left for this key. Returns the send outcome, 'done' when an earlier run finished it.
 */
export async function sendAlertOnce(
  deps: AlertDeps,
  notice: Notice,
  entries: (JournalEntryInput & { id: string })[],
  earlier?: AlertIntent,
): Promise<SendOutcome | 'failed' | 'done'> {
  if (notice.to.length === 0) return 'no-recipients';
  const key = notice.key;
  if (!earlier) {
    const record = await deps.store.sentMail.get(key);
    if (record?.status === 'sent' || record?.status === 'deferred') return 'done';
  }
  const intent: AlertIntent = earlier ?? {
    key,
    journalSeq: await deps.store.journal.headSeq(),
    email: emailOf(notice),
    entries,
  };
  if (!earlier) await deps.store.alertIntents.record(intent);
  const sent = await trySendNotice(deps, notice, intent.journalSeq);
  // A failed send keeps the intent: the next run sends it and journals what is missing.
  if (sent === 'failed') return sent;
  if (sent !== 'no-recipients') await deps.store.journal.appendOnce(entries, intent.journalSeq);
  await deps.store.alertIntents.release(key);
  return sent;
}

/**
 * Intents of keys this run does not alert about (the situation changed since the dead run): journaled from what
 * the mailer's outbox says went out, then released. An email the dead run left in flight ('sending') is not
 * finished here: its entries are not journaled.
 */
export async function finishStaleAlerts(deps: AlertDeps, intents: AlertIntent[], current: Set<string>): Promise<void> {
  for (const intent of intents) {
    if (current.has(intent.key)) continue;
    const status = (await deps.store.sentMail.get(intent.key))?.status;
    if (status === 'sent' || status === 'deferred') {
      await deps.store.journal.appendOnce(
        [alertEntry(intent.key, status, intent.email), ...intent.entries],
        intent.journalSeq,
      );
    } else {
      deps.logger.warn(
        `An earlier run meant to send alert ${intent.key} (${status ?? 'not sent'}); the situation changed since, so nothing is journaled for it.`,
      );
    }
    await deps.store.alertIntents.release(intent.key);
  }
}
