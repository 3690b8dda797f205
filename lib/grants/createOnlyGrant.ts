/**
 * Stores a new grant unless its principal already has an open one: one open grant per person, even when
 * two requests race. The refusal names the open grant only to a caller who may see it (otherwise its id
 * and state would leak through the 409 to someone who gets 404 on it).
 */
import type { Caller } from '../caller.js';
import type { Grant } from '../domain.js';
import { OpenGrantExistsError } from '../ports/index.js';
import type { GrantDeps } from './grantDeps.js';
import { GrantStateError } from './grantErrors.js';
import { canView } from './policy/grantAccess.js';
import { OPEN_STATUSES } from './policy/transitions.js';

export async function createOnlyGrant(
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
