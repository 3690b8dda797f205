/**
 * The outbox pass at the start of every revocation tick: sends the email that ACS throttling deferred in earlier
 * runs, journaling each as it goes out, and has every other channel deliver what waits for it (failed, or left
 * by a run that died), so a deferred notice leaves within minutes. Never throws: a failure leaves the messages
 * waiting for the next tick; what still fails is in the result, which the run reports.
 */
import { WATCHDOG_ACTOR } from '../grants/grantDeps.js';
import type { NotifyDeps } from '../notify/sendNotice.js';
import type { ChannelOutboxResult, Logger, Mailer, Store } from '../ports/index.js';

export interface OutboxResult {
  sent: number;
  waiting: number;
  /** Each channel besides email: delivered now, still waiting, and why the failed ones failed. */
  channels: ChannelOutboxResult[];
}

export async function sendDeferredMail(deps: {
  mailer: Mailer;
  store: Pick<Store, 'journal'>;
  logger: Logger;
  notify?: NotifyDeps;
}): Promise<OutboxResult> {
  const channels: ChannelOutboxResult[] = [];
  for (const channel of deps.notify?.channels ?? []) {
    try {
      channels.push(await channel.deliverWaiting());
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      deps.logger.error(`Reading the ${channel.name} channel's outbox failed; the next run tries again: ${detail}`);
      channels.push({ channel: channel.name, sent: 0, waiting: -1, errors: [detail] });
    }
  }
  return { ...(await sendDeferredEmail(deps)), channels };
}

async function sendDeferredEmail(deps: {
  mailer: Mailer;
  store: Pick<Store, 'journal'>;
  logger: Logger;
}): Promise<{ sent: number; waiting: number }> {
  try {
    const { sent, waiting } = await deps.mailer.sendDeferred();
    if (sent.length) {
      await deps.store.journal.appendMany(
        sent.map((m) => ({
          id: `alert.sent|${m.idempotencyKey}`,
          type: 'alert.sent',
          actor: WATCHDOG_ACTOR,
          subject: m.idempotencyKey,
          data: { to: m.to, subject: m.subject, deferred: true },
        })),
      );
    }
    if (waiting)
      deps.logger.warn(
        `${waiting} email(s) still wait in the outbox for ACS Email's rate limit; the next run sends them.`,
      );
    return { sent: sent.length, waiting };
  } catch (error) {
    deps.logger.error(
      `Sending the deferred email failed; it stays in the outbox for the next run: ${error instanceof Error ? error.message : String(error)}`,
    );
    return { sent: 0, waiting: -1 };
  }
}
