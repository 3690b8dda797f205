/** Holders now: everyone who holds Mailbox Import Export by any path, from the verified journal, with open findings. */
import type { Finding, Holder } from '../../../lib/domain';
import type { Api } from '../api';
import { formatTime } from '../format';
import { Alert } from '../ui';
import { useLoaded } from '../useLoaded';

export interface HoldersAnswer {
  at: string;
  recorded: boolean;
  historyStartsAt?: string;
  holders: { holder: Holder; since: string }[];
  integrity: { ok: boolean; last?: { seq: number; hash: string } };
}

interface FindingRow {
  finding: Finding;
  resolvedAt?: string;
}

export function HolderTable({ answer, findings }: { answer: HoldersAnswer; findings?: FindingRow[] }) {
  if (!answer.recorded)
    return (
      <p>
        No holder history is recorded at {formatTime(answer.at)}
        {answer.historyStartsAt ? `: it starts ${formatTime(answer.historyStartsAt)}` : ''}.
      </p>
    );
  // A finding about one holder names its key; a finding by cause (a group's assignment) names the principals it
  // reaches, unless its journal entry had to shorten the list (then every holder of the assignment may be one).
  const reaches = (f: Finding, h: Holder) =>
    !f.holders || (f.holderCount ?? 0) > f.holders.length || f.holders.includes(h.principal);
  const about = (f: Finding, h: Holder) =>
    f.holderKey ? f.holderKey === h.key : f.assignmentGuid === h.assignmentGuid && reaches(f, h);
  const open = (h: Holder) => (findings ?? []).filter((f) => !f.resolvedAt && about(f.finding, h));
  return (
    <table>
      <caption>
        {answer.holders.length} holder{answer.holders.length === 1 ? '' : 's'} at {formatTime(answer.at)}
      </caption>
      <thead>
        <tr>
          <th scope="col">Holder</th>
          <th scope="col">Path</th>
          <th scope="col">Since</th>
          {findings && <th scope="col">Open findings</th>}
        </tr>
      </thead>
      <tbody>
        {answer.holders.map(({ holder, since }) => (
          <tr key={holder.key}>
            <td data-label="Holder">
              {holder.displayName ?? holder.principal}
              <br />
              <span class="mono">{holder.principal}</span>
            </td>
            <td data-label="Path">
              {holder.path}
              {holder.enabled ? '' : ' (disabled)'}
            </td>
            <td data-label="Since">{formatTime(since)}</td>
            {findings && (
              <td data-label="Open findings">
                {open(holder)
                  .map((f) => f.finding.summary)
                  .join('; ') || 'none'}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Holders({ api, now }: { api: Api; now: () => number }) {
  const { value, failure } = useLoaded(async () => {
    const at = new Date(now()).toISOString();
    const [answer, findings] = await Promise.all([
      api.get<HoldersAnswer>(`/api/evidence/holders?at=${encodeURIComponent(at)}`),
      api.get<{ records: FindingRow[] }>('/api/evidence/export?kind=findings&format=json'),
    ]);
    return { answer, findings: findings.records };
  });
  return (
    <main id="main">
      <h1>Holders now</h1>
      {failure && <Alert>{failure}</Alert>}
      {value && !value.answer.integrity.ok && (
        <Alert>The journal does not verify: this list is not evidence. See Evidence.</Alert>
      )}
      {value && <HolderTable answer={value.answer} findings={value.findings} />}
    </main>
  );
}
