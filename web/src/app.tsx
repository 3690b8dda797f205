/** The signed-in app: a header with the pages the reader's app roles open, and the page of the current path. */
import type { ComponentChildren } from 'preact';
import type { Api } from './api';
import type { Auth, SignedIn } from './auth';
import { onLink, usePath } from './router';
import { Approvals } from './pages/Approvals';
import { Evidence } from './pages/Evidence';
import { GrantDetail } from './pages/GrantDetail';
import { Holders } from './pages/Holders';
import { MyGrants } from './pages/MyGrants';
import { RequestAccess, type DurationBounds } from './pages/RequestAccess';

interface Page {
  path: string;
  title: string;
  roles: string[];
}

/** The pages in the order the header lists them; the first one the reader may open is their home page. */
const PAGES: Page[] = [
  { path: '/request', title: 'Request access', roles: ['Grant.Request'] },
  { path: '/grants', title: 'My grants', roles: ['Grant.Request'] },
  { path: '/approvals', title: 'Approvals', roles: ['Grant.Approve'] },
  { path: '/holders', title: 'Holders now', roles: ['Audit.Read'] },
  { path: '/evidence', title: 'Evidence', roles: ['Audit.Read'] },
];

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

function pageAt(path: string, props: { api: Api; me: SignedIn; bounds: DurationBounds }): ComponentChildren {
  const { api, me, bounds } = props;
  switch (path) {
    case '/request':
      return <RequestAccess api={api} bounds={bounds} />;
    case '/grants':
      return <MyGrants api={api} me={me} now={now} />;
    case '/approvals':
      return <Approvals api={api} me={me} now={now} />;
    case '/holders':
      return <Holders api={api} now={now} />;
    case '/evidence':
      return <Evidence api={api} now={now} />;
    default:
      return undefined;
  }
}

function NotFound() {
  return (
    <main id="main">
      <h1>No such page</h1>
      <p>
        <a href="/">Go to your home page</a>.
      </p>
    </main>
  );
}

export function App({ auth, api, me, bounds }: { auth: Auth; api: Api; me: SignedIn; bounds: DurationBounds }) {
  const path = usePath();
  // /approvals/{id} is where a new request's email links: the grant's page, where an approver decides.
  const grant = /^\/(?:grants|approvals)\/([^/]+)$/.exec(path);
  const allowed = PAGES.filter((p) => p.roles.some((r) => me.roles.includes(r)));
  const target = path === '/' ? allowed[0]?.path : allowed.find((p) => p.path === path)?.path;
  let page: ComponentChildren;
  if (allowed.length === 0) page = <NoRole me={me} />;
  else if (grant?.[1]) page = <GrantDetail api={api} id={decodeURIComponent(grant[1])} me={me} now={now} />;
  else page = (target && pageAt(target, { api, me, bounds })) || <NotFound />;
  return (
    <Shell me={me} auth={auth}>
      {page}
    </Shell>
  );
}
