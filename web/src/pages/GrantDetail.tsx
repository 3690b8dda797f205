/**
 * One grant: who, why, its times in the reader's zone, and what the reader may do with it now. Decisions the
 * policy forbids the reader (deciding on their own request or grant) are shown disabled, with why.
 */
import { useState } from 'preact/hooks';
import type { Grant } from '../../../lib/domain';
import { ApiError, type Api } from '../api';
import type { SignedIn } from '../auth';
import { durationInWords, formatTime, relative } from '../format';
import { Alert, described, errorText, Field, Status } from '../ui';
import { useLoaded } from '../useLoaded';
import { Timeline } from './Timeline';

export type GrantView = Grant & { note?: string; lapsesAt?: string };

const same = (me: SignedIn, upn: string | undefined, oid: string | undefined) =>
  oid ? oid.toLowerCase() === me.oid.toLowerCase() : upn?.toLowerCase() === me.upn;

/** The reader requested the grant or holds it. */
export function isMine(grant: Grant, me: SignedIn): boolean {
  return same(me, grant.requestedBy, grant.requestedById) || same(me, grant.principal, grant.principalId);
}

/** Why the reader may not decide on this grant, or undefined when they may. */
export function selfDecisionReason(grant: Grant, me: SignedIn): string | undefined {
  if (same(me, grant.principal, grant.principalId)) return 'You are the grantee: another approver must decide.';
  if (grant.extension && same(me, grant.extension.requestedBy, grant.extension.requestedById))
    return 'You asked for this extension: another approver must decide.';
  if (same(me, grant.requestedBy, grant.requestedById))
    return 'You requested this grant: another approver must decide.';
  return undefined;
}

export function Decision({
  api,
  grant,
  me,
  onDone,
}: {
  api: Api;
  grant: Grant;
  me: SignedIn;
  onDone: (g: Grant) => void;
}) {
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string>();
  const why = selfDecisionReason(grant, me);
  const reasonId = `reason-${grant.id}`;
  async function decide(action: 'approve' | 'deny') {
    setFailure(undefined);
    setErrors({});
    try {
      // Without a reason a denial is refused by the API, which says why next to the field.
      onDone(await api.post<Grant>(`/api/grants/${grant.id}/${action}`, reason.trim() ? { reason } : {}));
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) setErrors(error.fields);
      else setFailure(errorText(error));
    }
  }
  return (
    <div class="decision">
      {failure && <Alert>{failure}</Alert>}
      <Field
        id={reasonId}
        label="Reason"
        hint="Required to deny, optional to approve; the requester reads it and the journal keeps it."
        error={errors.reason}
      >
        <input
          {...described(reasonId, errors.reason, true)}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </Field>
      <div class="actions">
        <button
          type="button"
          class="primary"
          disabled={!!why}
          aria-describedby={why ? `why-${grant.id}` : undefined}
          onClick={() => void decide('approve')}
        >
          Approve{grant.extension ? ' extension' : ''}
        </button>
        <button
          type="button"
          disabled={!!why}
          aria-describedby={why ? `why-${grant.id}` : undefined}
          onClick={() => void decide('deny')}
        >
          Deny
        </button>
      </div>
      {why && (
        <p class="why" id={`why-${grant.id}`}>
          {why}
        </p>
      )}
    </div>
  );
}

export function EndAction({
  api,
  grant,
  action,
  label,
  onDone,
}: {
  api: Api;
  grant: Grant;
  action: 'release' | 'cancel';
  label: string;
  onDone: (g: Grant) => void;
}) {
  const [failure, setFailure] = useState<string>();
  return (
    <>
      {failure && <Alert>{failure}</Alert>}
      <button
        type="button"
        onClick={() => {
          api.post<Grant>(`/api/grants/${grant.id}/${action}`).then(onDone, (e: unknown) => setFailure(errorText(e)));
        }}
      >
        {label}
      </button>
    </>
  );
}

