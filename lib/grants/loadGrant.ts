/** Reads a grant or fails with GrantNotFoundError. */
import type { Grant } from '../domain.js';
import type { Store } from '../ports/index.js';
import { GrantNotFoundError } from './grantErrors.js';

export async function loadGrant(store: Pick<Store, 'grants'>, id: string): Promise<Grant> {
  const grant = await store.grants.get(id);
  if (!grant) throw new GrantNotFoundError(id);
  return grant;
}
