/**
 * Sends one revocation email through the Mailer port and records it in the journal when it really
 * went out. The Mailer's idempotency key makes a repeated send (a retried run) a no-op.
 */
import { WATCHDOG_ACTOR } from '../grants/grantDeps.js';
import type { EmailMessage, JournalEntryInput, Logger, Mailer, Store } from '../ports/index.js';
import type { Notice } from './revocationMessages.js';

/** 'deferred': ACS was throttling, the notice waits in the outbox and a later run sends it (never lost, never twice). */
export type SendOutcome = 'sent' | 'duplicate' | 'deferred' | 'no-recipients';

/**
 * `recoverAfter`: the seq an earlier attempt recorded before its entries; that attempt may have sent this
 * notice (a duplicate now) and died before or after journaling it, so the entry is appended once.
 */
export async function sendNotice(
  deps: { mailer: Mailer; store: Pick<Store, 'journal'> },
  notice: Notice,
  recoverAfter?: number,
): Promise<SendOutcome> {
  if (notice.to.length === 0) return 'no-recipients';
  const { kind: _kind, ...message } = notice;
  return sendJournaled(deps, message, emailOf(notice).kind, recoverAfter);
}

/**
 * Sends one email and journals it as an alert entry of `kind` once (see sendNotice for `recoverAfter`):
 * a duplicate is journaled only when an earlier attempt may have died before journaling it.
 */
export async function sendJournaled(
  deps: { mailer: Mailer; store: Pick<Store, 'journal'> },
  message: EmailMessage,
  kind: string,
  recoverAfter?: number,
): Promise<'sent' | 'duplicate' | 'deferred'> {
  const result = await deps.mailer.send(message);
  // A throttled send waits in the outbox: journaled as deferred now, as sent when a later run sends it.
  const entry = alertEntry(message.idempotencyKey, result.status === 'deferred' ? 'deferred' : 'sent', {
    to: message.to,
    subject: message.subject,
    kind,
  });
  if (result.status === 'sent' || result.status === 'deferred') await deps.store.journal.append(entry);
  else if (recoverAfter !== undefined) await deps.store.journal.appendOnce([entry], recoverAfter);
  return result.status;
}

/** What an alert entry records of its email. */
export const emailOf = (notice: Notice): { to: string[]; subject: string; kind: string } => ({
  to: notice.to,
  subject: notice.subject,
  kind: `revoke.${notice.kind}`,
});

/** The journal entry of an email that went out (or waits in the outbox): its id is its type and the notice key. */
export function alertEntry(
  key: string,
  outcome: 'sent' | 'deferred',
  email: { to: string[]; subject: string; kind: string },
): JournalEntryInput & { id: string } {
  const type = outcome === 'deferred' ? 'alert.deferred' : 'alert.sent';
  return { id: `${type}|${key}`, type, actor: WATCHDOG_ACTOR, subject: key, data: email };
}

/** For alerts whose failure must not stop the run (the state change they report is already saved). */
export async function trySendNotice(
  deps: { mailer: Mailer; store: Pick<Store, 'journal'>; logger: Logger },
  notice: Notice,
  recoverAfter?: number,
): Promise<SendOutcome | 'failed'> {
  try {
    return await sendNotice(deps, notice, recoverAfter);
  } catch (error) {
    deps.logger.error(
      `Could not send the '${notice.kind}' email (${notice.idempotencyKey}); the next run tries again where it can.`,
      {
        error: error instanceof Error ? error.message : String(error),
      },
    );
    return 'failed';
  }
}
