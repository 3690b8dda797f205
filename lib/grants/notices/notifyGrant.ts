/**
 * Sends a grant notice through the Mailer port and records it in the journal. A failed email never
 * undoes the state change it reports: it is logged, and the idempotency key lets a retry send it once.
 */
import type { Grant } from '../../domain.js';
import type { GrantDeps } from '../grantDeps.js';
import { WATCHDOG_ACTOR } from '../grantDeps.js';
import { grantNotice, type GrantNoticeKind } from './grantNotice.js';

export async function notifyGrant(
  deps: Pick<GrantDeps, 'mailer' | 'store' | 'logger' | 'config'>,
  kind: GrantNoticeKind,
  grant: Grant,
): Promise<boolean> {
  const notice = grantNotice(kind, grant, deps.config.email.approverRecipients);
  if (notice.to.length === 0) return false;
  try {
    const result = await deps.mailer.send({
      to: notice.to,
      subject: notice.subject,
      html: notice.html,
      text: notice.text,
      idempotencyKey: notice.idempotencyKey,
    });
    if (result.status !== 'duplicate') {
      await deps.store.journal.append({
        type: result.status === 'sent' ? 'alert.sent' : 'alert.deferred',
        actor: WATCHDOG_ACTOR,
        subject: notice.idempotencyKey,
        data: { to: notice.to, subject: notice.subject, kind: `grant.${kind}` },
      });
    }
    return true;
  } catch (error) {
    deps.logger.warn(`Could not send the '${kind}' email for grant ${grant.id}; the grant change itself is saved.`, {
      grantId: grant.id,
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
}
