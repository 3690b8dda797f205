/** One audit alert email (drift, digest, audit-failing, attribution), sent once and journaled once. */
import { createHash } from 'node:crypto';
import { WATCHDOG_ACTOR } from '../grants/grantDeps.js';
import type { JournalEntryInput, Mailer, Store } from '../ports/index.js';
import type { RenderedEmail } from './renderAlert.js';

export interface SentAlert {
  kind: 'drift' | 'digest' | 'audit-failing' | 'attribution';
  subject: string;
  idempotencyKey: string;
  /** 'deferred': ACS was throttling; the alert waits in the outbox for the next revocation run. */
  status: 'sent' | 'duplicate' | 'deferred';
}

export interface AlertDeps {
  mailer: Mailer;
  store: Pick<Store, 'journal'>;
}

/** The same key source gives the same key, so a repeated run's alert is a duplicate at the mailer. */
export function alertIdempotencyKey(kind: SentAlert['kind'], keySource: string): string {
  return `audit-${kind}-${createHash('sha256').update(keySource).digest('hex').slice(0, 40)}`;
}

/** The journal entry of an alert the mailer took ('sent', or 'deferred' to its outbox). */
export function alertEntry(
  kind: SentAlert['kind'],
  status: 'sent' | 'deferred',
  idempotencyKey: string,
  to: string[],
  subject: string,
): JournalEntryInput {
  return {
    type: status === 'sent' ? 'alert.sent' : 'alert.deferred',
    actor: WATCHDOG_ACTOR,
    subject: idempotencyKey,
    data: { to, subject, kind },
  };
}

/**
 * Sends one alert and journals it once: `recoverAfter` is the seq of a pending intent an earlier run left,
 * which may have sent this alert (a duplicate now) and died before or after journaling it.
 */
export async function sendAuditAlert(
  deps: AlertDeps,
  to: string[],
  kind: SentAlert['kind'],
  email: RenderedEmail,
  keySource: string,
  recoverAfter?: number,
): Promise<SentAlert> {
  const idempotencyKey = alertIdempotencyKey(kind, keySource);
  const res = await deps.mailer.send({
    to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    idempotencyKey,
  });
  // A throttled send waits in the outbox: journaled as deferred now, as sent when a later run sends it.
  const entryStatus = res.status === 'deferred' ? 'deferred' : 'sent';
  const entry = alertEntry(kind, entryStatus, idempotencyKey, to, email.subject);
  const identified = { id: `${entry.type}|${idempotencyKey}`, ...entry };
  if (res.status === 'sent' || res.status === 'deferred') await deps.store.journal.append(identified);
  else if (recoverAfter !== undefined) await deps.store.journal.appendOnce([identified], recoverAfter);
  return { kind, subject: email.subject, idempotencyKey, status: res.status };
}
