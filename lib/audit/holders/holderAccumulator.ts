/**
 * The holders one read finds: one per principal and assignment, with every path that reaches it (a Global
 * Administrator who is also an Exchange Administrator holds Organization Management's assignment twice).
 */
import type { Holder, HolderVia, RoleAssignment } from '../../domain.js';
import { capabilityOf } from '../../roleCapability.js';

/** How a holder got the power, in the snapshot's terms. */
export interface PathSpec {
  via: HolderVia;
  viaName?: string;
  path: string;
  /** PIM-eligible only (not active) on this path. */
  eligible?: true;
}

/** Who holds it: UPN (apps: appId), object id, type and display name. */
export interface Who {
  principal: string;
  principalId?: string;
  principalType: Holder['principalType'];
  displayName?: string;
}

export function holderKey(principal: string, assignmentGuid: string): string {
  return `${principal.toLowerCase()}|${assignmentGuid.toLowerCase()}`;
}

/** The scope an assignment writes in, as one readable string ("Organization" when unrestricted). */
export function scopeOf(a: RoleAssignment): string {
  if (a.customResourceScope) return `CustomResourceScope:${a.customResourceScope}`;
  if (a.customRecipientWriteScope) return `CustomRecipientWriteScope:${a.customRecipientWriteScope}`;
  if (a.recipientAdministrativeUnitScope) return `AdministrativeUnit:${a.recipientAdministrativeUnitScope}`;
  return a.recipientWriteScope || 'Organization';
}

export class HolderAccumulator {
  private readonly byKey = new Map<string, { holder: Holder; paths: Set<string> }>();

  add(assignment: RoleAssignment, who: Who, spec: PathSpec): void {
    const key = holderKey(who.principal, assignment.guid);
    const existing = this.byKey.get(key);
    if (existing) {
      existing.paths.add(spec.path);
      // Active on any path is active: eligible only while every path is an eligibility.
      if (!spec.eligible) delete existing.holder.eligible;
      return;
    }
    const holder: Holder = {
      key,
      principal: who.principal.toLowerCase(),
      principalId: who.principalId?.toLowerCase(),
      principalType: who.principalType,
      displayName: who.displayName,
      role: assignment.role,
      via: spec.via,
      viaName: spec.viaName,
      path: spec.path,
      assignmentGuid: assignment.guid,
      assignmentName: assignment.name,
      scope: scopeOf(assignment),
      enabled: assignment.enabled,
      capability: capabilityOf(assignment.role),
      ...(spec.eligible ? { eligible: true as const } : {}),
    };
    this.byKey.set(key, { holder, paths: new Set([spec.path]) });
  }

  /** Sorted by key, paths sorted and joined: reads finish in any order, and the snapshot hash must not depend on it. */
  list(): Holder[] {
    return [...this.byKey.values()]
      .map(({ holder, paths }) => ({ ...holder, path: [...paths].sort().join('; ') }))
      .sort((a, b) => a.key.localeCompare(b.key));
  }
}
