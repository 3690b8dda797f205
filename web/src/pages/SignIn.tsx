/** The sign-in page: where every session starts, and where an ended one comes back to with its reason. */
import { useState } from 'preact/hooks';
import type { Auth } from '../auth';
import { Alert, errorText } from '../ui';

export function SignIn({ auth }: { auth: Auth }) {
  const [error, setError] = useState<string>();
  const ended = auth.endedBecause();
  return (
    <main id="main" class="signin">
      <h1>MIE Watchdog</h1>
      <p>
        Time-boxed access to the Exchange Online Mailbox Import Export role: request it, approve it, see who holds it
        and the evidence.
      </p>
      {ended && <Alert kind="info">{ended}</Alert>}
      {error && <Alert>{error}</Alert>}
      <button
        class="primary"
        type="button"
        onClick={() => {
          auth.signIn().catch((e: unknown) => setError(errorText(e)));
        }}
      >
        Sign in with your work account
      </button>
    </main>
  );
}
