/**
 * Every event the journal records, with the data it carries: one discriminated union on `type` that the use cases
 * write and evidence, the grant timeline and a repeated run's recovery read. A new event type is added here first.
 */
import type { ActorChannel } from '../caller.js';
import type { Finding, Grant, GrantExtension, Holder, RoleAssignment } from '../domain.js';
import type { RecordedUse } from './usage.js';

/** A grant step: the grant as saved and, when a person took it, how they were verified. */
type GrantStep = { grant: Grant; channel?: ActorChannel };

/** What an alert entry records of its email. */
type AlertData = { to: string[]; subject: string; kind?: string; deferred?: boolean };

/** An Exchange assignment the watchdog removed, and why. */
type AssignmentRemoved =
  | { reason: 'unapproved'; holder: Holder; outcome: 'removed' | 'absent' }
  | { reason: 'expired'; grant: Grant; outcome: string }
  | { reason: 'grant-closed'; grant: Grant; assignment: RoleAssignment; outcome: string; verifiedAt: string };

export type JournalEventData = {
  'holder.added': { holder: Holder };
  'holder.changed': { holder: Holder; previous: Holder };
  'holder.removed': { holder: Holder };
  'finding.opened': { finding: Finding };
  'finding.resolved': { finding: Finding };
  'finding.attributed': { by: string; at: string; operation: string };
  'breakglass.detected': { holder: Holder };
  'breakglass.cleared': { holder: Holder };
  'grant.requested': GrantStep;
  'grant.approved': GrantStep;
  'grant.denied': GrantStep & { extension?: GrantExtension };
  'grant.cancelled': GrantStep & { assignment?: unknown };
  'grant.activated': GrantStep;
  'grant.extension-requested': GrantStep;
  'grant.extended': GrantStep & { extension: GrantExtension; previousExpiresAt?: string };
  'grant.released': GrantStep & { assignment: unknown };
  'grant.adopted': GrantStep & { assignment: RoleAssignment };
  /** A request (or an extension request) nobody decided within WATCHDOG_REQUEST_TTL, closed by the watchdog. */
  'grant.request-lapsed': { grant: Grant; extension?: GrantExtension };
  'grant.extension-lapsed': { grant: Grant; extension?: GrantExtension };
  'grant.expired': { grant: Grant };
  'grant.revoked': { grant: Grant; outcome: string };
  'grant.revoke-failed': { grant: Grant; attempts: number };
  'assignment.removed': AssignmentRemoved;
  'unapproved.revoked': { holder: Holder; finding: Finding; verifiedAt: string };
  /** The mass-removal guard's numbers and a bounded summary of the targets it held back. */
  'revoke.blocked': { reason: string; targetCount: number; targetsHash: string; [detail: string]: unknown };
  /** A use of the power the audit log shows outside any grant's window (the usage ledger). */
  'usage.outside-window': { use: RecordedUse };
  'alert.sent': AlertData;
  'alert.deferred': AlertData;
};

export type JournalEventType = keyof JournalEventData;

/** One event: its type and the data of that type. */
export type JournalEvent = { [T in JournalEventType]: { type: T; data: JournalEventData[T] } }[JournalEventType];
