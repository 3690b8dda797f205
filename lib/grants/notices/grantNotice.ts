/**
 * The notices of the grant lifecycle, built as pure functions of the grant: who gets each, what it says, the
 * page of the web app it links to, and the idempotency key that keeps a retry from sending it twice. The
 * shared layout (lib/notify/emailLayout.ts) and the other channels render them.
 */
import type { Grant } from '../../domain.js';
import { durationInWords, instantInWords, utcText } from '../../notify/humanTime.js';
import { duration, instant, PAGES, recipients, type Notice, type NoticeFact } from '../../notify/notice.js';
import { ROLE_CAPABILITY } from '../../roleCapability.js';

export type GrantNoticeKind =
  | 'requested'
  | 'extension-requested'
  | 'approved'
  | 'denied'
  | 'extended'
  | 'active'
  | 'adopted'
  | 'released'
  | 'request-lapsed';

/** Who took the step the notice reports and why, when the grant itself does not say (an extension's approval). */
export interface NoticeDecision {
  by: string;
  reason?: string;
}

export type GrantNotice = Notice;

export const PROPAGATION_NOTE =
  'Exchange Online applies role changes within up to 60 minutes: the role may not work in sessions opened before then; sign out and back in if it does not.';

function lines(grant: Grant): NoticeFact[] {
  const out: NoticeFact[] = [
    { label: 'Grant', value: grant.id },
    { label: 'Grantee', value: grant.principal },
    { label: 'Role', value: grant.role },
    { label: 'Requested by', value: grant.requestedBy },
    { label: 'Ticket', value: grant.ticket },
    { label: 'Duration', value: duration(grant.durationMs) },
    { label: 'Justification', value: grant.justification },
  ];
  if (grant.startsAt) out.push({ label: 'Starts', value: instant(grant.startsAt) });
  if (grant.expiresAt) out.push({ label: 'Expires', value: instant(grant.expiresAt) });
  return out;
}

interface Content {
  to: string[];
  subject: string;
  summary: string;
  paragraphs: string[];
  extra?: NoticeFact[];
  /** The decider's reason, shown last. */
  reason?: string;
  stamp?: string;
}

function render(kind: GrantNoticeKind, grant: Grant, at: string, content: Content): GrantNotice {
  const asks = kind === 'requested' || kind === 'extension-requested';
  const reason: NoticeFact[] = content.reason ? [{ label: 'Reason', value: content.reason }] : [];
  return {
    kind: `grant-${kind}`,
    severity: 'info',
    key: `grant/${grant.id}/${kind}${content.stamp ? `/${content.stamp}` : ''}`,
    at,
    to: recipients(content.to),
    subject: `[mie-watchdog] ${content.subject}`,
    summary: content.summary,
    heading: `${grant.role} for ${grant.principal}`,
    paragraphs: content.paragraphs,
    facts: [...lines(grant), ...(content.extra ?? []), ...reason],
    tables: [],
    page: asks ? PAGES.approval(grant.id) : PAGES.grant(grant.id),
    refs: { grantId: grant.id, principal: grant.principal, assignmentGuid: grant.assignmentGuid },
  };
}

/** Who hears of grants besides the people on them: the approvers and the security team (the alert recipients). */
export interface GrantAudience {
  approvers: string[];
  securityTeam: string[];
}

/** The approvers other than the one who decided: they learn the request is no longer theirs to decide. */
function otherApprovers(audience: GrantAudience, decidedBy: string | undefined): string[] {
  const by = decidedBy?.toLowerCase();
  return audience.approvers.filter((a) => a.toLowerCase() !== by);
}

