/**
 * Four eyes: nobody approves or denies a request they made, a request that would give them the
 * role, or an extension of a grant they asked for (or whose original request was theirs). (Denial is refused too, so that every decision on record
 * is somebody else's; the requester withdraws with cancel instead.)
 */
import type { Grant } from '../../domain.js';
import { GrantPolicyError } from '../grantErrors.js';

export function checkNotSelfDecision(grant: Grant, decider: string, deciderOid?: string): void {
  const who = decider.toLowerCase();
  // The object id survives renames of the UPN.
  if (who === grant.principal || (deciderOid && grant.principalId && deciderOid.toLowerCase() === grant.principalId.toLowerCase())) {
    throw new GrantPolicyError('self-approval', `${who} is the grantee of grant ${grant.id} and cannot decide on it; another approver must.`);
  }
  if (grant.extension && who === grant.extension.requestedBy.toLowerCase()) {
    throw new GrantPolicyError('self-approval', `${who} requested the extension of grant ${grant.id} and cannot decide on it; another approver must.`);
  }
  if (who === grant.requestedBy.toLowerCase()) {
    throw new GrantPolicyError('self-approval', `${who} requested grant ${grant.id} and cannot decide on it${grant.extension ? ' or its extension' : ''}; another approver must.`);
  }
}

/** Adopting an assignment approves it on the spot: the adopter may not be the one holding it. */
export function checkNotSelfAdoption(principal: string, adopter: string): void {
  if (principal.toLowerCase() === adopter.toLowerCase()) {
    throw new GrantPolicyError('self-approval', `${adopter} holds this assignment and cannot adopt it as their own grant; another approver must.`);
  }
}
