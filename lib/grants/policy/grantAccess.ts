/**
 * Who may act on, or see, a grant beyond their app role. Approvers may do anything the policy
 * allows; requesters act on grants they asked for; grantees may extend or give back their own.
 */
import type { Caller } from '../../caller.js';
import { hasRole } from '../../caller.js';
import type { Grant } from '../../domain.js';
import { GrantPolicyError } from '../grantErrors.js';
import { granteeOf, requesterOf, samePerson } from './samePerson.js';

function involved(grant: Grant, caller: Caller): { requester: boolean; grantee: boolean } {
  return { requester: samePerson(caller, requesterOf(grant)), grantee: samePerson(caller, granteeOf(grant)) };
}

export function canView(grant: Grant, caller: Caller): boolean {
  if (hasRole(caller, 'Grant.Approve') || hasRole(caller, 'Audit.Read')) return true;
  const who = involved(grant, caller);
  return who.requester || who.grantee;
}

export function checkMayCancel(grant: Grant, caller: Caller): void {
  if (hasRole(caller, 'Grant.Approve') || involved(grant, caller).requester) return;
  throw new GrantPolicyError(
    'not-requester',
    `Only the requester (${grant.requestedBy}) or an approver may cancel grant ${grant.id}.`,
  );
}

export function checkMayExtend(grant: Grant, caller: Caller): void {
  const who = involved(grant, caller);
  if (who.requester || who.grantee) return;
  throw new GrantPolicyError(
    'not-requester',
    `Only the requester (${grant.requestedBy}) or the grantee (${grant.principal}) may ask to extend grant ${grant.id}.`,
  );
}

export function checkMayRelease(grant: Grant, caller: Caller): void {
  const who = involved(grant, caller);
  if (who.requester || who.grantee || hasRole(caller, 'Grant.Approve')) return;
  throw new GrantPolicyError(
    'not-requester',
    `Only the grantee (${grant.principal}), the requester (${grant.requestedBy}) or an approver may release grant ${grant.id}.`,
  );
}