// eslint-disable-next-line max-lines-per-function -- one case per notice kind, each its own few lines of text, read side by side
export function grantNotice(
  kind: GrantNoticeKind,
  grant: Grant,
  audience: GrantAudience,
  at: string,
  decision?: NoticeDecision,
): GrantNotice {
  const people = [grant.requestedBy, grant.principal];
  const who = grant.principal;
  const ends = (fallback: string) => (grant.expiresAt ? instantInWords(grant.expiresAt, at) : fallback);
  switch (kind) {
    case 'requested':
      return render(kind, grant, at, {
        to: audience.approvers,
        subject: `Grant request for ${who} (${grant.ticket.slice(0, 40)})`,
        summary: `${grant.requestedBy} asks for ${grant.role} for ${grant.principal} for ${durationInWords(grant.durationMs)}: approve or deny it.`,
        paragraphs: [
          `${grant.requestedBy} asks for ${grant.role} for ${grant.principal}. Approve or deny it; you cannot decide on a request of your own.`,
          ROLE_CAPABILITY,
        ],
      });
    case 'extension-requested': {
      const ext = grant.extension;
      return render(kind, grant, at, {
        to: audience.approvers,
        subject: `Extension request for ${who}`,
        summary: `${ext?.requestedBy ?? grant.requestedBy} asks to extend the grant of ${grant.role} to ${grant.principal}${ext ? ` by ${durationInWords(ext.durationMs)}` : ''}: approve or deny it.`,
        paragraphs: [
          `${ext?.requestedBy ?? grant.requestedBy} asks to extend the grant of ${grant.role} to ${grant.principal}.`,
        ],
        extra: ext
          ? [
              { label: 'Extension', value: duration(ext.durationMs) },
              { label: 'Extension justification', value: ext.justification },
            ]
          : [],
        stamp: ext?.requestedAt,
      });
    }
    case 'approved':
      return render(kind, grant, at, {
        to: [...people, ...audience.securityTeam, ...otherApprovers(audience, grant.approvedBy)],
        subject: `Grant approved for ${who}`,
        summary: `${grant.approvedBy ?? 'An approver'} approved ${grant.role} for ${grant.principal}.`,
        paragraphs: [
          `${grant.approvedBy ?? 'An approver'} approved the grant of ${grant.role} to ${grant.principal}.`,
          grant.startsAt
            ? `It starts at ${instantInWords(grant.startsAt, at)}; you will be told when it is active.`
            : 'It is being activated now; you will be told when it is active.',
        ],
        reason: grant.approveReason,
      });
    case 'denied':
      return render(kind, grant, at, {
        to: [...people, ...otherApprovers(audience, grant.deniedBy)],
        subject: `${grant.extension ? 'Extension' : 'Grant'} denied for ${who}`,
        summary: `${grant.deniedBy ?? 'An approver'} denied the ${grant.extension ? 'extension of the grant' : 'grant'} of ${grant.role} to ${grant.principal}.`,
        paragraphs: [
          `${grant.deniedBy ?? 'An approver'} denied the ${grant.extension ? 'extension of the grant' : 'grant'} of ${grant.role} to ${grant.principal}.`,
        ],
        reason: grant.denyReason,
        stamp: grant.deniedAt,
      });
    case 'extended':
      // An extension's approval is an approval: the security team hears of it, the other approvers that it is decided.
      return render(kind, grant, at, {
        to: [...people, ...audience.securityTeam, ...otherApprovers(audience, decision?.by)],
        subject: `Grant extended for ${who}`,
        summary: `${decision?.by ?? 'An approver'} extended the grant of ${grant.role} to ${grant.principal}: it now ends ${ends('at an unknown time')}.`,
        paragraphs: [
          `${decision?.by ?? 'An approver'} approved the extension: the grant of ${grant.role} to ${grant.principal} now expires at ${ends('unknown')}.`,
        ],
        reason: decision?.reason,
        stamp: grant.expiresAt,
      });
    case 'request-lapsed': {
      const ext = grant.extension;
      const asker = ext?.requestedBy ?? grant.requestedBy;
      const what = ext
        ? `extension of the grant of ${grant.role} to ${grant.principal}`
        : `grant of ${grant.role} to ${grant.principal}`;
      return render(kind, grant, at, {
        // The requester learns it will not happen; the approvers that it has left their queue.
        to: [asker, grant.principal, ...audience.approvers],
        subject: `${ext ? 'Extension request' : 'Grant request'} for ${who} lapsed without a decision`,
        summary: `Nobody decided on the ${what} in time: it has lapsed. Ask again if it is still needed.`,
        paragraphs: [
          `${asker} asked for the ${what} at ${instantInWords(ext?.requestedAt ?? grant.requestedAt, at)}; no approver decided before the request's time ran out (WATCHDOG_REQUEST_TTL), so it has lapsed and can no longer be approved.`,
          ext
            ? `The grant itself is unchanged: it still ends ${ends('at its expiry')}.`
            : 'Request the grant again if it is still needed.',
        ],
        stamp: ext?.requestedAt ?? grant.requestedAt,
      });
    }
    case 'active':
      return render(kind, grant, at, {
        to: [...people, ...audience.securityTeam],
        subject: `${grant.role} granted to ${who} until ${grant.expiresAt ? utcText(grant.expiresAt) : 'its expiry'}`,
        summary: `${grant.principal} now holds ${grant.role}; it is removed automatically ${grant.expiresAt ? `at ${ends('')}` : 'at its expiry'}.`,
        paragraphs: [
          `${grant.principal} now holds ${grant.role} until ${ends('its expiry')}; it is removed automatically then.`,
          PROPAGATION_NOTE,
        ],
        extra: grant.assignmentName ? [{ label: 'Assignment', value: grant.assignmentName }] : [],
      });
    case 'adopted':
      return render(kind, grant, at, {
        to: [...people, ...audience.securityTeam],
        subject: `Existing ${grant.role} assignment of ${who} is now time-boxed`,
        summary: `The existing ${grant.role} assignment of ${grant.principal} is now a grant that ends ${ends('at its expiry')}.`,
        paragraphs: [
          `${grant.approvedBy ?? 'An approver'} adopted the existing assignment ${grant.assignmentName ?? ''} as a grant; it is removed automatically at ${ends('its expiry')}.`,
        ],
      });
    case 'released':
      return render(kind, grant, at, {
        to: people,
        subject: `Grant released for ${who}`,
        summary: `${grant.endedBy ?? 'Someone'} released the grant of ${grant.role} to ${grant.principal}; the assignment is removed.`,
        paragraphs: [
          `${grant.endedBy ?? 'Someone'} released the grant of ${grant.role} to ${grant.principal}; the assignment has been removed.`,
          PROPAGATION_NOTE,
        ],
        extra: grant.endReason ? [{ label: 'Reason', value: grant.endReason }] : [],
      });
  }
}
