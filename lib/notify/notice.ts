/**
 * One notice, whatever the channel: a typed event (kind, severity, when, what it is about) and its content as
 * a small document (summary line, paragraphs, facts, tables, the web page it links to). Each channel renders
 * the same notice its own way: the email layout, a Teams card, the webhook event, a Logs Ingestion row.
 */
import type { NoticeKind, NoticeSeverity } from './noticeKinds.js';

/** An instant (ISO 8601 UTC), shown as UTC with a relative phrase ("in 3 hours"). */
export interface InstantValue {
  instant: string;
}

/** A length of time, shown in words ("4 hours"). */
export interface DurationValue {
  durationMs: number;
}

/** What a fact or a table cell holds: text as given, or a time rendered for people. */
export type NoticeValue = string | InstantValue | DurationValue;

export interface NoticeFact {
  label: string;
  value: NoticeValue;
}

export interface NoticeTable {
  title: string;
  columns: string[];
  rows: NoticeValue[][];
}

/** The web app's page for this notice: a path below WATCHDOG_WEB_URL (the link is left out without it). */
export interface NoticePage {
  label: string;
  path: string;
}

/** What a notice is about, as ids a receiver can join on (the webhook event and the log row carry them). */
export interface NoticeRefs {
  grantId?: string;
  principal?: string;
  assignmentGuid?: string;
  tenant?: string;
}

export interface Notice {
  kind: NoticeKind;
  severity: NoticeSeverity;
  /** The idempotency key: the same event always has the same key, so no channel delivers it twice. */
  key: string;
  /** When it happened (the run's clock): relative phrases are measured from here. */
  at: string;
  /** Email recipients (deduplicated, lower case); the other channels are routed by kind and severity. */
  to: string[];
  /** One line: the email subject, the card title, the event summary. */
  subject: string;
  /** The first line a person reads: what happened and what to do, in one sentence. */
  summary: string;
  heading: string;
  paragraphs: string[];
  facts: NoticeFact[];
  tables: NoticeTable[];
  page?: NoticePage;
  refs: NoticeRefs;
  /** The closing line (what to do in general); the layout's own otherwise. */
  footer?: string;
}

/** A notice before it is addressed: what a renderer builds; the send path adds the recipients and the key. */
export type NoticeBody = Omit<Notice, 'key' | 'to'>;

export const instant = (iso: string): InstantValue => ({ instant: iso });
export const duration = (ms: number): DurationValue => ({ durationMs: ms });

/** Recipients compared case-insensitively, each once. */
export function recipients(addresses: string[]): string[] {
  return [...new Set(addresses.map((a) => a.toLowerCase()))];
}

/** The web app's pages a notice links to (the web app's router serves these paths). */
export const PAGES = {
  approval: (grantId: string): NoticePage => ({
    label: 'Open the approval',
    path: `/approvals/${encodeURIComponent(grantId)}`,
  }),
  grant: (grantId: string): NoticePage => ({ label: 'Open the grant', path: `/grants/${encodeURIComponent(grantId)}` }),
  holders: (): NoticePage => ({ label: 'Open Holders now', path: '/holders' }),
};

/** The absolute link of a page, or undefined without a web URL. */
export function pageUrl(page: NoticePage | undefined, webUrl: string | undefined): string | undefined {
  if (!page || !webUrl) return undefined;
  return `${webUrl.replace(/\/+$/, '')}${page.path}`;
}
