/** The signed-in app: a header with the pages the reader's app roles open, and the page of the current path. */
import type { ComponentChildren } from 'preact';
import type { Api } from './api';
import type { Auth, SignedIn } from './auth';
import { onLink, usePath } from './router';
import { GrantDetail } from './pages/GrantDetail';
import { RequestAccess, type DurationBounds } from './pages/RequestAccess';

interface Page {
  path: string;
  title: string;
  roles: string[];
}

const PAGES: Page[] = [{ path: '/request', title: 'Request access', roles: ['Grant.Request'] }];

const now = () => Date.now();

function Shell({ me, auth, children }: { me: SignedIn; auth: Auth; children: ComponentChildren }) {
  const path = usePath();
  const pages = PAGES.filter((p) => p.roles.some((r) => me.roles.includes(r)));
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top" onClick={onLink}>
        <a class="brand" href="/">
          MIE Watchdog
        </a>
        <nav aria-label="Pages">
          <ul>
            {pages.map((p) => (
              <li key={p.path}>
                <a href={p.path} aria-current={path.startsWith(p.path) ? 'page' : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="me">
          <span>{me.name}</span>
          <button type="button" onClick={() => void auth.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <div onClick={onLink}>{children}</div>
    </>
  );
}

function NoRole({ me }: { me: SignedIn }) {
  return (
    <main id="main">
      <h1>No access yet</h1>
      <p>
        {me.upn} holds none of the watchdog's app roles (Grant.Request, Grant.Approve, Audit.Read). Ask an Entra ID
        administrator to assign one on the MIE Watchdog app registration.
      </p>
    </main>
  );
}

export function App({ auth, api, me, bounds }: { auth: Auth; api: Api; me: SignedIn; bounds: DurationBounds }) {
  const path = usePath();
  const grant = /^\/grants\/([^/]+)$/.exec(path);
  const home = PAGES.find((p) => p.roles.some((r) => me.roles.includes(r)));
  let page: ComponentChildren;
  if (grant?.[1]) page = <GrantDetail api={api} id={decodeURIComponent(grant[1])} me={me} now={now} />;
  else if (path.startsWith('/request') && me.roles.includes('Grant.Request'))
    page = <RequestAccess api={api} bounds={bounds} />;
  else if (home && path === '/') page = <RequestAccess api={api} bounds={bounds} />;
  else page = <NoRole me={me} />;
  return (
    <Shell me={me} auth={auth}>
      {page}
    </Shell>
  );
}
