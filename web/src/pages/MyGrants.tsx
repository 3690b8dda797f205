/** My grants: the grants the reader requested or holds, newest first, with their status and time left. */
import type { Grant } from '../../../lib/domain';
import type { Api } from '../api';
import type { SignedIn } from '../auth';
import { durationInWords, formatTime, relative } from '../format';
import { Alert, Status } from '../ui';
import { useLoaded } from '../useLoaded';
import { EndAction, isMine } from './GrantDetail';

/** Every page of a grant list (the API answers one page at a time). */
export async function allGrants(api: Api, query: string): Promise<Grant[]> {
  const grants: Grant[] = [];
  let token: string | undefined;
  do {
    const page = await api.get<{ grants: Grant[]; nextPageToken?: string }>(
      `/api/grants?${query}${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`,
    );
    grants.push(...page.grants);
    token = page.nextPageToken;
  } while (token);
  return grants;
}

function when(grant: Grant, now: number): string {
  if (grant.status === 'active' && grant.expiresAt) return `expires ${relative(grant.expiresAt, now)}`;
  if (grant.status === 'pending')
    return `asked ${relative(grant.requestedAt, now)}, for ${durationInWords(grant.durationMs)}`;
  if (grant.status === 'approved' && grant.startsAt) return `starts ${relative(grant.startsAt, now)}`;
  return grant.endedAt ? `ended ${formatTime(grant.endedAt)}` : formatTime(grant.requestedAt);
}

export function MyGrants({ api, me, now }: { api: Api; me: SignedIn; now: () => number }) {
  const {
    value: grants,
    failure,
    reload: refresh,
  } = useLoaded(async () =>
    (await allGrants(api, 'limit=100'))
      .filter((g) => isMine(g, me))
      .sort((a, b) => b.requestedAt.localeCompare(a.requestedAt)),
  );
  return (
    <main id="main">
      <h1>My grants</h1>
      {failure && <Alert>{failure}</Alert>}
      {grants?.length === 0 && <p>You have not requested or held any grant yet.</p>}
      {grants && grants.length > 0 && (
        <ul class="cards">
          {grants.map((g) => (
            <li key={g.id} class="card">
              <p>
                <a href={`/grants/${g.id}`}>
                  <strong>{g.principal}</strong>
                </a>{' '}
                <Status status={g.status} />
              </p>
              <p>
                {when(g, now())} · {g.ticket} · requested by {g.requestedBy}
              </p>
              <div class="actions">
                {g.status === 'active' && (
                  <EndAction api={api} grant={g} action="release" label="Release now" onDone={refresh} />
                )}
                {(g.status === 'pending' || g.status === 'approved') && (
                  <EndAction api={api} grant={g} action="cancel" label="Cancel request" onDone={refresh} />
                )}
                {g.status === 'active' && !g.extension && <a href={`/grants/${g.id}#extend`}>Extend…</a>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
