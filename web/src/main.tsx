/** Starts the web app: reads the sign-in settings, finishes a sign-in redirect, and shows the app or the sign-in page. */
import { render } from 'preact';
import { createApi } from './api';
import { startAuth, type AppConfig } from './auth';
import { App } from './app';
import { SignIn } from './pages/SignIn';
import type { DurationBounds } from './pages/RequestAccess';
import './styles.css';

type ServedConfig = (AppConfig & { grantDurations: DurationBounds }) | { problem: string };

async function start(root: HTMLElement): Promise<void> {
  const config = (await (await fetch('/app-config.json')).json()) as ServedConfig;
  if ('problem' in config) {
    root.textContent = config.problem;
    return;
  }
  const auth = await startAuth(config);
  root.textContent = '';
  const show = () => {
    const me = auth.user();
    const api = createApi(auth, show);
    render(me ? <App auth={auth} api={api} me={me} bounds={config.grantDurations} /> : <SignIn auth={auth} />, root);
  };
  show();
}

const root = document.getElementById('app');
if (root)
  start(root).catch((error: unknown) => {
    root.textContent = `The app could not start: ${error instanceof Error ? error.message : String(error)}`;
  });
