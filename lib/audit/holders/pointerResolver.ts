/**
 * Apps named by their Exchange service-principal pointer: every pointer is listed once (Get-ServicePrincipal), and
 * only when an app shows up, then each name is matched exactly (servicePrincipalPointers.ts).
 */
import type { RoleAssignment } from '../../domain.js';
import type { ExchangeRbac, Logger } from '../../ports/index.js';
import type { HolderAccumulator, PathSpec } from './holderAccumulator.js';
import { fromPointer } from './principals.js';
import { pointerIndex, type PointerIndex } from './servicePrincipalPointers.js';

export class PointerResolver {
  private listing?: Promise<PointerIndex>;

  constructor(
    private readonly exchange: ExchangeRbac,
    private readonly holders: HolderAccumulator,
    private readonly logger?: Logger,
  ) {}

  /** Starts the listing ahead of need. */
  start(): void {
    this.index().catch(() => undefined);
  }

  /** Adds the app these names denote; false when no pointer fits (the caller falls back to the object id, if any). */
  async add(a: RoleAssignment, names: (string | undefined)[], spec: PathSpec): Promise<boolean> {
    const match = (await this.index()).find(names);
    if (!match) return false;
    if ('pointer' in match) {
      this.holders.add(a, fromPointer(match.pointer), spec);
      return true;
    }
    // Two pointers answer to the name: report it under that name for a person to sort out (revocation will not act on it).
    const name = names.find((n) => n?.trim()) ?? a.roleAssignee;
    this.logger?.warn(
      'More than one Exchange service principal fits an assignee; it is reported under its Exchange name.',
      { assignment: a.name, name, appIds: match.ambiguous.map((p) => p.appId) },
    );
    this.holders.add(a, { principal: name, principalType: 'ServicePrincipal' }, spec);
    return true;
  }

  private index(): Promise<PointerIndex> {
    return (this.listing ??= this.exchange.listServicePrincipals().then(pointerIndex));
  }
}
