/**
 * Request access: who gets the role (checked against the directory as it is typed), for how long, why, the
 * change ticket, and an optional later start. The API checks everything again; its field errors show here.
 */
import { useState } from 'preact/hooks';
import type { Grant } from '../../../lib/domain';
import { ApiError, type Api } from '../api';
import { durationInWords } from '../format';
import { navigate } from '../router';
import { Alert, described, errorText, Field } from '../ui';
import { GranteeInput } from './GranteeInput';

export interface DurationBounds {
  minMs: number;
  maxMs: number;
}

const PRESETS = [
  { value: 'PT4H', label: '4 hours' },
  { value: 'P1D', label: '1 day' },
  { value: 'P3D', label: '3 days' },
];

function customDuration(amount: string, unit: string): string {
  const n = amount.trim();
  return unit === 'days' ? `P${n}D` : `PT${n}H`;
}

export function RequestAccess({ api, bounds }: { api: Api; bounds: DurationBounds }) {
  const [principal, setPrincipal] = useState('');
  const [preset, setPreset] = useState('PT4H');
  const [amount, setAmount] = useState('8');
  const [unit, setUnit] = useState('hours');
  const [justification, setJustification] = useState('');
  const [ticket, setTicket] = useState('');
  const [start, setStart] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    const startDate = start ? new Date(start) : undefined;
    if (startDate && Number.isNaN(startDate.getTime())) {
      setErrors({ start: 'Give a date and time, or leave it empty to start on approval.' });
      setBusy(false);
      return;
    }
    try {
      const grant = await api.post<Grant>('/api/grants', {
        principal,
        duration: preset === 'custom' ? customDuration(amount, unit) : preset,
        justification,
        ticket,
        ...(startDate ? { start: startDate.toISOString() } : {}),
      });
      navigate(`/grants/${grant.id}`);
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) setErrors(error.fields);
      else setFailure(errorText(error));
      setBusy(false);
    }
  }

  return (
    <main id="main">
      <h1>Request access</h1>
      <p>
        Ask for the Mailbox Import Export role for someone, for a limited time. An approver other than you and the
        grantee decides; once approved, Exchange Online takes up to 60 minutes to apply the role.
      </p>
      {failure && <Alert>{failure}</Alert>}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <GranteeInput api={api} value={principal} onInput={setPrincipal} error={errors.principal} />
        <fieldset class={`field${errors.duration ? ' invalid' : ''}`} aria-describedby="duration-hint">
          <legend>Duration</legend>
          <p class="hint" id="duration-hint">
            Allowed: {durationInWords(bounds.minMs)} to {durationInWords(bounds.maxMs)}.
          </p>
          <div class="choices">
            {PRESETS.map((p) => (
              <label key={p.value} class="choice">
                <input
                  type="radio"
                  name="duration"
                  value={p.value}
                  checked={preset === p.value}
                  onChange={() => setPreset(p.value)}
                />
                {p.label}
              </label>
            ))}
            <label class="choice">
              <input
                type="radio"
                name="duration"
                value="custom"
                checked={preset === 'custom'}
                onChange={() => setPreset('custom')}
              />
              Custom
            </label>
          </div>
          {preset === 'custom' && (
            <div class="custom-duration">
              <label for="duration-amount">Amount</label>
              <input
                id="duration-amount"
                inputMode="numeric"
                value={amount}
                onInput={(e) => setAmount(e.currentTarget.value)}
              />
              <label for="duration-unit">Unit</label>
              <select id="duration-unit" value={unit} onChange={(e) => setUnit(e.currentTarget.value)}>
                <option value="hours">hours</option>
                <option value="days">days</option>
              </select>
            </div>
          )}
          {errors.duration && (
            <p class="error" role="alert">
              {errors.duration}
            </p>
          )}
        </fieldset>
        <Field
          id="justification"
          label="Justification"
          error={errors.justification}
          hint="What the export or import is for; approvers and auditors read it."
        >
          <textarea
            {...described('justification', errors.justification, true)}
            rows={3}
            value={justification}
            onInput={(e) => setJustification(e.currentTarget.value)}
          />
        </Field>
        <Field id="ticket" label="Change ticket" error={errors.ticket} hint="For example CHG-1042.">
          <input
            {...described('ticket', errors.ticket, true)}
            value={ticket}
            onInput={(e) => setTicket(e.currentTarget.value)}
          />
        </Field>
        <Field
          id="start"
          label="Start (optional)"
          error={errors.start}
          hint="In your time zone. Empty: as soon as it is approved."
        >
          <input
            type="datetime-local"
            {...described('start', errors.start, true)}
            value={start}
            onInput={(e) => setStart(e.currentTarget.value)}
          />
        </Field>
        <button class="primary" type="submit" disabled={busy}>
          {busy ? 'Sending…' : 'Request access'}
        </button>
      </form>
    </main>
  );
}
