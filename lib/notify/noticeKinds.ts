/**
 * The catalogue of notices: every kind the watchdog sends, what it is about and how severe it is by default.
 * Routing (WATCHDOG_ROUTES), the webhook schema and docs/notifications.md are built from this one list.
 */
import type { Severity } from '../domain.js';

/** A notice's severity: the finding severities plus `info` for the grant workflow's own steps. */
export type NoticeSeverity = 'info' | Severity;

interface KindEntry {
  /** What a person reads in a list (docs, routing errors). */
  label: string;
  /** The severity unless the notice itself says otherwise (a drift alert takes its worst finding's). */
  severity: NoticeSeverity;
  /** Which area raises it. */
  area: 'audit' | 'grant' | 'revoke';
}

export const NOTICE_KINDS = {
  drift: { label: 'Drift: holders changed since the last audit', severity: 'high', area: 'audit' },
  digest: { label: 'Daily digest of open findings', severity: 'medium', area: 'audit' },
  'audit-failing': { label: 'The audit is failing', severity: 'critical', area: 'audit' },
  attribution: { label: 'Who made the changes (audit log)', severity: 'medium', area: 'audit' },
  'use-outside-window': { label: 'The power was used outside an approved window', severity: 'critical', area: 'audit' },
  'grant-requested': { label: 'Grant requested', severity: 'info', area: 'grant' },
  'grant-extension-requested': { label: 'Grant extension requested', severity: 'info', area: 'grant' },
  'grant-approved': { label: 'Grant approved', severity: 'info', area: 'grant' },
  'grant-denied': { label: 'Grant denied', severity: 'info', area: 'grant' },
  'grant-extended': { label: 'Grant extended', severity: 'info', area: 'grant' },
  'grant-active': { label: 'Grant active', severity: 'info', area: 'grant' },
  'grant-adopted': { label: 'Existing assignment adopted as a grant', severity: 'info', area: 'grant' },
  'grant-released': { label: 'Grant released', severity: 'info', area: 'grant' },
  'grant-request-lapsed': { label: 'Request lapsed without a decision', severity: 'info', area: 'grant' },
  'grant-reminder': { label: 'Grant expiring soon', severity: 'info', area: 'revoke' },
  'grant-revoked': { label: 'Grant expired and removed', severity: 'info', area: 'revoke' },
  'revoke-failed': { label: 'Removing an expired grant failed', severity: 'critical', area: 'revoke' },
  'revoke-blocked': { label: 'Revocation stopped by the mass-removal guard', severity: 'critical', area: 'revoke' },
  'unapproved-revoked': { label: 'Unapproved holder removed', severity: 'high', area: 'revoke' },
  'unapproved-revoke-failed': { label: 'Removing an unapproved holder failed', severity: 'critical', area: 'revoke' },
  'leftover-removed': { label: 'Leftover assignment of a closed grant removed', severity: 'high', area: 'revoke' },
  'leftover-remove-failed': { label: 'Removing a leftover assignment failed', severity: 'critical', area: 'revoke' },
  'needs-person': { label: 'Unapproved holders a person must remove', severity: 'high', area: 'revoke' },
} as const satisfies Record<string, KindEntry>;

export type NoticeKind = keyof typeof NOTICE_KINDS;
