/**
 * Set-ManagementRoleAssignment, as the cmdlet reference documents it
 * (learn.microsoft.com/powershell/module/exchangepowershell/set-managementroleassignment): -Enabled turns the
 * assignment on or off; each scope parameter belongs to its own parameter set, so two of them together do not
 * bind; a custom scope or administrative unit overwrites the other recipient scope, and a predefined
 * -RecipientRelativeWriteScope overwrites both. -CustomResourceScope is the App parameter set: only assignments to
 * an app's service principal take it. Of the predefined scopes the emulator's assignment model holds Organization.
 */
import { asText } from '../asText.js';
import { CmdletError, notFound, type AssignmentState, type TenantState } from '../tenantState.js';
import { BINDING, type Params, type Row } from './cmdlets.js';

/** One parameter of each parameter set that scopes the assignment. */
const SCOPE_PARAMETERS = [
  'CustomRecipientWriteScope',
  'RecipientAdministrativeUnitScope',
  'RecipientRelativeWriteScope',
  'CustomResourceScope',
] as const;
/** Scope parameters of the cmdlet that the emulator's assignment model has no place for (OU and configuration scopes). */
const UNMODELED_SCOPE_PARAMETERS = [
  'RecipientOrganizationalUnitScope',
  'ExclusiveRecipientWriteScope',
  'CustomConfigWriteScope',
  'ExclusiveConfigWriteScope',
];
/** The values the reference lets a caller give -RecipientRelativeWriteScope. */
const RELATIVE_SCOPES = ['None', 'Organization', 'MyGAL', 'Self', 'MyDistributionGroups'];

type Change = Parameters<TenantState['changeAssignment']>[1];

/** A scope parameter's value: a scope name, or $null (JSON null) to remove the scope where the reference allows it. */
function scopeValue(name: string, value: unknown, nullable: boolean): string | undefined {
  if (value === null && nullable) return undefined;
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  throw new CmdletError(
    BINDING,
    `Cannot validate argument on parameter '${name}'. The argument is null or empty. Provide an argument that is not null or empty, and then try the command again.`,
  );
}

function relativeScope(value: string): Change {
  const known = RELATIVE_SCOPES.find((s) => s.toLowerCase() === value.toLowerCase());
  if (!known)
    throw new CmdletError(
      BINDING,
      `Cannot bind parameter 'RecipientRelativeWriteScope'. Cannot convert value "${value}" to type "Microsoft.Exchange.Data.Directory.SystemConfiguration.RecipientWriteScopeType". Valid values are: ${RELATIVE_SCOPES.join(', ')}.`,
    );
  if (known !== 'Organization')
    throw new CmdletError(
      'System.NotSupportedException',
      `The emulator models the Organization relative scope only, not ${known}.`,
    );
  return { customRecipientWriteScope: undefined, recipientAdministrativeUnitScope: undefined };
}

/** The scope change the one scope parameter given asks for; undefined when none is given. */
function scopeChange(a: AssignmentState, p: Params): Change | undefined {
  const unmodeled = UNMODELED_SCOPE_PARAMETERS.find((k) => p[k] !== undefined);
  if (unmodeled) throw new CmdletError('System.NotSupportedException', `The emulator does not model -${unmodeled}.`);
  const given = SCOPE_PARAMETERS.filter((k) => p[k] !== undefined);
  if (given.length > 1)
    throw new CmdletError(
      BINDING,
      `Parameter set cannot be resolved using the specified named parameters. ${given.join(' and ')} belong to different parameter sets.`,
    );
  const [name] = given;
  if (!name) return undefined;
  const isApp = a.assigneeType === 'ServicePrincipal';
  if ((name === 'CustomResourceScope') !== isApp)
    throw new CmdletError(
      BINDING,
      isApp
        ? `The role assignment "${a.name}" is to an app; only -CustomResourceScope scopes it.`
        : `The role assignment "${a.name}" is not to an app; -CustomResourceScope applies to app assignments only.`,
    );
  switch (name) {
    case 'CustomRecipientWriteScope':
      return {
        customRecipientWriteScope: scopeValue(name, p[name], true),
        recipientAdministrativeUnitScope: undefined,
      };
    case 'RecipientAdministrativeUnitScope':
      return {
        recipientAdministrativeUnitScope: scopeValue(name, p[name], false),
        customRecipientWriteScope: undefined,
      };
    case 'CustomResourceScope':
      return { customResourceScope: scopeValue(name, p[name], true) };
    case 'RecipientRelativeWriteScope':
      return relativeScope(scopeValue(name, p[name], false) as string);
  }
}

/** How the audit log writes a parameter value: PowerShell's True/False, '' for $null. */
function recorded(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return value === null ? '' : asText(value);
}

export function setManagementRoleAssignment(state: TenantState, p: Params): Row[] {
  if (p.Enabled !== undefined && typeof p.Enabled !== 'boolean')
    throw new CmdletError(
      BINDING,
      `Cannot process argument transformation on parameter 'Enabled'. Cannot convert value "${asText(p.Enabled)}" to type "System.Boolean". Boolean parameters accept only JSON booleans.`,
    );
  const a = state.assignment(p.Identity as string);
  if (!a) throw notFound(p.Identity as string, state.tenant);
  const change: Change = { ...scopeChange(a, p), ...(p.Enabled === undefined ? {} : { enabled: p.Enabled }) };
  // Nothing to set: the service completes without modifying the assignment, and so without an audit record.
  if (Object.keys(change).length === 0) return [];
  state.changeAssignment(a, change);
  const parameters: Record<string, string> = { Identity: String(p.Identity) };
  for (const k of ['Enabled', ...SCOPE_PARAMETERS]) if (p[k] !== undefined) parameters[k] = recorded(p[k]);
  state.recordAdminAction('Set-ManagementRoleAssignment', a.name, parameters);
  return [];
}
