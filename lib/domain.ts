/**
 * The watchdog's vocabulary: what Exchange and the directory report, who holds the role,
 * what was approved, and what the audit finds. Plain data, no behaviour. Microsoft's fixed names and ids
 * come from contract/microsoft.ts, which the tenant emulator shares.
 */

export {
  ALL_GROUP_MEMBERS,
  APPLICATION_EXPORT_ROLE,
  APPLICATION_IMPORT_EXPORT_ROLE,
  COMPLIANCE_URL,
  EDISCOVERY_EXPORT_ROLE,
  MAILBOX_EXPORT_APP_ROLE,
  EXCHANGE_ADMINISTRATOR_ROLE_ID,
  EXCHANGE_ONLINE_APP_ID,
  GLOBAL_ADMINISTRATOR_ROLE_ID,
  GRAPH_APP_ID,
  MAILBOX_IMPORT_EXPORT_APP_ROLE,
  MIE_ROLE,
  ORGANIZATION_MANAGEMENT,
} from '../contract/microsoft.js';
import type { ExportPathVia } from '../contract/emulator.js';

// ---- Exchange, as read through the admin API ----------------------------------------------

export interface ManagementRole {
  name: string;
  identity: string;
  guid?: string;
  roleType: string;
  /** Parent role name for custom child roles ("Mailbox Import Export"). */
  parent?: string;
  isRootRole?: boolean;
}

/** One row of Get-ManagementRoleAssignment. Keyed by `guid`, never by the composite Identity. */
export interface RoleAssignment {
  guid: string;
  name: string;
  identity?: string;
  role: string;
  roleAssignee: string;
  roleAssigneeName: string;
  /** User, RoleGroup, SecurityGroup, ServicePrincipal, Policy, ... */
  roleAssigneeType: string;
  /** Regular, DelegatingOrgWide, Delegating, ... */
  delegationType: string;
  enabled: boolean;
  recipientWriteScope?: string;
  customRecipientWriteScope?: string;
  recipientAdministrativeUnitScope?: string;
  /** RBAC for Applications: the management scope an application role assignment is limited to. */
  customResourceScope?: string;
  whenCreatedUtc?: string;
  whenChangedUtc?: string;
}

/** One row of Get-ManagementRoleAssignment -GetEffectiveUsers. */
export interface EffectiveRoleAssignment extends RoleAssignment {
  /** Recipient *name* of the effective user, or "All Group Members" for the group row itself. */
  effectiveUserName: string;
  /** Direct, RoleGroup, SecurityGroup, RoleAssignmentPolicy */
  assignmentMethod: string;
}

/** A recipient as Get-User / Get-Recipient / Get-RoleGroupMember describe it. */
export interface Recipient {
  name: string;
  identity?: string;
  displayName?: string;
  userPrincipalName?: string;
  primarySmtpAddress?: string;
  /** Entra ID object id. */
  externalDirectoryObjectId?: string;
  recipientType?: string;
  recipientTypeDetails?: string;
}

/**
 * An app's pointer in Exchange (New-ServicePrincipal): what role assignments and role group members name
 * instead of the app. Name and DisplayName are the admin's choice; AppId and ObjectId are the Entra ids.
 */
export interface ServicePrincipalPointer {
  name: string;
  identity?: string;
  displayName?: string;
  appId: string;
  /** Entra object id of the service principal. */
  objectId: string;
}

// ---- Entra ID, as read through Graph ------------------------------------------------------

export type PrincipalType = 'user' | 'group' | 'servicePrincipal' | 'other';

export interface DirectoryPrincipal {
  id: string;
  type: PrincipalType;
  displayName?: string;
  userPrincipalName?: string;
  mail?: string;
  appId?: string;
  accountEnabled?: boolean;
}

/** A principal holding a directory role (already expanded when the role sits on a group). */
export interface DirectoryRoleHolder {
  roleDefinitionId: string;
  principal: DirectoryPrincipal;
  /** Set when the role reaches the principal through a role-assignable group. */
  viaGroup?: DirectoryPrincipal;
  /** PIM: eligible for the role (can activate it at any time), not holding it now. */
  eligible?: true;
}

export interface AppRoleHolder {
  appRoleId: string;
  appRoleValue: string;
  principal: DirectoryPrincipal;
  assignmentId: string;
  createdAt?: string;
}

// ---- Holders and snapshots ----------------------------------------------------------------

/**
 * What a power lets its holder do with mailbox content: export it in bulk, import into any mailbox, search and
 * restore deleted items, or give the power to others (lib/roleCapability.ts says which role carries which).
 */
export type Capability = 'export' | 'import' | 'restore-deleted-items' | 'grant';

/** How a holder got the power: one of the export paths (contract/emulator.ts), or an assignee the audit cannot look into. */
export type HolderVia =
  | ExportPathVia
  /** An assignee type the audit cannot expand (linked or partner role groups, policies): one holder, members unknown. */
  | 'unexpanded-assignee';

