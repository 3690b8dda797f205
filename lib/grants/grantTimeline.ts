/**
 * A grant's history from the journal: every entry about it, in order, for whoever may see the grant. Entries
 * about a grant are never older than its request, so the read starts there rather than at the journal's start.
 */
import type { Caller } from '../caller.js';
import type { JournalEntry } from '../ports/index.js';
import type { GrantDeps } from './grantDeps.js';
import { getGrant } from './getGrant.js';

export type TimelineEntry = Pick<JournalEntry, 'seq' | 'at' | 'type' | 'actor' | 'reason' | 'hash'>;

export async function grantTimeline(
  deps: Pick<GrantDeps, 'store'>,
  caller: Caller,
  id: string,
): Promise<TimelineEntry[]> {
  const grant = await getGrant(deps, caller, id);
  const entries: TimelineEntry[] = [];
  for await (const e of deps.store.journal.read({ from: grant.requestedAt })) {
    if (e.subject === id)
      entries.push({ seq: e.seq, at: e.at, type: e.type, actor: e.actor, reason: e.reason, hash: e.hash });
  }
  return entries;
}
