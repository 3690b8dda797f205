/** Appends a grant state change to the journal: who, when (the clock), what (the grant) and why. */
import type { ActorChannel } from '../caller.js';
import type { Grant } from '../domain.js';
import type { JournalEntry, JournalEntryInput, JournalEventData, Store } from '../ports/index.js';
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

type GrantEventOf<T extends GrantEventType> = {
  type: T;
  actor: string;
  /** How the actor was verified (journaled as data.channel); absent for the watchdog's own steps. */
  channel?: ActorChannel;
  grant: Grant;
  reason?: string;
  /** What the event's data holds besides the grant and the channel. */
  data?: Omit<JournalEventData[T], 'grant' | 'channel'>;
};

export type GrantEvent = { [T in GrantEventType]: GrantEventOf<T> }[GrantEventType];

export function recordGrantEvent(store: Pick<Store, 'journal'>, event: GrantEvent): Promise<JournalEntry> {
  const { grant } = event;
  // The data is that of event.type (GrantEventOf); TypeScript cannot follow the type through the spread.
  return store.journal.append({
    type: event.type,
    actor: event.actor,
    subject: grant.id,
    reason: event.reason,
    data: { ...event.data, ...(event.channel ? { channel: event.channel } : {}), grant },
  } as JournalEntryInput);
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
