/**
 * The grant state machine. Each action names the states it may start from; approve and deny
 * apply either to the request itself or to a pending extension of an active grant.
 *
 *   pending --approve--> approved --activate--> active --release--> released
 *   pending --deny--> denied      active --expire--> expired --verified--> revoked
 *   pending|approved --cancel--> cancelled
 *   pending --no decision within WATCHDOG_REQUEST_TTL--> lapsed (lapseStaleRequests)
 *   active --extend--> active (extension pending) --approve|deny|lapse--> active
 */
import type { Grant, GrantStatus } from '../../domain.js';
import { GrantStateError } from '../grantErrors.js';

export type GrantAction = 'approve' | 'deny' | 'cancel' | 'extend' | 'release' | 'activate';

const FROM: Record<GrantAction, readonly GrantStatus[]> = {
  approve: ['pending'],
  deny: ['pending'],
  cancel: ['pending', 'approved'],
  extend: ['active'],
  release: ['active'],
  activate: ['approved'],
};

/** What an approve or deny decides on. */
export function decisionTarget(grant: Grant): 'request' | 'extension' {
  return grant.status === 'active' && grant.extension ? 'extension' : 'request';
}

export function checkTransition(grant: Grant, action: GrantAction): void {
  if ((action === 'approve' || action === 'deny') && decisionTarget(grant) === 'extension') return;
  if (action === 'extend' && grant.extension) {
    throw new GrantStateError(
      `Grant ${grant.id} already has an extension waiting for approval (requested by ${grant.extension.requestedBy}).`,
    );
  }
  if (!FROM[action].includes(grant.status)) {
    throw new GrantStateError(
      `Grant ${grant.id} is ${grant.status}; ${action} applies only to ${FROM[action].join(' or ')} grants${action === 'approve' || action === 'deny' ? ' or to a pending extension' : ''}.`,
    );
  }
}

/** Open grants, at most one per principal: 'expired' counts until its removal is verified (revoked). */
export const OPEN_STATUSES: readonly GrantStatus[] = ['pending', 'approved', 'active', 'expired'];
