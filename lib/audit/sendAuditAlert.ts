/** One audit alert (drift, digest, audit-failing, attribution), sent once and journaled once. */
import { createHash } from 'node:crypto';
import { recipients, type NoticeBody } from '../notify/notice.js';
import type { NoticeKind } from '../notify/noticeKinds.js';
import { subjectLine } from '../notify/emailLayout.js';
import { sendNotice, type NoticeDeps } from '../notify/sendNotice.js';

export interface SentAlert {
  kind: Extract<NoticeKind, 'drift' | 'digest' | 'audit-failing' | 'attribution' | 'use-outside-window'>;
  subject: string;
  idempotencyKey: string;
  /** 'deferred': ACS was throttling; the alert waits in the outbox for the next revocation run. */
  status: 'sent' | 'duplicate' | 'deferred' | 'no-recipients';
}

export type AlertDeps = NoticeDeps;

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
  body: NoticeBody & { kind: SentAlert['kind'] },
  keySource: string,
  recoverAfter?: number,
): Promise<SentAlert> {
  const notice = { ...body, to: recipients(to), key: alertIdempotencyKey(body.kind, keySource) };
  const status = await sendNotice(deps, notice, recoverAfter);
  return { kind: body.kind, subject: subjectLine(notice), idempotencyKey: notice.key, status };
}
