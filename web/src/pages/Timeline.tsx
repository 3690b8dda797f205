/** A grant's journal entries, oldest first: what happened, who did it, when (in the reader's zone). */
import type { TimelineEntry } from '../../../lib/grants/grantTimeline';
import type { Api } from '../api';
import { formatTime } from '../format';
import { Alert } from '../ui';
import { useLoaded } from '../useLoaded';

const WORDS: Record<string, string> = {
  'grant.requested': 'Requested',
  'grant.approved': 'Approved',
  'grant.denied': 'Denied',
  'grant.cancelled': 'Cancelled',
  'grant.activated': 'Activated: role assigned',
  'grant.extension-requested': 'Extension asked',
  'grant.extended': 'Extended',
  'grant.released': 'Released',
  'grant.expired': 'Expired',
  'grant.revoked': 'Role removed',
  'grant.adopted': 'Adopted',
  'grant.request-lapsed': 'Lapsed: nobody decided in time',
  'grant.extension-lapsed': 'Extension request lapsed: nobody decided in time',
};

export function Timeline({ api, id, version }: { api: Api; id: string; version: number }) {
  const { value: entries, failure } = useLoaded(
    async () => (await api.get<{ entries: TimelineEntry[] }>(`/api/grants/${encodeURIComponent(id)}/journal`)).entries,
    [id, version],
  );
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      {failure && <Alert>{failure}</Alert>}
      {entries && (
        <ol class="timeline">
          {entries.map((e) => (
            <li key={e.seq}>
              <time dateTime={e.at}>{formatTime(e.at)}</time> <strong>{WORDS[e.type] ?? e.type}</strong> by {e.actor}
              {e.reason ? <q>{e.reason}</q> : null}
              <span class="seq">journal #{e.seq}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
