/**
 * The emails of the grant lifecycle, rendered as pure functions of the grant: who gets each,
 * what it says (HTML and text), and the idempotency key that keeps a retry from sending it twice.
 */
import type { Grant } from '../../domain.js';
import { formatDuration } from '../../duration.js';
import { escapeHtml, headerSafe, oneLine } from '../../escapeText.js';
import { ROLE_CAPABILITY } from '../../roleCapability.js';

export type GrantNoticeKind =
  'requested' | 'extension-requested' | 'approved' | 'denied' | 'extended' | 'active' | 'adopted' | 'released';

export interface GrantNotice {
  kind: GrantNoticeKind;
  to: string[];
  subject: string;
  html: string;
  text: string;
  idempotencyKey: string;
}

export const PROPAGATION_NOTE =
  'Exchange Online applies role changes within up to 60 minutes: the role may not work in sessions opened before then; sign out and back in if it does not.';

interface Line {
  label: string;
  value: string;
}

function lines(grant: Grant): Line[] {
  const out: Line[] = [
    { label: 'Grant', value: grant.id },
    { label: 'Grantee', value: grant.principal },
    { label: 'Role', value: grant.role },
    { label: 'Requested by', value: grant.requestedBy },
    { label: 'Ticket', value: grant.ticket },
    { label: 'Duration', value: formatDuration(grant.durationMs) },
    { label: 'Justification', value: grant.justification },
  ];
  if (grant.startsAt) out.push({ label: 'Starts', value: grant.startsAt });
  if (grant.expiresAt) out.push({ label: 'Expires', value: grant.expiresAt });
  return out;
}

function render(
  kind: GrantNoticeKind,
  grant: Grant,
  to: string[],
  subject: string,
  intro: string[],
  extra: Line[],
  stamp?: string,
): GrantNotice {
  const details = [...lines(grant), ...extra];
  const text = [...intro, '', ...details.map((l) => `${l.label}: ${oneLine(l.value)}`)].join('\n');
  const html = [
    ...intro.map((p) => `<p>${escapeHtml(p)}</p>`),
    '<table>',
    ...details.map((l) => `<tr><th align="left">${escapeHtml(l.label)}</th><td>${escapeHtml(l.value)}</td></tr>`),
    '</table>',
  ].join('\n');
  return {
    kind,
    to: [...new Set(to.map((t) => t.toLowerCase()))],
    subject: headerSafe(`[mie-watchdog] ${subject}`, 200),
    html,
    text,
    idempotencyKey: `grant/${grant.id}/${kind}${stamp ? `/${stamp}` : ''}`,
  };
}

export function grantNotice(kind: GrantNoticeKind, grant: Grant, approverRecipients: string[]): GrantNotice {
  const people = [grant.requestedBy, grant.principal];
  const who = headerSafe(grant.principal, 80);
  switch (kind) {
    case 'requested':
      return render(
        kind,
        grant,
        approverRecipients,
        `Grant request for ${who} (${headerSafe(grant.ticket, 40)})`,
        [
          `${grant.requestedBy} asks for ${grant.role} for ${grant.principal}. Approve or deny it; you cannot decide on a request of your own.`,
          ROLE_CAPABILITY,
        ],
        [],
      );
    case 'extension-requested': {
      const ext = grant.extension;
      return render(
        kind,
        grant,
        approverRecipients,
        `Extension request for ${who}`,
        [`${ext?.requestedBy ?? grant.requestedBy} asks to extend the grant of ${grant.role} to ${grant.principal}.`],
        ext
          ? [
              { label: 'Extension', value: formatDuration(ext.durationMs) },
              { label: 'Extension justification', value: ext.justification },
            ]
          : [],
        ext?.requestedAt,
      );
    }
    case 'approved':
      return render(
        kind,
        grant,
        people,
        `Grant approved for ${who}`,
        [
          `${grant.approvedBy ?? 'An approver'} approved the grant of ${grant.role} to ${grant.principal}.`,
          grant.startsAt
            ? `It starts at ${grant.startsAt}; you will be told when it is active.`
            : 'It is being activated now; you will be told when it is active.',
        ],
        [],
      );
    case 'denied':
      return render(
        kind,
        grant,
        people,
        `${grant.extension ? 'Extension' : 'Grant'} denied for ${who}`,
        [
          `${grant.deniedBy ?? 'An approver'} denied the ${grant.extension ? 'extension of the grant' : 'grant'} of ${grant.role} to ${grant.principal}.`,
        ],
        grant.denyReason ? [{ label: 'Reason', value: grant.denyReason }] : [],
        grant.deniedAt,
      );
    case 'extended':
      return render(
        kind,
        grant,
        people,
        `Grant extended for ${who}`,
        [`The grant of ${grant.role} to ${grant.principal} now expires at ${grant.expiresAt ?? 'unknown'}.`],
        [],
        grant.expiresAt,
      );
    case 'active':
      return render(
        kind,
        grant,
        people,
        `${grant.role} granted to ${who} until ${grant.expiresAt ?? ''}`,
        [
          `${grant.principal} now holds ${grant.role} until ${grant.expiresAt ?? 'its expiry'}; it is removed automatically then.`,
          PROPAGATION_NOTE,
        ],
        grant.assignmentName ? [{ label: 'Assignment', value: grant.assignmentName }] : [],
      );
    case 'adopted':
      return render(
        kind,
        grant,
        people,
        `Existing ${grant.role} assignment of ${who} is now time-boxed`,
        [
          `${grant.approvedBy ?? 'An approver'} adopted the existing assignment ${grant.assignmentName ?? ''} as a grant; it is removed automatically at ${grant.expiresAt ?? 'its expiry'}.`,
        ],
        [],
      );
    case 'released':
      return render(
        kind,
        grant,
        people,
        `Grant released for ${who}`,
        [
          `${grant.endedBy ?? 'Someone'} released the grant of ${grant.role} to ${grant.principal}; the assignment has been removed.`,
          PROPAGATION_NOTE,
        ],
        grant.endReason ? [{ label: 'Reason', value: grant.endReason }] : [],
      );
  }
}
