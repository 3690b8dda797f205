/**
 * How the emulated Exchange admin API answers where the real service has hazards or more than one wire
 * form. The defaults are the documented, harsher behaviour; tests switch a variant on to cover it too.
 */

export interface ExchangeBehaviour {
  /**
   * The cmdlet reference of Get-ManagementRoleAssignment, Get-User, Get-Recipient, Get-RoleGroup,
   * Get-RoleGroupMember and Get-ServicePrincipal cautions that "the value $null or a non-existent value for the Identity parameter
   * returns *all* objects as if you ran the Get- command without the Identity parameter". When true (the
   * default) an empty, null or unknown -Identity of those cmdlets answers every object; when false, an
   * unknown one is ManagementObjectNotFoundException as in older versions.
   */
  identityReturnsAll: boolean;
  /**
   * `details[0].message` of a cmdlet error: 'pipe' (default) is `ExXXXXXX|<ExceptionType>|<Message>` as the
   * service sends it today; 'json' is the JSON-string form `{"localizedString":{"stringId"},"ClassName","Message"}`.
   */
  errorDetail: 'pipe' | 'json';
  /** ManagementObjectNotFoundException as HTTP 404 `NotFound` (default) or HTTP 500 `InternalServerError`; both are seen. */
  notFound: 'NotFound' | 'InternalServerError';
}

export const DEFAULT_EXCHANGE_BEHAVIOUR: Readonly<ExchangeBehaviour> = {
  identityReturnsAll: true,
  errorDetail: 'pipe',
  notFound: 'NotFound',
};

/** Checks a partial behaviour (from code or the control route); the message names the bad field. */
export function validateExchangeBehaviour(input: unknown): string | undefined {
  if (!input || typeof input !== 'object' || Array.isArray(input))
    return 'send an object with identityReturnsAll, errorDetail and/or notFound';
  const b = input as Record<string, unknown>;
  const known = ['identityReturnsAll', 'errorDetail', 'notFound'];
  const unknown = Object.keys(b).find((k) => !known.includes(k));
  if (unknown) return `unknown field '${unknown}' (known: ${known.join(', ')})`;
  if (b.identityReturnsAll !== undefined && typeof b.identityReturnsAll !== 'boolean')
    return 'identityReturnsAll must be true or false';
  if (b.errorDetail !== undefined && b.errorDetail !== 'pipe' && b.errorDetail !== 'json')
    return "errorDetail must be 'pipe' or 'json'";
  if (b.notFound !== undefined && b.notFound !== 'NotFound' && b.notFound !== 'InternalServerError')
    return "notFound must be 'NotFound' or 'InternalServerError'";
  return undefined;
}
