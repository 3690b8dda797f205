/** The grantee field: a user principal name, looked up in the directory when the field is left. */
import { useState } from 'preact/hooks';
import { ApiError, type Api } from '../api';
import { described, Field } from '../ui';

interface Grantee {
  upn: string;
  displayName?: string;
}

export function GranteeInput(props: { api: Api; value: string; onInput: (v: string) => void; error?: string }) {
  const [found, setFound] = useState<Grantee>();
  const [lookupError, setLookupError] = useState<string>();
  async function check() {
    setFound(undefined);
    setLookupError(undefined);
    if (!props.value.trim()) return;
    try {
      setFound(await props.api.get<Grantee>(`/api/grants/grantee?principal=${encodeURIComponent(props.value.trim())}`));
    } catch (error) {
      setLookupError(error instanceof ApiError ? (error.fields.principal ?? error.message) : undefined);
    }
  }
  const error = props.error ?? lookupError;
  return (
    <Field
      id="principal"
      label="Grantee"
      error={error}
      hint={
        found
          ? `${found.displayName ?? found.upn} (${found.upn}) is in the directory.`
          : 'Their user principal name, such as adelev@contoso.com.'
      }
    >
      <input
        {...described('principal', error, true)}
        type="email"
        autoComplete="off"
        value={props.value}
        onInput={(e) => {
          setFound(undefined);
          props.onInput(e.currentTarget.value);
        }}
        onBlur={() => void check()}
      />
    </Field>
  );
}