/** Somebody (or some app) who can export mailboxes, and exactly how they got that power. */
export interface Holder {
  /** Stable key: principal + the assignment or app-role assignment that gives the power. */
  key: string;
  /** Lower-cased UPN for users, appId for apps. */
  principal: string;
  principalId?: string;
  principalType: 'User' | 'ServicePrincipal';
  displayName?: string;
  /** "Mailbox Import Export", a custom child role, or the Graph app role. */
  role: string;
  via: HolderVia;
  /** Group or role group name for group paths. */
  viaName?: string;
  /** Human-readable path: "via role group PST Migration Operators". */
  path: string;
  assignmentGuid: string;
  assignmentName: string;
  scope: string;
  enabled: boolean;
  /** What the power lets the holder do. */
  capability: Capability[];
  /** PIM-eligible for the directory role the power comes through: can activate it at any time. */
  eligible?: true;
  /**
   * An app holding the same power tenant-wide (Graph application permission) and through a scoped Exchange
   * application role: the tenant-wide grant makes the scope meaningless.
   */
  tenantWideAndScoped?: true;
}

/** Somebody who can give the power to others (a delegating assignment): listed, never a holder. */
export interface Grantor {
  /** The assignee as Exchange names it (a role group, user, security group or app pointer). */
  principal: string;
  assigneeType: string;
  role: string;
  assignmentGuid: string;
  assignmentName: string;
  delegationType: string;
  path: string;
  capability: Capability[];
  /** Organization Management's built-in delegating assignment, or the watchdog's own: expected, never a finding. */
  expected: boolean;
}

export interface Snapshot {
  takenAt: string;
  holders: Holder[];
  /** Every assignment read (regular and delegating), for the record. */
  assignments: RoleAssignment[];
  /** Who can grant the power (delegating assignments); absent in snapshots taken before it was recorded. */
  canGrant?: Grantor[];
}

// ---- Grants -------------------------------------------------------------------------------

export type GrantStatus =
  | 'pending' // requested, waiting for an approver
  | 'approved' // approved, start time in the future
  | 'active' // assignment created
  | 'denied'
  | 'cancelled'
  | 'lapsed' // no decision within WATCHDOG_REQUEST_TTL
  | 'expired' // past its end, assignment not yet confirmed gone
  | 'revoked' // removed at expiry and confirmed gone
  | 'released'; // given back early and confirmed gone

export type GrantMethod = 'direct' | 'role-group';

export interface GrantExtension {
  durationMs: number;
  requestedBy: string;
  /** Entra ID object id and tenant of whoever asked for the extension (absent on rows written before they were recorded). */
  requestedById?: string;
  requestedByTenantId?: string;
  requestedAt: string;
  justification: string;
}

export interface Grant {
  id: string;
  /** Lower-cased UPN of the person who will hold the role. */
  principal: string;
  principalId?: string;
  /** Exchange recipient name, to match EffectiveUserName rows. */
  principalName?: string;
  role: string;
  status: GrantStatus;
  method: GrantMethod;
  roleGroup?: string;
  /** Normalised UPN of the requester, for the record. */
  requestedBy: string;
  /** Entra ID object id and tenant of the requester: who they are (absent on rows written before they were recorded). */
  requestedById?: string;
  requestedByTenantId?: string;
  requestedAt: string;
  justification: string;
  ticket: string;
  durationMs: number;
  startsAt?: string;
  approvedBy?: string;
  approvedById?: string;
  approvedAt?: string;
  /** What the approver gave as the reason for approving (optional; a denial always has one). */
  approveReason?: string;
  deniedBy?: string;
  deniedAt?: string;
  denyReason?: string;
  activatedAt?: string;
  expiresAt?: string;
  assignmentGuid?: string;
  assignmentName?: string;
  /** Adopted from an assignment that existed before the grant. */
  adopted?: boolean;
  extension?: GrantExtension;
  endedAt?: string;
  endedBy?: string;
  endReason?: string;
  revocation?: {
    attempts: number;
    lastError?: string;
    lastAttemptAt?: string;
    verifiedAt?: string;
    /** The journal seq before the first attempt's entries (its intent): later attempts journal each event once from there. */
    journalSeq?: number;
  };
  /**
   * A request (or extension request) being lapsed (recorded before its journal entry and notice, the intent):
   * the journal seq of that moment and which request it is. A run that dies midway leaves it; the next finishes.
   */
  lapse?: { journalSeq: number; requestedAt: string };
  /** Reminder offsets (ISO 8601 durations) already sent. */
  remindersSent?: string[];
  /**
   * A reminder being sent (recorded before the email, the intent): the offsets it handles and the journal seq
   * of that moment. A run that dies before recording it as sent leaves it, and the next run finishes this one.
   */
  reminderIntent?: { offset: string; handled: string[]; journalSeq: number };
}

// ---- Findings -----------------------------------------------------------------------------

export type FindingKind = 'unapproved' | 'expired-present' | 'missing' | 'changed' | 'can-grant';
export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface Finding {
  /** Stable identity across runs: kind + principal + assignment (+ what changed). */
  id: string;
  kind: FindingKind;
  /** UPN or appId. */
  principal: string;
  severity: Severity;
  summary: string;
  assignmentGuid?: string;
  grantId?: string;
  /** The one holder a finding is about; absent on a finding about a group assignment (see `holders`). */
  holderKey?: string;
  /** What the power of the finding's cause lets its holders do. */
  capability?: Capability[];
  /** Every principal (UPN or appId) the cause reaches: one group assignment reaching 3,000 people is one finding. */
  holders?: string[];
  /** How many principals the cause reaches; the journal keeps a shortened `holders` when the list is long. */
  holderCount?: number;
}
