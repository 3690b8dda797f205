/**
 * An approver denies a request, or a pending extension (the grant then runs to its current expiry). A denial
 * always says why: the requester reads it, and an auditor sees it beside the decision. (An approval may.)
 */
import type { Caller } from '../caller.js';
import type { Grant } from '../domain.js';
import type { GrantDeps } from './grantDeps.js';
import { loadGrant } from './loadGrant.js';
import { notifyGrant } from './notices/notifyGrant.js';
import { checkDecisionChannel } from './policy/decisionChannel.js';
import { InvalidGrantInputError } from './grantErrors.js';
import { checkNotLapsed } from './policy/requestExpiry.js';
import { checkNotSelfDecision } from './policy/selfDecision.js';
import { checkTransition, decisionTarget } from './policy/transitions.js';
import { recordGrantEvent } from './recordGrantEvent.js';

export async function denyGrant(deps: GrantDeps, caller: Caller, id: string, reason?: string): Promise<Grant> {
  const grant = await loadGrant(deps.store, id);
  checkTransition(grant, 'deny');
  checkNotLapsed(grant, deps.clock.now(), deps.config.grants);
  checkDecisionChannel(caller, deps.config.grants);
  checkNotSelfDecision(grant, caller);
  if (!reason?.trim())
    throw new InvalidGrantInputError('reason', 'reason must not be empty: a denial tells the requester why.');
  const now = deps.clock.now().toISOString();
  const target = decisionTarget(grant);
  const decided: Grant = { ...grant, deniedBy: caller.upn, deniedAt: now, denyReason: reason };
  const denied = await deps.store.grants.update(
    grant,
    target === 'extension'
      ? { ...decided, extension: undefined }
      : { ...decided, status: 'denied', endedAt: now, endedBy: caller.upn, endReason: reason },
  );
  await recordGrantEvent(deps.store, {
    type: 'grant.denied',
    actor: caller.upn,
    channel: caller.channel,
    grant: denied,
    reason,
    data: target === 'extension' ? { extension: grant.extension } : undefined,
  });
  // The notice names what was denied: keep the extension on the rendered copy only.
  await notifyGrant(deps, 'denied', target === 'extension' ? { ...denied, extension: grant.extension } : denied);
  return denied;
}
