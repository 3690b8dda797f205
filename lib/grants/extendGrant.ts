/** The requester or grantee asks for more time on an active grant; it needs a new approval. */
import type { Caller } from '../caller.js';
import type { Grant, GrantExtension } from '../domain.js';
import type { GrantDeps } from './grantDeps.js';
import { getGrant } from './getGrant.js';
import { checkDurationBounds } from './policy/durationBounds.js';
import { checkMayExtend } from './policy/grantAccess.js';
import { checkTransition } from './policy/transitions.js';
import { recordAndNotify } from './recordGrantEvent.js';

export interface ExtendGrantInput {
  durationMs: number;
  justification: string;
}

export async function extendGrant(
  deps: GrantDeps,
  caller: Caller,
  id: string,
  input: ExtendGrantInput,
): Promise<Grant> {
  checkDurationBounds('duration', input.durationMs, deps.config.grants);
  // Only a grant the caller may see: anyone else learns nothing about it, not even its state.
  const grant = await getGrant(deps, caller, id);
  checkTransition(grant, 'extend');
  checkMayExtend(grant, caller);
  const extension: GrantExtension = {
    durationMs: input.durationMs,
    requestedBy: caller.upn,
    requestedById: caller.oid,
    requestedByTenantId: caller.tid,
    requestedAt: deps.clock.now().toISOString(),
    justification: input.justification,
  };
  const pending = await deps.store.grants.update(grant, { ...grant, extension });
  await recordAndNotify(deps, 'extension-requested', {
    type: 'grant.extension-requested',
    actor: caller.upn,
    channel: caller.channel,
    grant: pending,
    reason: input.justification,
  });
  return pending;
}
