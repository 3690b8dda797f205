/**
 * The notices the revocation job sends, built as pure functions; the shared layout and the other channels
 * render them, escaping every value that comes from a person or a tenant. Each carries an idempotency key per
 * grant (or assignment) and event, so a retried run never sends it twice.
 */
import type { Grant, Holder, RoleAssignment } from '../domain.js';
import { instantInWords, utcText } from '../notify/humanTime.js';
import { instant, PAGES, recipients, type Notice, type NoticePage, type NoticeValue } from '../notify/notice.js';
import type { NoticeKind, NoticeSeverity } from '../notify/noticeKinds.js';
import type { MassRemovalBlock, Protection, Removal } from './planRevocations.js';
import type { Leftover } from './reconcileGrantAssignments.js';
import { LISTED_TARGETS } from './targetSummary.js';

/** Exchange keeps a per-session permission cache: a removed role can keep working for this long. */
export const PROPAGATION_NOTE =
  'Exchange Online caches permissions per session: the role may keep working for up to 60 minutes in sessions that were already open. The next audit confirms that the assignment stays gone.';

type Fact = [label: string, value: NoticeValue];

interface Body {
  at: string;
  heading: string;
  summary?: string;
  paragraphs: string[];
  facts: Fact[];
  severity?: NoticeSeverity;
  page?: NoticePage;
  refs?: Notice['refs'];
}

function render(kind: NoticeKind, to: string[], subject: string, key: string, body: Body): Notice {
  const severity = body.severity ?? 'info';
  const tag = severity === 'critical' ? '[CRITICAL] ' : '';
  return {
    kind,
    severity,
    key,
    at: body.at,
    to: recipients(to),
    subject: `[mie-watchdog] ${tag}${subject}`,
    summary: body.summary ?? body.heading,
    heading: body.heading,
    paragraphs: body.paragraphs,
    facts: body.facts.map(([label, value]) => ({ label, value })),
    tables: [],
    page: body.page,
    refs: body.refs ?? {},
  };
}

function grantFacts(grant: Grant): Fact[] {
  const facts: Fact[] = [
    ['Grant', grant.id],
    ['Principal', grant.principal],
    ['Role', grant.role],
    ['Requested by', grant.requestedBy],
  ];
  if (grant.approvedBy) facts.push(['Approved by', grant.approvedBy]);
  facts.push(['Ticket', grant.ticket], ['Justification', grant.justification]);
  if (grant.expiresAt) facts.push(['Expires', instant(grant.expiresAt)]);
  return facts;
}

const grantRefs = (grant: Grant): Notice['refs'] => ({
  grantId: grant.id,
  principal: grant.principal,
  assignmentGuid: grant.assignmentGuid,
});

function howGranted(grant: Grant): string {
  if (grant.method === 'role-group') return `membership of role group ${grant.roleGroup ?? '(unknown)'}`;
  return `assignment ${grant.assignmentName ?? grant.assignmentGuid ?? '(unknown)'}`;
}

export function grantRevokedNotice(grant: Grant, verifiedAt: string, securityTeam: string[]): Notice {
  return render(
    'grant-revoked',
    [grant.principal, grant.requestedBy, ...securityTeam],
    `${grant.role} removed from ${grant.principal} (grant expired)`,
    `grant/${grant.id}/revoked`,
    {
      at: verifiedAt,
      heading: `${grant.role} removed from ${grant.principal}`,
      summary: `The grant of ${grant.role} to ${grant.principal} expired; the role is removed and confirmed gone.`,
      page: PAGES.grant(grant.id),
      refs: grantRefs(grant),
      paragraphs: [
        `The grant expired at ${utcText(grant.expiresAt ?? grant.endedAt ?? verifiedAt)}. The watchdog removed its ${howGranted(grant)} and read it back at ${utcText(verifiedAt)}: it is gone.`,
        PROPAGATION_NOTE,
        'Need it again? Request a new grant; it needs a fresh approval.',
      ],
      facts: [...grantFacts(grant), ['Removal confirmed', instant(verifiedAt)]],
    },
  );
}

/** A closed grant's own assignment was still in Exchange (an activation whose answer was lost, say). */
export function leftoverRemovedNotice(
  grant: Grant,
  assignment: RoleAssignment,
  verifiedAt: string,
  securityTeam: string[],
): Notice {
  return render(
    'leftover-removed',
    [grant.principal, grant.requestedBy, ...securityTeam],
    `${grant.role} removed from ${grant.principal} (grant ${grant.status}, assignment left behind)`,
    `assignment/${assignment.guid}/leftover-removed`,
    {
      at: verifiedAt,
      severity: 'high',
      heading: `Leftover ${grant.role} assignment removed from ${grant.principal}`,
      summary: `A ${grant.status} grant's assignment was still in Exchange and usable; the watchdog removed it.`,
      page: PAGES.grant(grant.id),
      refs: { ...grantRefs(grant), assignmentGuid: assignment.guid },
      paragraphs: [
        `Grant ${grant.id} is ${grant.status}, yet its own assignment ${assignment.name} was still in Exchange; it was usable until now. This happens when an activation reaches Exchange but its answer is lost. The watchdog removed it and read it back at ${utcText(verifiedAt)}: it is gone.`,
        PROPAGATION_NOTE,
      ],
      facts: [
        ...grantFacts(grant),
        ['Assignment', `${assignment.name} (${assignment.guid})`],
        ['Removal confirmed', instant(verifiedAt)],
      ],
    },
  );
}

