/** One audit alert email (drift, digest, audit-failing, attribution), sent once and journaled once. */
import { createHash } from 'node:crypto';
import type { Mailer, Store } from '../ports/index.js';
import { sendJournaled } from '../revoke/sendNotice.js';
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
  const message = { to, subject: email.subject, html: email.html, text: email.text, idempotencyKey };
  const status = await sendJournaled(deps, message, kind, recoverAfter);
  return { kind, subject: email.subject, idempotencyKey, status };
}
