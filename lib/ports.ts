/**
 * The small interfaces the jobs depend on. Adapters: lib/exchange (admin API), lib/graph (Graph),
 * lib/store (Table Storage), lib/mail (ACS Email), lib/clock.
 */
import type {
  AppRoleHolder,
  DirectoryPrincipal,
  DirectoryRoleHolder,
  EffectiveRoleAssignment,
  Finding,
  Grant,
  GrantStatus,
  Holder,
  ManagementRole,
  Recipient,
  RoleAssignment,
  ServicePrincipalPointer,
} from './domain.js';
import type { FindingStore, SnapshotStore } from './audit/auditStores.js';

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
  /**
   * Get-ManagementRoleAssignment -Identity <guid or name>: the assignment that has this identity, undefined when
   * none does (an unknown identity may answer every assignment: those rows are not it). Never an empty identity.
   */
  getRoleAssignment(identity: string): Promise<RoleAssignment | undefined>;
  /** Get-RoleGroupMember -Identity X (always with an identity: a missing one lists everything). */
  getRoleGroupMembers(roleGroup: string): Promise<Recipient[]>;
  /** Get-Recipient -Identity X: the recipient that has this identity (name, address, Guid, object id); undefined when none does. */
  getRecipient(identity: string): Promise<Recipient | undefined>;
  /** Get-User -Identity X: the user that has this identity (name, UPN, Guid, object id); undefined when none does. */
  getUser(identity: string): Promise<Recipient | undefined>;
  /** Get-User -ResultSize Unlimited, all pages: maps many recipient names to UPNs in a few round trips. */
  listUsers(): Promise<Recipient[]>;
  /** Get-User -Filter "Name -eq 'a' -or Name -eq 'b' ...", a few names a call: the users of these names, unknown ones left out. */
  findUsersByName(names: string[]): Promise<Recipient[]>;
  /** Get-ServicePrincipal (no identity: every pointer, all pages), to map pointer names to appIds and object ids. */
  listServicePrincipals(): Promise<ServicePrincipalPointer[]>;
  /** New-ManagementRoleAssignment -Name N -Role R -User U | -SecurityGroup G. */
  newRoleAssignment(input: {
    name: string;
    role: string;
    user?: string;
    securityGroup?: string;
  }): Promise<RoleAssignment>;
  /** Remove-ManagementRoleAssignment -Identity <guid> -Confirm:$false; an absent assignment is 'absent', not an error. */
  removeRoleAssignment(identity: string): Promise<'removed' | 'absent'>;
  addRoleGroupMember(roleGroup: string, member: string): Promise<'added' | 'already-member'>;
  removeRoleGroupMember(roleGroup: string, member: string): Promise<'removed' | 'absent'>;
}

export type AuditLogQueryStatus = 'notStarted' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A Purview audit log search (Graph beta /security/auditLog/queries): asynchronous, polled by id. */
export interface AuditLogQuery {
  id: string;
  /** Graph may add statuses; anything else than these is treated as still running. */
  status: AuditLogQueryStatus | (string & {});
  displayName?: string;
  filterStartDateTime?: string;
  filterEndDateTime?: string;
}

/** One unified audit log record of a succeeded query. */
export interface AuditLogRecord {
  id: string;
  createdDateTime: string;
  operation: string;
  userPrincipalName?: string;
  objectId?: string;
  /** The workload's own record; Exchange admin records carry `Parameters: [{ Name, Value }]`. */
  auditData: Record<string, unknown>;
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
  /** Starts an Exchange admin audit log search for these cmdlets in [from, to). */
  startAuditLogQuery(input: {
    displayName: string;
    from: string;
    to: string;
    operations: string[];
  }): Promise<AuditLogQuery>;
  /** The query's status; undefined when it no longer exists. */
  getAuditLogQuery(id: string): Promise<AuditLogQuery | undefined>;
  /** Every record of a succeeded query, all pages. */
  listAuditLogRecords(id: string): Promise<AuditLogRecord[]>;
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
  /**
   * 'deferred': ACS throttled the send (or had just throttled another), so the message waits in the outbox and a
   * later sendDeferred sends it; 'duplicate': this key was sent, or is waiting, already.
   */
  send(message: EmailMessage): Promise<{ status: 'sent' | 'duplicate' | 'deferred'; messageId: string }>;
  /** Sends what earlier throttling deferred, oldest first, until ACS throttles again. */
  sendDeferred(): Promise<{ sent: EmailMessage[]; waiting: number }>;
}

/** The outbox row of one idempotency key: claimed ('sending') before the send, 'sent' once ACS confirms it. */
export interface SentMailRecord {
  key: string;
  status: 'sending' | 'sent' | 'failed' | 'deferred';
  /** ACS Operation-Id (a UUID derived from the key and attempt): a re-sent request reuses it. */
  operationId: string;
  attempt: number;
  /** Serialized ACS poller, so a restarted run polls the accepted send instead of sending again. */
  pollerState?: string;
  messageId?: string;
  error?: string;
  to: string[];
  subject: string;
  updatedAt: string;
  etag?: string;
}

export interface SentMailStore {
  get(key: string): Promise<SentMailRecord | undefined>;
  /** Creates the record; throws ConflictError when the key was claimed already. */
  claim(record: SentMailRecord): Promise<SentMailRecord>;
  /** Writes only if the ETag still matches; otherwise throws ConflictError. */
  update(record: SentMailRecord): Promise<SentMailRecord>;
  /** Keeps the message of a throttled send until `notBefore`, then marks its record deferred (ETag-guarded). */
  defer(record: SentMailRecord, message: EmailMessage, notBefore: string): Promise<SentMailRecord>;
  /** Deferred messages, oldest first. */
  listDeferred(): Promise<DeferredMail[]>;
  /** Forgets a deferred message once it was sent. */
  dropDeferred(key: string): Promise<void>;
}

