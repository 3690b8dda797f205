/**
 * Cmdlet rows to domain types. The admin API serializes ADObjectId properties either as a plain name or as an
 * object with a Name; booleans sometimes as "True"/"False"; dates as ISO strings or "/Date(ms)/". All of it is
 * normalized here so that nothing downstream sees Exchange's wire shapes.
 */
import type {
  EffectiveRoleAssignment,
  ManagementRole,
  Recipient,
  RoleAssignment,
  ServicePrincipalPointer,
} from '../domain.js';
import type { CmdletRow } from './invokeCommand.js';

export function text(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return text(o.Name ?? o.name ?? o.DisplayName ?? o.Identity ?? o.DistinguishedName);
  }
  return undefined;
}

function required(row: CmdletRow, key: string, what: string): string {
  const v = text(row[key]);
  if (v === undefined || v === '')
    throw new Error(`Exchange returned a ${what} without ${key}; the admin API response is not in the expected shape.`);
  return v;
}

function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
  }
  return undefined;
}

export function isoDate(value: unknown): string | undefined {
  const v = text(value);
  if (!v) return undefined;
  const legacy = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(v);
  const ms = legacy ? Number(legacy[1]) : Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(v) ? v : `${v}Z`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function toRoleAssignment(row: CmdletRow): RoleAssignment {
  return {
    guid: required(row, 'Guid', 'role assignment').toLowerCase(),
    name: required(row, 'Name', 'role assignment'),
    identity: text(row.Identity),
    role: required(row, 'Role', 'role assignment'),
    roleAssignee: text(row.RoleAssignee) ?? text(row.RoleAssigneeName) ?? '',
    roleAssigneeName: text(row.RoleAssigneeName) ?? text(row.RoleAssignee) ?? '',
    roleAssigneeType: text(row.RoleAssigneeType) ?? '',
    delegationType: text(row.RoleAssignmentDelegationType) ?? 'Unknown',
    // An assignment whose Enabled cannot be read is treated as enabled: a watchdog errs towards reporting power.
    enabled: bool(row.Enabled) ?? true,
    recipientWriteScope: text(row.RecipientWriteScope),
    customRecipientWriteScope: text(row.CustomRecipientWriteScope),
    recipientAdministrativeUnitScope: text(row.RecipientAdministrativeUnitScope),
    customResourceScope: text(row.CustomResourceScope) || undefined,
    whenCreatedUtc: isoDate(row.WhenCreatedUTC),
    whenChangedUtc: isoDate(row.WhenChangedUTC),
  };
}

export function toEffectiveRoleAssignment(row: CmdletRow): EffectiveRoleAssignment {
  return {
    ...toRoleAssignment(row),
    effectiveUserName: required(row, 'EffectiveUserName', 'effective role assignment'),
    assignmentMethod: text(row.AssignmentMethod) ?? '',
  };
}

export function toManagementRole(row: CmdletRow): ManagementRole {
  return {
    name: required(row, 'Name', 'management role'),
    identity: text(row.Identity) ?? required(row, 'Name', 'management role'),
    guid: text(row.Guid)?.toLowerCase(),
    roleType: text(row.RoleType) ?? '',
    parent: text(row.Parent) || undefined,
    isRootRole: bool(row.IsRootRole),
  };
}

export function toRecipient(row: CmdletRow): Recipient {
  return {
    name: required(row, 'Name', 'recipient'),
    identity: text(row.Identity),
    displayName: text(row.DisplayName),
    userPrincipalName: text(row.UserPrincipalName) || undefined,
    primarySmtpAddress: text(row.PrimarySmtpAddress) || undefined,
    externalDirectoryObjectId: text(row.ExternalDirectoryObjectId)?.toLowerCase() || undefined,
    recipientType: text(row.RecipientType),
    recipientTypeDetails: text(row.RecipientTypeDetails),
  };
}

export function toServicePrincipalPointer(row: CmdletRow): ServicePrincipalPointer {
  return {
    name: text(row.Name) || required(row, 'DisplayName', 'service principal'),
    identity: text(row.Identity),
    displayName: text(row.DisplayName) || undefined,
    appId: required(row, 'AppId', 'service principal').toLowerCase(),
    // ServiceId is the deprecated name of ObjectId; older pointers may carry only it.
    objectId: (text(row.ObjectId) || required(row, 'ServiceId', 'service principal')).toLowerCase(),
  };
}
