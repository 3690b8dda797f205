/**
 * Holding periods from the watchdog's own grant events: a grant holds the role from the moment its assignment
 * was created (grant.activated, or grant.adopted for an assignment taken under a grant) until its removal was
 * verified (grant.revoked, grant.released, or assignment.removed of the grant). An audit runs every few
 * minutes, so a grant shorter than the interval is never seen by one; the journal still knows it held the role.
 */
import type { Grant, Holder } from '../domain.js';
import type { JournalEntry } from '../ports/index.js';
import { capabilityOf } from '../roleCapability.js';

/** Events whose grant holds the role from then on. */
const OPENING = new Set(['grant.activated', 'grant.adopted']);
/** Events written only once the grant's access was removed and read back as gone. */
const CLOSING = new Set(['grant.revoked', 'grant.released', 'assignment.removed']);

export interface GrantHolding {
  grantId: string;
  holder: Holder;
  since: string;
  until?: string;
  /** Journal seq of the event that opened the holding. */
  seq: number;
}

function grantOf(entry: JournalEntry): Grant | undefined {
  const grant = (entry.data as Record<string, unknown>).grant as Grant | undefined;
  return grant && typeof grant === 'object' && typeof grant.id === 'string' && typeof grant.principal === 'string'
    ? grant
    : undefined;
}

/** The grant's access in the shape of an audit holder, so both sources read alike. */
export function grantHolder(grant: Grant): Holder {
  const viaGroup = grant.method === 'role-group' && grant.roleGroup;
  return {
    key: `grant|${grant.id}`,
    principal: grant.principal,
    principalId: grant.principalId,
    principalType: 'User',
    role: grant.role,
    capability: capabilityOf(grant.role),
    via: viaGroup ? 'role-group' : 'direct',
    viaName: viaGroup || undefined,
    path: viaGroup ? `via role group ${grant.roleGroup}, grant ${grant.id}` : `direct assignment of grant ${grant.id}`,
    assignmentGuid: grant.assignmentGuid ?? '',
    assignmentName: grant.assignmentName ?? '',
    // A grant's assignment is created without a scope (lib/grants/grantAssignment.ts).
    scope: 'Organization',
    enabled: true,
  };
}

/** When the removal was verified: the revocation's own record when it has one, else the event's time. */
function removedAt(entry: JournalEntry, grant: Grant): string {
  return entry.type === 'grant.revoked' ? (grant.revocation?.verifiedAt ?? entry.at) : entry.at;
}

/** Applies grant events in order; hands back the holdings they close. Memory: the grants active at once. */
export class GrantHoldingReplay {
  private readonly open = new Map<string, GrantHolding>();

  apply(entry: JournalEntry): GrantHolding[] {
    if (!OPENING.has(entry.type) && !CLOSING.has(entry.type)) return [];
    const grant = grantOf(entry);
    if (!grant) return [];
    const current = this.open.get(grant.id);
    if (OPENING.has(entry.type)) {
      if (!current)
        this.open.set(grant.id, { grantId: grant.id, holder: grantHolder(grant), since: entry.at, seq: entry.seq });
      return [];
    }
    if (!current) return [];
    this.open.delete(grant.id);
    return [{ ...current, until: removedAt(entry, grant) }];
  }

  current(): GrantHolding[] {
    return [...this.open.values()].sort((a, b) => a.holder.principal.localeCompare(b.holder.principal));
  }
}

/** True when the audit's holder is the grant's access seen from outside: same principal, same assignment. */
export function sameAccess(audited: Holder, holding: GrantHolding): boolean {
  const guid = holding.holder.assignmentGuid.toLowerCase();
  return (
    guid !== '' &&
    audited.assignmentGuid.toLowerCase() === guid &&
    audited.principal.toLowerCase() === holding.holder.principal.toLowerCase()
  );
}
