/** Approvals: pending requests and extensions, each with what an approver needs to decide and the decision. */
import type { Api } from '../api';
import type { SignedIn } from '../auth';
import { durationInWords, formatTime, relative } from '../format';
import { Alert } from '../ui';
import { useLoaded } from '../useLoaded';
import { Decision, type GrantView } from './GrantDetail';
import { allGrants } from './MyGrants';

export function Approvals({ api, me, now }: { api: Api; me: SignedIn; now: () => number }) {
  const {
    value: grants,
    failure,
    reload,
  } = useLoaded<GrantView[]>(async () =>
    (await allGrants(api, 'status=pending,active&limit=100')).filter((g) => g.status === 'pending' || g.extension),
  );
  return (
    <main id="main">
      <h1>Approvals</h1>
      {failure && <Alert>{failure}</Alert>}
      {grants?.length === 0 && <p>Nothing is waiting for a decision.</p>}
      {grants && grants.length > 0 && (
        <ul class="cards">
          {grants.map((g) => (
            <li key={g.id} class="card" aria-label={`Request for ${g.principal}`}>
              <h2>
                <a href={`/grants/${g.id}`}>
                  {g.extension ? 'Extension' : 'Request'} for {g.principal}
                </a>
              </h2>
              <dl class="facts">
                <dt>Requested by</dt>
                <dd>
                  {g.extension ? g.extension.requestedBy : g.requestedBy} ·{' '}
                  {formatTime(g.extension ? g.extension.requestedAt : g.requestedAt)}
                </dd>
                <dt>For</dt>
                <dd>
                  {durationInWords(g.extension ? g.extension.durationMs : g.durationMs)}
                  {g.extension ? ' more' : ''}
                </dd>
                <dt>Justification</dt>
                <dd>{g.extension ? g.extension.justification : g.justification}</dd>
                <dt>Ticket</dt>
                <dd>{g.ticket}</dd>
                {g.lapsesAt && (
                  <>
                    <dt>Lapses</dt>
                    <dd>
                      {formatTime(g.lapsesAt)} ({relative(g.lapsesAt, now())}) without a decision
                    </dd>
                  </>
                )}
              </dl>
              <Decision api={api} grant={g} me={me} onDone={reload} />
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
