/**
 * Evidence for auditors: whether the journal's hash chain verifies (and its head, to record elsewhere), who held
 * the role at a chosen time, and every export in every format, downloaded with the auditor's own token.
 */
import { useEffect, useState } from 'preact/hooks';
import { EXPORT_FORMATS, EXPORT_KINDS } from '../../../lib/evidence/evidenceTable';
import type { Api } from '../api';
import { Alert, described, errorText, Field } from '../ui';
import { HolderTable, type HoldersAnswer } from './Holders';

interface ChainReport {
  ok: boolean;
  entries: number;
  last?: { seq: number; hash: string };
  problems: { message: string }[];
}

/** A datetime-local value for an instant, in the reader's zone. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

async function download(api: Api, path: string): Promise<string> {
  const response = await api.fetch(path);
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'export';
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

export function Evidence({ api, now }: { api: Api; now: () => number }) {
  const [chain, setChain] = useState<ChainReport>();
  const [at, setAt] = useState(localInput(now()));
  const [holders, setHolders] = useState<HoldersAnswer>();
  const [atError, setAtError] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [saved, setSaved] = useState<string>();
  useEffect(() => {
    api.get<ChainReport>('/api/evidence/verify').then(setChain, (e: unknown) => setFailure(errorText(e)));
  }, []);
  async function showHolders(event: Event) {
    event.preventDefault();
    const when = new Date(at);
    if (Number.isNaN(when.getTime())) return setAtError('Give a date and time.');
    setAtError(undefined);
    try {
      setHolders(await api.get<HoldersAnswer>(`/api/evidence/holders?at=${encodeURIComponent(when.toISOString())}`));
    } catch (error) {
      setAtError(errorText(error));
    }
  }
  return (
    <main id="main">
      <h1>Evidence</h1>
      {failure && <Alert>{failure}</Alert>}
      <section aria-labelledby="chain-title">
        <h2 id="chain-title">Hash chain</h2>
        {chain && (
          <Alert kind={chain.ok ? 'success' : 'error'}>
            {chain.ok
              ? `Verified: ${chain.entries} entries, intact.`
              : `Broken: ${chain.problems.map((p) => p.message).join(' ')}`}
          </Alert>
        )}
        {chain?.last && (
          <p>
            Head: entry #{chain.last.seq}, hash{' '}
            <span class="mono" data-testid="head-hash">
              {chain.last.hash}
            </span>
            . Record it outside the storage account to anchor later checks.
          </p>
        )}
      </section>
      <section aria-labelledby="at-title">
        <h2 id="at-title">Holders at a time</h2>
        <form onSubmit={(e) => void showHolders(e)} noValidate class="inline">
          <Field id="holders-at" label="Time (your time zone)" error={atError}>
            <input
              type="datetime-local"
              {...described('holders-at', atError)}
              value={at}
              onInput={(e) => setAt(e.currentTarget.value)}
            />
          </Field>
          <button type="submit">Show holders</button>
        </form>
        {holders && <HolderTable answer={holders} />}
      </section>
      <section aria-labelledby="downloads-title">
        <h2 id="downloads-title">Downloads</h2>
        {saved && <Alert kind="success">Saved {saved}.</Alert>}
        <table>
          <thead>
            <tr>
              <th scope="col">Export</th>
              <th scope="col">Formats</th>
            </tr>
          </thead>
          <tbody>
            {EXPORT_KINDS.map((kind) => (
              <tr key={kind}>
                <td data-label="Export">{kind}</td>
                <td data-label="Formats" class="actions">
                  {EXPORT_FORMATS.map((format) => (
                    <button
                      key={format}
                      type="button"
                      aria-label={`Download ${kind} as ${format.toUpperCase()}`}
                      onClick={() => {
                        download(api, `/api/evidence/export?kind=${kind}&format=${format}`).then(
                          setSaved,
                          (e: unknown) => setFailure(errorText(e)),
                        );
                      }}
                    >
                      {format.toUpperCase()}
                    </button>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}
