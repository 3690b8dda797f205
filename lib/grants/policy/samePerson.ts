/**
 * Whether two references name the same person. The object id is the identity (Entra ID: `oid` is
 * immutable, the UPN is not and may be given to someone else later), so when both sides carry one it
 * alone decides, within one tenant. Only a side without one (a grant row written before object ids were
 * recorded) falls back to the UPN, compared after the same normalisation as token claims.
 */
import { comparableUpn } from '../../upn.js';
import type { Grant } from '../../domain.js';

export interface PersonRef {
  upn: string;
  oid?: string;
  tid?: string;
}

export function samePerson(a: PersonRef, b: PersonRef): boolean {
  if (a.oid && b.oid) {
    const sameTenant = !a.tid || !b.tid || a.tid.toLowerCase() === b.tid.toLowerCase();
    return sameTenant && a.oid.toLowerCase() === b.oid.toLowerCase();
  }
  return comparableUpn(a.upn) === comparableUpn(b.upn);
}

export function requesterOf(grant: Grant): PersonRef {
  return { upn: grant.requestedBy, oid: grant.requestedById, tid: grant.requestedByTenantId };
}

export function granteeOf(grant: Grant): PersonRef {
  return { upn: grant.principal, oid: grant.principalId };
}

export function extensionRequesterOf(grant: Grant): PersonRef | undefined {
  const e = grant.extension;
  return e ? { upn: e.requestedBy, oid: e.requestedById, tid: e.requestedByTenantId } : undefined;
}
