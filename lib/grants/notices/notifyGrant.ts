/**
 * Sends a grant notice through the one send-and-record path (lib/notify/sendNotice.ts). A failed send never
 * undoes the state change it reports: it is logged, and the idempotency key lets a retry send it once
 * (`recoverAfter`: the journal seq before a dead attempt's entries, so its alert entry is journaled once).
 */
import type { Grant } from '../../domain.js';
import { sendNotice } from '../../notify/sendNotice.js';
import type { GrantDeps } from '../grantDeps.js';
import { grantNotice, type GrantNoticeKind, type NoticeDecision } from './grantNotice.js';

export async function notifyGrant(
  deps: Pick<GrantDeps, 'mailer' | 'store' | 'logger' | 'config' | 'clock' | 'notify'>,
  kind: GrantNoticeKind,
  grant: Grant,
  options: { decision?: NoticeDecision; recoverAfter?: number } = {},
): Promise<boolean> {
  const { approverRecipients, alertRecipients } = deps.config.email;
  const audience = { approvers: approverRecipients, securityTeam: alertRecipients };
  const notice = grantNotice(kind, grant, audience, deps.clock.now().toISOString(), options.decision);
  try {
    return (await sendNotice(deps, notice, options.recoverAfter)) !== 'no-recipients';
  } catch (error) {
    deps.logger.warn(`Could not send the '${kind}' email for grant ${grant.id}; the grant change itself is saved.`, {
      grantId: grant.id,
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
}
