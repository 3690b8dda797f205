/** One notice of every kind of the catalogue, each built by its real builder: what the channel tests deliver. */
import { renderAlert, renderDigest, renderFailure } from '../../../lib/audit/renderAlert.js';
import { renderAttribution } from '../../../lib/audit/renderAttribution.js';
import { renderUsageAlert } from '../../../lib/audit/renderUsageAlert.js';
import { grantNotice, type GrantNoticeKind } from '../../../lib/grants/notices/grantNotice.js';
import { recipients, type Notice, type NoticeBody } from '../../../lib/notify/notice.js';
import type { NoticeKind } from '../../../lib/notify/noticeKinds.js';
import type { StoredFinding } from '../../../lib/ports/index.js';
import {
  grantRevokedNotice,
  leftoverRemovedNotice,
  leftoverRemoveFailedNotice,
  needsPersonNotice,
  reminderNotice,
  revocationBlockedNotice,
  revokeFailedNotice,
  unapprovedRemovedNotice,
  unapprovedRemoveFailedNotice,
} from '../../../lib/revoke/revocationMessages.js';
import { assignment, grant, holder, HOUR, T0, unapprovedFinding, upn } from '../../../testkit/fixtures.js';

const TEAM = [upn('security')];
const TENANT = 'contoso.onmicrosoft.com';
/** A hostile justification: every channel must carry it as text, never as markup or Markdown. */
export const HOSTILE = '<script>alert(1)</script> [click](https://evil.example) **bold** & "quotes"';

const g = grant('g-1', {
  justification: HOSTILE,
  approvedBy: upn('lidiah'),
  deniedBy: upn('lidiah'),
  denyReason: 'no ticket',
});
const h = holder(upn('alexw'), 'a-1');
const a = assignment('a-1');
const finding: StoredFinding = { ...unapprovedFinding(h), firstSeen: T0 };

const address = (body: NoticeBody, key: string): Notice => ({ ...body, key, to: recipients(TEAM) });

const GRANT_KINDS: GrantNoticeKind[] = [
  'requested',
  'extension-requested',
  'approved',
  'denied',
  'extended',
  'active',
  'adopted',
  'released',
  'request-lapsed',
];

export function sampleNotices(): Record<NoticeKind, Notice> {
  const audience = { approvers: TEAM, securityTeam: TEAM };
  const grants = Object.fromEntries(
    GRANT_KINDS.map((k) => [
      `grant-${k}`,
      grantNotice(
        k,
        {
          ...g,
          extension:
            k === 'extension-requested'
              ? { durationMs: HOUR, requestedBy: g.requestedBy, requestedAt: T0, justification: 'more' }
              : undefined,
        },
        audience,
        T0,
      ),
    ]),
  ) as Record<`grant-${GrantNoticeKind}`, Notice>;
  return {
    drift: address(
      renderAlert({
        tenant: TENANT,
        at: T0,
        opened: [finding],
        resolved: [],
        breakGlassDetected: [],
        breakGlassCleared: [],
        openCount: 1,
      }),
      'audit-drift-1',
    ),
    digest: address(
      renderDigest({ tenant: TENANT, at: T0, open: [finding], breakGlass: [], lastSuccessAt: T0 }),
      'audit-digest-1',
    ),
    'audit-failing': address(
      renderFailure({ tenant: TENANT, at: T0, failures: 3, lastError: 'HTTP 503' }),
      'audit-failing-1',
    ),
    attribution: address(
      renderAttribution({
        tenant: TENANT,
        at: T0,
        targets: [
          {
            findingId: finding.id,
            principal: h.principal,
            summary: finding.summary,
            role: h.role,
            via: h.via,
            assignmentName: a.name,
          },
        ],
        found: [],
      }),
      'audit-attribution-1',
    ),
    'use-outside-window': address(
      renderUsageAlert({
        tenant: TENANT,
        at: T0,
        uses: [
          {
            recordId: 'rec-1',
            at: T0,
            operation: 'Get-RecoverableItems',
            category: 'recoverable-items',
            actor: h.principal,
            target: 'ceo@contoso.example',
            holderKey: h.key,
            capability: h.capability,
            window: 'outside',
            recordedAt: T0,
          },
        ],
      }),
      'audit-use-outside-window-1',
    ),
    ...grants,
    'grant-reminder': reminderNotice(g, 'PT1H', HOUR),
    'grant-revoked': grantRevokedNotice(g, T0, TEAM),
    'revoke-failed': revokeFailedNotice(g, 'HTTP 503', 3, TEAM, T0),
    'revoke-blocked': revocationBlockedNotice(
      { removals: 9, currentHolders: 10, maxShare: 0.5, maxCount: 10, reason: 'it would remove 9 of 10 holders' },
      [{ kind: 'grant', grant: g }] as never,
      [],
      'revoke/blocked/1',
      TEAM,
      T0,
    ),
    'unapproved-revoked': unapprovedRemovedNotice(h, a, T0, TEAM),
    'unapproved-revoke-failed': unapprovedRemoveFailedNotice(h, { assignment: a, error: 'HTTP 503', runAt: T0 }, TEAM),
    'leftover-removed': leftoverRemovedNotice(g, a, T0, TEAM),
    'leftover-remove-failed': leftoverRemoveFailedNotice(g, { assignment: a, error: 'HTTP 503', runAt: T0 }, TEAM),
    'needs-person': needsPersonNotice(
      [{ principal: h.principal, reason: 'group-path', detail: 'via role group PST Migration Operators' }],
      'revoke/needs-person/1',
      TEAM,
      T0,
    ),
  };
}
