/** Appends a grant state change to the journal: who, when (the clock), what (the grant) and why. */
import type { ActorChannel } from '../caller.js';
import type { Grant } from '../domain.js';
import type { JournalEntry, Store } from '../ports/index.js';
import type { GrantDeps } from './grantDeps.js';
import type { GrantNoticeKind } from './notices/grantNotice.js';
import { notifyGrant } from './notices/notifyGrant.js';

export type GrantEventType =
  | 'grant.requested'
  | 'grant.approved'
  | 'grant.denied'
  | 'grant.cancelled'
  | 'grant.activated'
  | 'grant.extension-requested'
  | 'grant.extended'
  | 'grant.released'
  | 'grant.adopted'
  | 'grant.request-lapsed'
  | 'grant.extension-lapsed';

export interface GrantEvent {
  type: GrantEventType;
  actor: string;
  /** How the actor was verified (journaled as data.channel); absent for the watchdog's own steps. */
  channel?: ActorChannel;
  grant: Grant;
  reason?: string;
  data?: Record<string, unknown>;
}

export function recordGrantEvent(store: Pick<Store, 'journal'>, event: GrantEvent): Promise<JournalEntry> {
  const { grant } = event;
  return store.journal.append({
    type: event.type,
    actor: event.actor,
    subject: grant.id,
    reason: event.reason,
    data: { ...event.data, ...(event.channel ? { channel: event.channel } : {}), grant },
  });
}

/** Journals a grant state change, then sends its notice about the grant as saved (a failed mail leaves the entry). */
export async function recordAndNotify(
  deps: Pick<GrantDeps, 'mailer' | 'store' | 'logger' | 'config' | 'clock' | 'notify'>,
  notice: GrantNoticeKind,
  event: GrantEvent,
): Promise<void> {
  await recordGrantEvent(deps.store, event);
  await notifyGrant(deps, notice, event.grant, { decision: { by: event.actor, reason: event.reason } });
}
