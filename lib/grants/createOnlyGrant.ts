/**
 * Stores a new grant unless its principal already has an open one: one open grant per person, even when
 * two requests race. The refusal names the open grant only to a caller who may see it (otherwise its id
 * and state would leak through the 409 to someone who gets 404 on it). A stored grant's creation is then
 * journaled, by the caller and with the justification as its reason, and its notice sent.
 */
import type { Caller } from '../caller.js';
import type { Grant, RoleAssignment } from '../domain.js';
import { OpenGrantExistsError } from '../ports/index.js';
import type { GrantDeps } from './grantDeps.js';
import { GrantStateError } from './grantErrors.js';
import { canView } from './policy/grantAccess.js';
import { OPEN_STATUSES } from './policy/transitions.js';
import { recordAndNotify, type GrantEvent } from './recordGrantEvent.js';

/** How the grant comes to be: requested, or adopted from an assignment that already exists. */
type GrantCreation = {
  /** What the refusal tells a caller who may see the open grant to do instead. */
  advice: string;
} & ({ kind: 'requested' } | { kind: 'adopted'; assignment: RoleAssignment });

export async function createOnlyGrant(
  deps: Pick<GrantDeps, 'store' | 'mailer' | 'logger' | 'config' | 'clock' | 'notify'>,
  caller: Caller,
  grant: Grant,
  creation: GrantCreation,
): Promise<Grant> {
  const created = await storeExclusive(deps, caller, grant, creation.advice);
  const by = { actor: caller.upn, channel: caller.channel, grant: created, reason: grant.justification };
  const event: GrantEvent =
    creation.kind === 'adopted'
      ? { type: 'grant.adopted', ...by, data: { assignment: creation.assignment } }
      : { type: 'grant.requested', ...by };
  await recordAndNotify(deps, creation.kind, event);
  return created;
}

async function storeExclusive(
  deps: Pick<GrantDeps, 'store'>,
  caller: Caller,
  grant: Grant,
  advice: string,
): Promise<Grant> {
  try {
    return await deps.store.grants.createExclusive(grant, (existing) => OPEN_STATUSES.includes(existing.status));
  } catch (error) {
    if (error instanceof OpenGrantExistsError) {
      if (canView(error.existing, caller))
        throw new GrantStateError(
          `${grant.principal} already has grant ${error.existing.id} (${error.existing.status}); ${advice}.`,
        );
      throw new GrantStateError(
        `${grant.principal} already has an open grant (one at a time per person); ask an approver about it.`,
      );
    }
    throw error;
  }
}
