/**
 * The one send-and-record path of every notice: delivered to each channel its route lets it reach (Teams, the
 * signed webhook, Logs Ingestion), each through the outbox under the notice's key, then rendered in the shared
 * email layout, sent through the Mailer port (whose outbox and idempotency key make a repeated send a no-op,
 * across restarts) and journaled as an alert entry once. One channel failing holds up neither the others nor
 * the email; a failed send never undoes the state change the notice reports.
 */
import { WATCHDOG_ACTOR } from '../grants/grantDeps.js';
import type { ChannelName, JournalEntryInput, Logger, Mailer, NoticeChannel, Store } from '../ports/index.js';
import { renderEmail, subjectLine } from './emailLayout.js';
import { logRows } from './logRows.js';
import type { Notice } from './notice.js';
import type { NoticeKind } from './noticeKinds.js';
import { isRouted, type Routes } from './routes.js';
import { teamsMessage } from './teamsCard.js';
import { webhookEvent } from './webhookEvent.js';

/** What the send path needs: the mailer, the journal, and the notice channels with their routes. */
export interface NoticeDeps {
  mailer: Mailer;
  store: Pick<Store, 'journal'>;
  notify?: NotifyDeps;
}

export interface NotifyDeps {
  /** WATCHDOG_WEB_URL: notices link to their page of the web app. */
  webUrl?: string;
  /** WATCHDOG_ROUTES: which kinds and severities each channel (email included) takes. */
  routes?: Routes;
  /** The configured channels besides email. */
  channels?: NoticeChannel[];
  logger?: Logger;
}

/** One renderer per channel: the request body it receives. */
const RENDER: Record<ChannelName, (notice: Notice, webUrl: string | undefined) => string> = {
  teams: teamsMessage,
  webhook: (notice, webUrl) => JSON.stringify(webhookEvent(notice, webUrl)),
  logs: (notice, webUrl) => JSON.stringify(logRows(notice, webUrl)),
};

/**
 * Delivers the notice to every routed channel; never throws. A channel that fails keeps the notice in the outbox
 * with its error (the revocation run's outbox pass retries it and reports it); the next channel still goes.
 */
export async function deliverToChannels(deps: NoticeDeps, notice: Notice): Promise<void> {
  const notify = deps.notify;
  for (const channel of notify?.channels ?? []) {
    if (!isRouted(notify?.routes, channel.name, notice)) continue;
    try {
      await channel.deliver({
        channel: channel.name,
        idempotencyKey: `${channel.name}|${notice.key}`,
        noticeKey: notice.key,
        subject: subjectLine(notice),
        body: RENDER[channel.name](notice, notify?.webUrl),
      });
    } catch (error) {
      notify?.logger?.error(
        `Could not hand '${notice.kind}' (${notice.key}) to the ${channel.name} channel's outbox; the email still goes: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/** 'deferred': ACS was throttling, the notice waits in the outbox and a later run sends it (never lost, never twice). */
export type SendOutcome = 'sent' | 'duplicate' | 'deferred' | 'no-recipients';

/** What an alert entry records of its email. */
export interface AlertEmail {
  to: string[];
  subject: string;
  kind: NoticeKind;
}

export const emailOf = (notice: Notice): AlertEmail => ({
  to: notice.to,
  subject: subjectLine(notice),
  kind: notice.kind,
});

/** Sends the notice's email, unjournaled: for a caller that journals it in a batch of its own. */
export async function sendEmail(
  deps: NoticeDeps,
  notice: Notice,
): Promise<{ status: 'sent' | 'duplicate' | 'deferred'; messageId: string }> {
  const email = renderEmail(notice, deps.notify?.webUrl);
  return deps.mailer.send({ to: notice.to, ...email, idempotencyKey: notice.key });
}

/**
 * Sends the notice and journals it as an alert entry once. `recoverAfter`: the seq an earlier attempt recorded
 * before its entries; that attempt may have sent this notice (a duplicate now) and died before or after
 * journaling it, so the entry is appended once.
 */
export async function sendNotice(deps: NoticeDeps, notice: Notice, recoverAfter?: number): Promise<SendOutcome> {
  await deliverToChannels(deps, notice);
  if (notice.to.length === 0 || !isRouted(deps.notify?.routes, 'email', notice)) return 'no-recipients';
  const result = await sendEmail(deps, notice);
  // A throttled send waits in the outbox: journaled as deferred now, as sent when a later run sends it.
  const entry = alertEntry(notice.key, result.status === 'deferred' ? 'deferred' : 'sent', emailOf(notice));
  if (result.status === 'sent' || result.status === 'deferred') await deps.store.journal.append(entry);
  else if (recoverAfter !== undefined) await deps.store.journal.appendOnce([entry], recoverAfter);
  return result.status;
}

/** The journal entry of an email that went out (or waits in the outbox): its id is its type and the notice key. */
/** `email.kind` is a string: intents recorded by earlier versions carry their own kind names. */
export function alertEntry(
  key: string,
  outcome: 'sent' | 'deferred',
  email: Omit<AlertEmail, 'kind'> & { kind: string },
): JournalEntryInput & { id: string } {
  const type = outcome === 'deferred' ? 'alert.deferred' : 'alert.sent';
  return { id: `${type}|${key}`, type, actor: WATCHDOG_ACTOR, subject: key, data: { ...email } };
}

/** For notices whose failure must not stop the run (the state change they report is already saved). */
export async function trySendNotice(
  deps: NoticeDeps & { logger: Logger },
  notice: Notice,
  recoverAfter?: number,
): Promise<SendOutcome | 'failed'> {
  try {
    return await sendNotice(deps, notice, recoverAfter);
  } catch (error) {
    deps.logger.error(
      `Could not send the '${notice.kind}' email (${notice.key}); the next run tries again where it can.`,
      { error: error instanceof Error ? error.message : String(error) },
    );
    return 'failed';
  }
}
