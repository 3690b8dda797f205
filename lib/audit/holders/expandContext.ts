/** What every expander shares: the ports, the concurrency bound, and the stages holders go into. */
import type { Recipient } from '../../domain.js';
import type { Directory, ExchangeRbac, Logger } from '../../ports/index.js';
import type { HolderAccumulator } from './holderAccumulator.js';
import type { PendingResolution } from './pendingResolution.js';
import type { PointerResolver } from './pointerResolver.js';

export interface ExpandContext {
  exchange: ExchangeRbac;
  directory: Directory;
  logger?: Logger;
  /** Lookups in flight at once. */
  limit: number;
  holders: HolderAccumulator;
  pending: PendingResolution;
  pointers: PointerResolver;
  /** Role group member reads by lower-cased group name: each group is read once however many paths reach it. */
  roleGroupReads: Map<string, Promise<Recipient[]>>;
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
