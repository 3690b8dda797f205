/** Appends a grant state change to the journal: who, when (the clock), what (the grant) and why. */
import type { Grant } from '../domain.js';
import type { JournalEntry, Store } from '../ports/index.js';

export type GrantEventType =
  | 'grant.requested'
  | 'grant.approved'
  | 'grant.denied'
  | 'grant.cancelled'
  | 'grant.activated'
  | 'grant.extension-requested'
  | 'grant.extended'
  | 'grant.released'
  | 'grant.adopted';

export function recordGrantEvent(
  store: Pick<Store, 'journal'>,
  event: { type: GrantEventType; actor: string; grant: Grant; reason?: string; data?: Record<string, unknown> },
): Promise<JournalEntry> {
  const { etag: _etag, ...grant } = event.grant;
  return store.journal.append({
    type: event.type,
    actor: event.actor,
    subject: grant.id,
    reason: event.reason,
    data: { ...event.data, grant },
  });
}
