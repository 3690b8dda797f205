/**
 * One line of `mie-watchdog doctor`: a named check, whether it passed, what was seen, and for a failure the
 * exact fix (which permission, which command). 'skip' means it could not be checked because an earlier check
 * it depends on failed; it never counts as a pass.
 */
export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

export interface DoctorReport {
  ok: boolean;
  tenant: string;
  checks: CheckResult[];
}

export const pass = (name: string, detail: string): CheckResult => ({ name, status: 'pass', detail });
export const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'fail', detail, fix });
export const skip = (name: string, detail: string): CheckResult => ({ name, status: 'skip', detail });

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What grants an app role the identity is missing (Graph application permissions, Exchange.ManageAsApp). */
export const APP_ROLES_FIX =
  'azd provision (infra/modules/graphPermissions.bicep), or pwsh scripts/permissions/Grant-WatchdogPermissions.ps1';
/** The Exchange step: service principal pointer, the trimmed role group MIE Watchdog, the delegating assignment. */
export const EXCHANGE_STEP = 'pwsh scripts/permissions/Grant-WatchdogPermissions.ps1 -SkipGraph';
