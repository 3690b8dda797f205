/** One grant, if the caller may see it; otherwise it does not exist for them. */
import type { Caller } from '../caller.js';
import type { Grant } from '../domain.js';
import type { GrantDeps } from './grantDeps.js';
import { GrantNotFoundError } from './grantErrors.js';
import { loadGrant } from './loadGrant.js';
import { canView } from './policy/grantAccess.js';

export async function getGrant(deps: Pick<GrantDeps, 'store'>, caller: Caller, id: string): Promise<Grant> {
  const grant = await loadGrant(deps.store, id);
  if (!canView(grant, caller)) throw new GrantNotFoundError(id);
  return grant;
}
