/**
 * Four eyes: nobody approves or denies a request they made, a request that would give them the
 * role, or an extension of a grant they asked for (or whose original request was theirs). (Denial is
 * refused too, so that every decision on record is somebody else's; the requester withdraws with cancel
 * instead.) People are compared by object id (samePerson), so a renamed UPN or a look-alike spelling of
 * one changes nothing.
 */
import type { Grant } from '../../domain.js';
import { GrantPolicyError } from '../grantErrors.js';
import { extensionRequesterOf, granteeOf, requesterOf, samePerson, type PersonRef } from './samePerson.js';

export function checkNotSelfDecision(grant: Grant, decider: PersonRef): void {
  const who = decider.upn;
  if (samePerson(decider, granteeOf(grant))) {
    throw new GrantPolicyError(
      'self-approval',
      `${who} is the grantee of grant ${grant.id} and cannot decide on it; another approver must.`,
    );
  }
  const extensionRequester = extensionRequesterOf(grant);
  if (extensionRequester && samePerson(decider, extensionRequester)) {
    throw new GrantPolicyError(
      'self-approval',
      `${who} requested the extension of grant ${grant.id} and cannot decide on it; another approver must.`,
    );
  }
  if (samePerson(decider, requesterOf(grant))) {
    throw new GrantPolicyError(
      'self-approval',
      `${who} requested grant ${grant.id} and cannot decide on it${grant.extension ? ' or its extension' : ''}; another approver must.`,
    );
  }
}

/** Adopting an assignment approves it on the spot: the adopter may not be the one holding it. */
export function checkNotSelfAdoption(holder: PersonRef, adopter: PersonRef): void {
  if (samePerson(holder, adopter)) {
    throw new GrantPolicyError(
      'self-approval',
      `${adopter.upn} holds this assignment and cannot adopt it as their own grant; another approver must.`,
    );
  }
}