function Extend({ api, grant, onDone }: { api: Api; grant: Grant; onDone: (g: Grant) => void }) {
  const [hours, setHours] = useState('4');
  const [justification, setJustification] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string>();
  async function submit(event: Event) {
    event.preventDefault();
    setFailure(undefined);
    try {
      onDone(
        await api.post<Grant>(`/api/grants/${grant.id}/extend`, { duration: `PT${hours.trim()}H`, justification }),
      );
      setErrors({});
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) setErrors(error.fields);
      else setFailure(errorText(error));
    }
  }
  return (
    <form id="extend" class="extend" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="extend-title">
      <h2 id="extend-title">Ask for more time</h2>
      {failure && <Alert>{failure}</Alert>}
      <Field id="extend-hours" label="More hours" error={errors.duration}>
        <input
          {...described('extend-hours', errors.duration)}
          inputMode="numeric"
          value={hours}
          onInput={(e) => setHours(e.currentTarget.value)}
        />
      </Field>
      <Field id="extend-justification" label="Why" error={errors.justification}>
        <input
          {...described('extend-justification', errors.justification)}
          value={justification}
          onInput={(e) => setJustification(e.currentTarget.value)}
        />
      </Field>
      <button type="submit">Ask for the extension</button>
    </form>
  );
}

export function GrantDetail({ api, id, me, now }: { api: Api; id: string; me: SignedIn; now: () => number }) {
  const {
    value: grant,
    failure,
    reload,
    version,
    show,
  } = useLoaded(() => api.get<GrantView>(`/api/grants/${encodeURIComponent(id)}`), [id]);
  if (failure)
    return (
      <main id="main">
        <h1>Grant</h1>
        <Alert>{failure}</Alert>
      </main>
    );
  if (!grant)
    return (
      <main id="main">
        <h1>Grant</h1>
        <p>Loading…</p>
      </main>
    );
  const refresh = (g: Grant) => {
    show(g);
    reload();
  };
  const mine = isMine(grant, me);
  const approver = me.roles.includes('Grant.Approve');
  const decidable = approver && (grant.status === 'pending' || (grant.status === 'active' && !!grant.extension));
  return (
    <main id="main">
      <h1>
        Grant for {grant.principal} <Status status={grant.status} />
      </h1>
      {grant.note && <Alert kind="info">{grant.note}</Alert>}
      <dl class="facts">
        <dt>Requested by</dt>
        <dd>
          {grant.requestedBy} · {formatTime(grant.requestedAt)}
        </dd>
        <dt>Duration</dt>
        <dd>{durationInWords(grant.durationMs)}</dd>
        <dt>Justification</dt>
        <dd>{grant.justification}</dd>
        <dt>Ticket</dt>
        <dd>{grant.ticket}</dd>
        {grant.startsAt && (
          <>
            <dt>Starts</dt>
            <dd>{formatTime(grant.startsAt)}</dd>
          </>
        )}
        {grant.approvedBy && (
          <>
            <dt>Approved by</dt>
            <dd>
              {grant.approvedBy} · {formatTime(grant.approvedAt)}
              {grant.approveReason ? `: ${grant.approveReason}` : ''}
            </dd>
          </>
        )}
        {grant.deniedBy && (
          <>
            <dt>Denied by</dt>
            <dd>
              {grant.deniedBy} · {formatTime(grant.deniedAt)}
              {grant.denyReason ? `: ${grant.denyReason}` : ''}
            </dd>
          </>
        )}
        {grant.expiresAt && (
          <>
            <dt>Expires</dt>
            <dd data-testid="expires">
              {formatTime(grant.expiresAt)} ({relative(grant.expiresAt, now())})
            </dd>
          </>
        )}
        {grant.endedAt && (
          <>
            <dt>Ended</dt>
            <dd>
              {formatTime(grant.endedAt)} by {grant.endedBy}
              {grant.endReason ? `: ${grant.endReason}` : ''}
            </dd>
          </>
        )}
        {grant.extension && (
          <>
            <dt>Extension asked</dt>
            <dd>
              {durationInWords(grant.extension.durationMs)} more: {grant.extension.justification}
            </dd>
          </>
        )}
        {grant.lapsesAt && (
          <>
            <dt>Lapses</dt>
            <dd>
              {formatTime(grant.lapsesAt)} ({relative(grant.lapsesAt, now())}) unless an approver decides
            </dd>
          </>
        )}
      </dl>
      <div class="actions">
        {decidable && <Decision api={api} grant={grant} me={me} onDone={refresh} />}
        {grant.status === 'active' && (mine || approver) && (
          <EndAction api={api} grant={grant} action="release" label="Release now" onDone={refresh} />
        )}
        {(grant.status === 'pending' || grant.status === 'approved') && (mine || approver) && (
          <EndAction api={api} grant={grant} action="cancel" label="Cancel request" onDone={refresh} />
        )}
      </div>
      {grant.status === 'active' && mine && !grant.extension && me.roles.includes('Grant.Request') && (
        <Extend api={api} grant={grant} onDone={refresh} />
      )}
      <Timeline api={api} id={grant.id} version={version} />
    </main>
  );
}
