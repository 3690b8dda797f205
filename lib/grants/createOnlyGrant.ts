/** Stores a new grant unless its principal already has an open one: one open grant per person, even when two requests race. */
import type { Grant } from '../domain.js';
import { OpenGrantExistsError } from '../store/grantStore.js';
import type { GrantDeps } from './grantDeps.js';
import { GrantStateError } from './grantErrors.js';
import { OPEN_STATUSES } from './policy/transitions.js';

export async function createOnlyGrant(deps: Pick<GrantDeps, 'store'>, grant: Grant, advice: string): Promise<Grant> {
  try {
    return await deps.store.grants.createExclusive(grant, (existing) => OPEN_STATUSES.includes(existing.status));
  } catch (error) {
    if (error instanceof OpenGrantExistsError) {
      throw new GrantStateError(`${grant.principal} already has grant ${error.existing.id} (${error.existing.status}); ${advice}.`);
    }
    throw error;
  }
}