export interface DeferredMail {
  message: EmailMessage;
  enqueuedAt: string;
  /** Order among messages deferred at the same instant. */
  seq: number;
  notBefore: string;
}

export interface GrantStore {
  /** Throws ConflictError when the id exists. */
  create(grant: Grant): Promise<Grant>;
  /**
   * Creates the grant only if the principal has no open grant (by `isOpen`), atomically even against a
   * concurrent request for the same principal; throws OpenGrantExistsError naming the open one.
   */
  createExclusive(grant: Grant, isOpen: (existing: Grant) => boolean): Promise<Grant>;
  get(id: string): Promise<Grant | undefined>;
  /** Writes only if the stored ETag still equals grant.etag; otherwise throws ConflictError. */
  update(grant: Grant): Promise<Grant>;
  list(filter?: { status?: GrantStatus[]; principal?: string }): Promise<Grant[]>;
  /**
   * Up to `limit` grants with an id after `after`, in id order, filtered by the service; `more` when
   * grants after the last one returned may match too (continue with after = its id).
   */
  page(
    filter: { status?: GrantStatus[]; principal?: string },
    options: { limit: number; after?: string },
  ): Promise<{ grants: Grant[]; more: boolean }>;
}

export interface JournalEntryInput {
  /**
   * The change this entry records, the same for every run that records it ("grant.revoked|g-1"):
   * appendOnce journals each id once. Part of the hashed entry when present.
   */
  id?: string;
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

export interface JournalEntry extends Required<Omit<JournalEntryInput, 'reason' | 'id'>> {
  seq: number;
  id?: string;
  reason?: string;
  prevHash: string;
  hash: string;
}

/** Append-only, hash-chained event journal. */
export interface Journal {
  append(entry: JournalEntryInput): Promise<JournalEntry>;
  /** Appends consecutive entries, in batches that each commit atomically (one transaction per up to 99). */
  appendMany(entries: JournalEntryInput[]): Promise<JournalEntry[]>;
  /**
   * Appends the inputs (each with an id) whose id no entry after seq `after` carries: for a run that may
   * repeat a dead run's appends, with `after` a seq it recorded before that run's first append.
   */
  appendOnce(entries: (JournalEntryInput & { id: string })[], after: number): Promise<JournalEntry[]>;
  /** The seq of the last entry (0 when empty): what a run records before appending, for appendOnce. */
  headSeq(): Promise<number>;
  /** In sequence order; `from`/`to` filter on `at` (inclusive/exclusive). */
  read(range?: { fromSeq?: number; from?: string; to?: string }): AsyncIterable<JournalEntry>;
}

/** A journal row exactly as stored, before any trust in it: what verification and evidence read. */
export interface StoredJournalRow {
  rowKey: string;
  /** The entry, when the row parses; its hashes are not yet checked. */
  entry?: JournalEntry;
  /** Position of the entry in a row that packs several (0 or absent: the row's first entry). */
  index?: number;
  /** For an unreadable packed row: the last seq it says it holds. */
  throughSeq?: number;
  /** Why the row could not be read as an entry (missing column, data not JSON). */
  unreadable?: string;
}

/** The journal's stored rows and head, for verifying the hash chain. */
export interface JournalRows {
  /** Entry rows in row-key (sequence) order, from `fromSeq` (default 1). */
  rows(range?: { fromSeq?: number }): AsyncIterable<StoredJournalRow>;
  /** The head row (last seq and hash); undefined when the journal has never been written. */
  head(): Promise<{ seq: number; hash: string } | undefined>;
}

/** A removal of an unapproved holder in progress: what the next run needs to finish its notice and journal entries. */
export interface UnapprovedRemovalClaim {
  holder: Holder;
  assignment: RoleAssignment;
  finding: Finding;
  /** The journal seq before the removal (its intent): the entries of this removal follow it. */
  journalSeq: number;
  claimedAt: string;
}

export interface RemovalClaimStore {
  /** Records the intent before the removal; throws ConflictError when another run holds it. */
  claim(claim: UnapprovedRemovalClaim): Promise<void>;
  list(): Promise<UnapprovedRemovalClaim[]>;
  /** Deletes the claim of this assignment Guid once its removal is finished (absent: nothing to do). */
  release(guid: string): Promise<void>;
}

/**
 * An alert of the revoke run about to be sent ("needs a person", mass-removal guard): recorded before its email,
 * released once its entries are journaled, so the next run journals them once if this one dies in between.
 */
export interface AlertIntent {
  /** The notice's idempotency key. */
  key: string;
  /** The journal seq before the email (the intent): its entries follow it. */
  journalSeq: number;
  /** What the alert.sent (or alert.deferred) entry records of the email. */
  email: { to: string[]; subject: string; kind: string };
  /** Entries journaled with the alert (revoke.blocked), each with its event id. */
  entries: (JournalEntryInput & { id: string })[];
}

export interface AlertIntentStore {
  record(intent: AlertIntent): Promise<void>;
  list(): Promise<AlertIntent[]>;
  /** Deletes the intent once its entries are journaled (absent: nothing to do). */
  release(key: string): Promise<void>;
}

export interface Store {
  grants: GrantStore;
  removals: RemovalClaimStore;
  alertIntents: AlertIntentStore;
  journal: Journal;
  sentMail: SentMailStore;
  snapshots: SnapshotStore;
  findings: FindingStore;
}

/** Where jobs report progress: context.log in Functions, stderr in the CLI. Never pass secrets or tokens. */
export interface Logger {
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
  error(message: string, properties?: Record<string, unknown>): void;
}
