/**
 * The small interfaces the jobs depend on. Adapters: lib/exchange (admin API), lib/graph (Graph),
 * lib/store (Table Storage), lib/mail (ACS Email), lib/clock.
 */
import type {
  AppRoleHolder,
  DirectoryPrincipal,
  DirectoryRoleHolder,
  EffectiveRoleAssignment,
  Grant,
  GrantStatus,
  ManagementRole,
  Recipient,
  RoleAssignment,
} from './domain.js';

export interface Clock {
  now(): Date;
}

/** Exchange RBAC through the admin API (InvokeCommand). Reads page to the end or throw. */
export interface ExchangeRbac {
  /** Get-ManagementRole -RoleType MailboxImportExport: the built-in role and its custom children. */
  getMieRoles(): Promise<ManagementRole[]>;
  /** Get-ManagementRoleAssignment -Role X (regular and delegating). */
  getRoleAssignments(role: string): Promise<RoleAssignment[]>;
  /** Get-ManagementRoleAssignment -Role X -GetEffectiveUsers. */
  getEffectiveRoleAssignments(role: string): Promise<EffectiveRoleAssignment[]>;
  /** Get-ManagementRoleAssignment -Identity <guid>; undefined when it does not exist. */
  getRoleAssignment(identity: string): Promise<RoleAssignment | undefined>;
  /** Get-RoleGroupMember -Identity X (always with an identity: a missing one lists everything). */
  getRoleGroupMembers(roleGroup: string): Promise<Recipient[]>;
  /** Get-Recipient -Identity X; undefined when not found. */
  getRecipient(identity: string): Promise<Recipient | undefined>;
  /** Get-User -Identity X; undefined when not found. */
  getUser(identity: string): Promise<Recipient | undefined>;
  /** New-ManagementRoleAssignment -Name N -Role R -User U | -SecurityGroup G. */
  newRoleAssignment(input: { name: string; role: string; user?: string; securityGroup?: string }): Promise<RoleAssignment>;
  /** Remove-ManagementRoleAssignment -Identity <guid> -Confirm:$false; an absent assignment is 'absent', not an error. */
  removeRoleAssignment(identity: string): Promise<'removed' | 'absent'>;
  addRoleGroupMember(roleGroup: string, member: string): Promise<'added' | 'already-member'>;
  removeRoleGroupMember(roleGroup: string, member: string): Promise<'removed' | 'absent'>;
}

/** Entra ID through Microsoft Graph. */
export interface Directory {
  /** A user by UPN or object id; undefined when not found. */
  getUser(upnOrId: string): Promise<DirectoryPrincipal | undefined>;
  /** Users, groups and service principals by object id ($batch, at most 20 a request). */
  getPrincipals(ids: string[]): Promise<Map<string, DirectoryPrincipal>>;
  /** /groups/{id}/transitiveMembers, all pages. */
  getTransitiveMembers(groupId: string): Promise<DirectoryPrincipal[]>;
  /** Holders of these directory roles (role template ids), groups expanded transitively. */
  getDirectoryRoleHolders(roleDefinitionIds: string[]): Promise<DirectoryRoleHolder[]>;
  /** Principals holding an app role (by value) of the resource app (by appId). */
  getAppRoleHolders(resourceAppId: string, appRoleValue: string): Promise<AppRoleHolder[]>;
}

export interface EmailMessage {
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** The same key never sends twice, even across retried runs. */
  idempotencyKey: string;
}

export interface Mailer {
  send(message: EmailMessage): Promise<{ status: 'sent' | 'duplicate'; messageId: string }>;
}

export interface GrantStore {
  /** Throws ConflictError when the id exists. */
  create(grant: Grant): Promise<Grant>;
  get(id: string): Promise<Grant | undefined>;
  /** Writes only if the stored ETag still equals grant.etag; otherwise throws ConflictError. */
  update(grant: Grant): Promise<Grant>;
  list(filter?: { status?: GrantStatus[]; principal?: string }): Promise<Grant[]>;
}

export interface JournalEntryInput {
  /** grant.requested, grant.approved, holder.added, revoke.failed, ... */
  type: string;
  /** UPN of the person, or "watchdog" for the app itself. */
  actor: string;
  /** What it is about: a grant id, a holder key, a principal. */
  subject: string;
  reason?: string;
  data?: Record<string, unknown>;
  /** Defaults to the clock's now. */
  at?: string;
}

export interface JournalEntry extends Required<Omit<JournalEntryInput, 'reason'>> {
  seq: number;
  reason?: string;
  prevHash: string;
  hash: string;
}

/** Append-only, hash-chained event journal. */
export interface Journal {
  append(entry: JournalEntryInput): Promise<JournalEntry>;
  /** In sequence order; `from`/`to` filter on `at` (inclusive/exclusive). */
  read(range?: { fromSeq?: number; from?: string; to?: string }): AsyncIterable<JournalEntry>;
}

export interface Store {
  grants: GrantStore;
  journal: Journal;
}

/** Where jobs report progress: context.log in Functions, stderr in the CLI. Never pass secrets or tokens. */
export interface Logger {
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
  error(message: string, properties?: Record<string, unknown>): void;
}