/** A removal that failed in this run: which assignment, and the error. */
export interface FailedRemoval {
  assignment: RoleAssignment;
  error: string;
  runAt: string;
}

export function leftoverRemoveFailedNotice(grant: Grant, failure: FailedRemoval, securityTeam: string[]): Notice {
  const { assignment, error, runAt } = failure;
  return render(
    'leftover-remove-failed',
    securityTeam,
    `Could not remove leftover ${grant.role} assignment of ${grant.principal}`,
    `assignment/${assignment.guid}/leftover-remove-failed/${runAt}`,
    {
      at: runAt,
      severity: 'critical',
      summary: `A ${grant.status} grant's assignment is still in Exchange and could not be removed: remove it by hand.`,
      page: PAGES.grant(grant.id),
      refs: { ...grantRefs(grant), assignmentGuid: assignment.guid },
      heading: `Could not remove the leftover assignment of ${grant.status} grant ${grant.id}`,
      paragraphs: [
        `Last error: ${error}`,
        `The watchdog tries again on every run. To remove it by hand: Remove-ManagementRoleAssignment -Identity ${assignment.guid} -Confirm:$false.`,
      ],
      facts: [...grantFacts(grant), ['Assignment', `${assignment.name} (${assignment.guid})`]],
    },
  );
}

