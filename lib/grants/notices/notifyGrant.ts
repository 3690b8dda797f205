/**
 * Sends a grant notice through the one send-and-record path (lib/notify/sendNotice.ts). A failed send never
 * undoes the state change it reports: it is logged, and the idempotency key lets a retry send it once.
 */
import type { Grant } from '../../domain.js';
import { sendNotice } from '../../notify/sendNotice.js';
import type { GrantDeps } from '../grantDeps.js';
import { grantNotice, type GrantNoticeKind } from './grantNotice.js';

export async function notifyGrant(
  deps: Pick<GrantDeps, 'mailer' | 'store' | 'logger' | 'config' | 'clock' | 'notify'>,
  kind: GrantNoticeKind,
  grant: Grant,
): Promise<boolean> {
  const { approverRecipients, alertRecipients } = deps.config.email;
  const audience = { approvers: approverRecipients, securityTeam: alertRecipients };
  const notice = grantNotice(kind, grant, audience, deps.clock.now().toISOString());
  try {
    return (await sendNotice(deps, notice)) !== 'no-recipients';
  } catch (error) {
    deps.logger.warn(`Could not send the '${kind}' email for grant ${grant.id}; the grant change itself is saved.`, {
      grantId: grant.id,
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
}
