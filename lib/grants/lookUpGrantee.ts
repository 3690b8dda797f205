/** The grantee picker's check: the same directory and Exchange checks a request makes, before anything is written. */
import type { GrantDeps } from './grantDeps.js';
import { resolveGrantee } from './resolveGrantee.js';

export interface GranteeView {
  upn: string;
  displayName?: string;
}

export async function lookUpGrantee(
  deps: Pick<GrantDeps, 'directory' | 'exchange'>,
  principal: string,
): Promise<GranteeView> {
  const grantee = await resolveGrantee(deps, principal);
  return { upn: grantee.upn, displayName: grantee.user.displayName };
}