/** "1 hour", "24 hours", "45 minutes": how long is left, for people. */
export function timeLeft(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes % 60 !== 0 && minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

export function reminderNotice(grant: Grant, offset: string, remainingMs: number): Notice {
  const left = timeLeft(remainingMs);
  const expires = grant.expiresAt ?? '';
  const at = expires ? new Date(Date.parse(expires) - remainingMs).toISOString() : new Date(0).toISOString();
  return render(
    'grant-reminder',
    [grant.principal, grant.requestedBy],
    `${grant.role} for ${grant.principal} expires in ${left}`,
    `grant/${grant.id}/reminder/${offset}/${grant.expiresAt ?? ''}`,
    {
      at,
      heading: `Grant ${grant.id} expires at ${utcText(expires)}`,
      summary: `${grant.role} of ${grant.principal} is removed automatically in ${left}.`,
      page: PAGES.grant(grant.id),
      refs: grantRefs(grant),
      paragraphs: [
        `The ${grant.role} role of ${grant.principal} will be removed automatically at ${instantInWords(expires, at)}. Finish or checkpoint running exports before then.`,
        'To keep it longer, request an extension: it needs a fresh approval. To give it back now, release the grant.',
      ],
      facts: grantFacts(grant),
    },
  );
}

export function revokeFailedNotice(
  grant: Grant,
  error: string,
  attempts: number,
  securityTeam: string[],
  at: string,
): Notice {
  return render(
    'revoke-failed',
    securityTeam,
    `Revocation of ${grant.role} from ${grant.principal} failed (${attempts} attempts)`,
    `grant/${grant.id}/revoke-failed/${attempts}`,
    {
      at,
      severity: 'critical',
      summary: `${grant.principal} still holds ${grant.role} after its grant ended: the removal failed ${attempts} time(s).`,
      page: PAGES.grant(grant.id),
      refs: grantRefs(grant),
      heading: `Could not remove ${grant.role} from ${grant.principal}`,
      paragraphs: [
        `Grant ${grant.id} has ended but its ${howGranted(grant)} could not be removed and confirmed gone. The watchdog retries on every run and sends this alert each time until it succeeds.`,
        `Last error: ${error}`,
        `To remove it by hand: Remove-ManagementRoleAssignment -Identity ${grant.assignmentGuid ?? '<guid>'} -Confirm:$false (or Remove-RoleGroupMember for a role-group grant).`,
      ],
      facts: [...grantFacts(grant), ['Attempts', String(attempts)]],
    },
  );
}

function removalTarget(r: Removal): string {
  return r.kind === 'grant'
    ? `${r.grant.principal} (grant ${r.grant.id}, expired)`
    : `${r.holder.principal} (${r.holder.path}, unapproved)`;
}

function leftoverTarget({ grant, assignment }: Leftover): string {
  return `${grant.principal} (${assignment.name}, grant ${grant.id}, closed)`;
}

export function revocationBlockedNotice(
  block: MassRemovalBlock,
  planned: Removal[],
  leftovers: Leftover[],
  key: string,
  securityTeam: string[],
  at: string,
): Notice {
  const removals = [...planned.map(removalTarget), ...leftovers.map(leftoverTarget)];
  return render(
    'revoke-blocked',
    securityTeam,
    `Revocation stopped: it would remove ${block.removals} of ${block.currentHolders} holders`,
    key,
    {
      at,
      severity: 'critical',
      heading: 'Revocation stopped by the mass-removal guard',
      summary: `Nothing was removed: the plan would remove ${block.removals} of ${block.currentHolders} holders; a person must check it.`,
      page: PAGES.holders(),
      paragraphs: [
        `This run removed nothing: ${block.reason}.`,
        'A plan this large usually means a bad read or a clock problem. Check it with WATCHDOG_DRY_RUN=true (mie-watchdog revoke --json); if it is right, raise WATCHDOG_REVOKE_MAX_SHARE or WATCHDOG_REVOKE_MAX_COUNT for one run, or remove the assignments by hand.',
        `Would remove: ${removals.slice(0, LISTED_TARGETS).join('; ')}${removals.length > LISTED_TARGETS ? `; and ${removals.length - LISTED_TARGETS} more (the whole plan: mie-watchdog revoke --dry-run --json)` : ''}`,
      ],
      facts: [
        ['Removals planned', String(block.removals)],
        ['Current holders', String(block.currentHolders)],
        ['WATCHDOG_REVOKE_MAX_SHARE', String(block.maxShare)],
        ['WATCHDOG_REVOKE_MAX_COUNT', String(block.maxCount)],
      ],
    },
  );
}

function holderFacts(holder: Holder, assignment: RoleAssignment): Fact[] {
  return [
    ['Principal', holder.principal],
    ['Path', holder.path],
    ['Role', holder.role],
    ['Assignment', `${assignment.name} (${assignment.guid})`],
  ];
}

export function unapprovedRemovedNotice(
  holder: Holder,
  assignment: RoleAssignment,
  verifiedAt: string,
  securityTeam: string[],
): Notice {
  return render(
    'unapproved-revoked',
    securityTeam,
    `Unapproved ${holder.role} removed from ${holder.principal}`,
    `assignment/${assignment.guid}/unapproved-removed`,
    {
      at: verifiedAt,
      severity: 'high',
      heading: `Unapproved ${holder.role} removed from ${holder.principal}`,
      summary: `${holder.principal} held ${holder.role} without an approved grant; the watchdog removed it.`,
      page: PAGES.holders(),
      refs: { principal: holder.principal, assignmentGuid: assignment.guid },
      paragraphs: [
        `WATCHDOG_UNAPPROVED_ACTION is revoke: the assignment had no approved grant and stayed past WATCHDOG_UNAPPROVED_GRACE, so the watchdog removed it and read it back at ${utcText(verifiedAt)}: it is gone.`,
        PROPAGATION_NOTE,
      ],
      facts: [...holderFacts(holder, assignment), ['Removal confirmed', instant(verifiedAt)]],
    },
  );
}

export function unapprovedRemoveFailedNotice(holder: Holder, failure: FailedRemoval, securityTeam: string[]): Notice {
  const { assignment, error, runAt } = failure;
  return render(
    'unapproved-revoke-failed',
    securityTeam,
    `Could not remove unapproved ${holder.role} from ${holder.principal}`,
    `assignment/${assignment.guid}/unapproved-remove-failed/${runAt}`,
    {
      at: runAt,
      severity: 'critical',
      summary: `${holder.principal} still holds ${holder.role} without an approved grant: removing it failed.`,
      page: PAGES.holders(),
      refs: { principal: holder.principal, assignmentGuid: assignment.guid },
      heading: `Could not remove unapproved ${holder.role} from ${holder.principal}`,
      paragraphs: [
        `Last error: ${error}`,
        'The watchdog tries again on the next run while the audit still reports the holder as unapproved.',
      ],
      facts: holderFacts(holder, assignment),
    },
  );
}

/** Holders the watchdog will not remove on its own (group paths, app roles, break-glass): a person decides. */
export function needsPersonNotice(protections: Protection[], key: string, securityTeam: string[], at: string): Notice {
  return render(
    'needs-person',
    securityTeam,
    `${protections.length} unapproved holder(s) need a person to remove them`,
    key,
    {
      at,
      severity: 'high',
      heading: 'Unapproved holders the watchdog does not remove automatically',
      summary: `${protections.length} unapproved holder(s) keep the role until a person removes them.`,
      page: PAGES.holders(),
      paragraphs: [
        'WATCHDOG_UNAPPROVED_ACTION is revoke, but these holders are not removed automatically: group paths would take the role from approved members too, Graph app roles are outside Exchange, and break-glass and the watchdog itself are never revoked.',
      ],
      facts: protections.map((p) => [p.principal, p.detail]),
    },
  );
}
