/**
 * Sends the email that ACS throttling deferred in earlier runs (the outbox), journaling each as it goes out.
 * Runs at the start of every revocation tick, so a deferred notice leaves within minutes of the limit's window
 * reopening. Never throws: a failure leaves the messages waiting for the next tick.
 */
import { WATCHDOG_ACTOR } from '../grants/grantDeps.js';
import type { Logger, Mailer, Store } from '../ports/index.js';

export interface OutboxResult {
  sent: number;
  waiting: number;
}

export async function sendDeferredMail(deps: {
  mailer: Mailer;
  store: Pick<Store, 'journal'>;
  logger: Logger;
}): Promise<OutboxResult> {
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
