/** The critical notice of uses of the power that fell in no approved window, as one table. */
import { instant, PAGES, type NoticeBody } from '../notify/notice.js';
import type { RecordedUse } from '../ports/index.js';

export function renderUsageAlert(input: {
  tenant: string;
  at: string;
  uses: RecordedUse[];
}): NoticeBody & { kind: 'use-outside-window' } {
  const n = input.uses.length;
  const actors = [...new Set(input.uses.map((u) => u.actor))];
  const rows = input.uses.map((u) => [u.actor, u.operation, u.target ?? '', instant(u.at), u.recordId]);
  return {
    kind: 'use-outside-window',
    severity: 'critical',
    at: input.at,
    subject: `Mailbox Import Export power used outside an approved window (${input.tenant}): ${n} use${n === 1 ? '' : 's'}`,
    summary: `The audit log records ${n} use${n === 1 ? '' : 's'} of the power by ${actors.join(', ')} in ${input.tenant} with no approved grant covering ${n === 1 ? 'it' : 'them'}: find out who did what, and remove access that has no grant.`,
    heading: 'Used outside an approved window',
    paragraphs: [
      'Each use below is in the unified audit log and fell outside every grant window (from the grant’s activation to its removal or expiry) of the one who made it.',
      'The audit log is read best effort and can be hours late: a use is reported once, when its record arrives.',
    ],
    facts: [{ label: 'Uses', value: String(n) }],
    tables: [{ title: 'Uses outside a window', columns: ['Who', 'Operation', 'On', 'When', 'Audit record'], rows }],
    page: PAGES.holders(),
    refs: { tenant: input.tenant, principal: actors.length === 1 ? actors[0] : undefined },
  };
}
