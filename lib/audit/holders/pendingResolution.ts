/**
 * Holders known so far only by an Exchange name or an Entra object id (role group member rows carry no UPN),
 * resolved together once the reads are done: through one paged Get-User listing when there are many (more than
 * BULK_USERS names), otherwise with Graph $batch lookups of their object ids. Whatever nothing resolves is reported
 * under its Exchange name, which revocation leaves to a person.
 */
import type { DirectoryPrincipal, Recipient, RoleAssignment } from '../../domain.js';
import type { Directory, ExchangeRbac, Logger } from '../../ports/index.js';
import type { HolderAccumulator, PathSpec, Who } from './holderAccumulator.js';
import { fromDirectory, fromRecipient } from './principals.js';

/** Above this many users to map from Exchange names, one paged Get-User listing replaces filtered lookups (20 names a call). */
export const BULK_USERS = 50;

export interface Pending {
  assignment: RoleAssignment;
  objectId?: string;
  /** Exchange recipient name: the fallback principal when nothing resolves it. */
  name: string;
  spec: PathSpec;
  type: Who['principalType'];
}

interface UserIndex {
  byName: Map<string, Recipient>;
  byObjectId: Map<string, Recipient>;
}

async function indexUsers(exchange: ExchangeRbac): Promise<UserIndex> {
  const index: UserIndex = { byName: new Map(), byObjectId: new Map() };
  for (const u of await exchange.listUsers()) {
    index.byName.set(u.name.toLowerCase(), u);
    if (u.identity) index.byName.set(u.identity.toLowerCase(), u);
    if (u.externalDirectoryObjectId) index.byObjectId.set(u.externalDirectoryObjectId.toLowerCase(), u);
  }
  return index;
}

export class PendingResolution {
  private readonly items: Pending[] = [];
  private userIndex?: Promise<UserIndex>;

  constructor(
    private readonly exchange: ExchangeRbac,
    private readonly directory: Directory,
    private readonly logger?: Logger,
  ) {}

  push(item: Pending): void {
    this.items.push(item);
  }

  /** Starts the paged Get-User listing now, so that it runs beside the other reads. */
  useUserListing(): void {
    if (this.userIndex) return;
    this.userIndex = indexUsers(this.exchange);
    this.userIndex.catch(() => undefined);
  }

  async resolveInto(holders: HolderAccumulator): Promise<void> {
    if (this.items.filter((r) => r.type === 'User').length > BULK_USERS) this.useUserListing();
    const resolvedFromIndex = new Set<Pending>();
    if (this.userIndex) {
      const index = await this.userIndex;
      for (const r of this.items) {
        if (r.type !== 'User') continue;
        const user =
          (r.objectId && index.byObjectId.get(r.objectId.toLowerCase())) || index.byName.get(r.name.toLowerCase());
        const who = user && fromRecipient(user);
        if (!who) continue;
        holders.add(r.assignment, who, r.spec);
        resolvedFromIndex.add(r);
      }
    }
    const remaining = this.items.filter((r) => !resolvedFromIndex.has(r));
    const ids = [...new Set(remaining.flatMap((r) => (r.objectId ? [r.objectId.toLowerCase()] : [])))];
    const principals = ids.length ? await this.directory.getPrincipals(ids) : new Map<string, DirectoryPrincipal>();
    const found = new Map([...principals].map(([id, p]) => [id.toLowerCase(), p]));
    for (const r of remaining) {
      const p = r.objectId ? found.get(r.objectId.toLowerCase()) : undefined;
      const who = p && fromDirectory(p);
      if (!who)
        this.logger?.warn('A holder could not be resolved to a UPN or appId; it is reported under its Exchange name.', {
          assignment: r.assignment.name,
          name: r.name,
        });
      holders.add(r.assignment, who ?? { principal: r.name, principalId: r.objectId, principalType: r.type }, r.spec);
    }
  }
}
