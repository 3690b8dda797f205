/** Grants the caller may see: all for approvers and auditors, their own for requesters and grantees. */
import type { Caller } from '../auth/identity.js';
import type { Grant, GrantStatus } from '../domain.js';
import type { GrantDeps } from './grantDeps.js';
import { canView } from './policy/grantAccess.js';

export interface ListGrantsFilter {
  status?: GrantStatus[];
  principal?: string;
}

export async function listGrants(deps: Pick<GrantDeps, 'store'>, caller: Caller, filter: ListGrantsFilter = {}): Promise<Grant[]> {
  const grants = await deps.store.grants.list({ status: filter.status, principal: filter.principal?.toLowerCase() });
  return grants.filter((g) => canView(g, caller));
}
