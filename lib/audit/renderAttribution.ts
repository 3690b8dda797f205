/** The attribution notice: who the audit log names for each new finding, as one table. */
import { instant, PAGES, type NoticeBody } from '../notify/notice.js';
import type { AttributionTarget } from '../ports/index.js';
import type { Attribution } from './matchAuditRecords.js';

export function renderAttribution(input: {
  tenant: string;
  at: string;
  targets: AttributionTarget[];
  found: Attribution[];
}): NoticeBody & { kind: 'attribution' } {
  // By target, not finding id: the new members of a group are one finding with a target (and record) per member.
  const byTarget = new Map(input.found.map((a) => [a.target, a]));
  const rows = input.targets.map((t) => {
    const a = byTarget.get(t);
    return [
      t.principal,
      t.summary,
      a?.by ?? 'not found in the audit log',
      a?.at ? instant(a.at) : '',
      a?.operation ?? '',
    ];
  });
  const summary = `The audit log names who made ${input.found.length} of the ${input.targets.length} new Mailbox Import Export findings in ${input.tenant}.`;
  return {
    kind: 'attribution',
    severity: 'medium',
    at: input.at,
    subject: `Who made the Mailbox Import Export changes (${input.tenant}): ${input.found.length} of ${input.targets.length} found`,
    summary,
    heading: 'Mailbox Import Export: who made the changes',
    paragraphs: ['Each new finding with the change the unified audit log records for it, where it records one.'],
    facts: [],
    tables: [{ title: 'New findings', columns: ['Principal', 'Finding', 'Made by', 'When', 'Operation'], rows }],
    page: PAGES.holders(),
    refs: { tenant: input.tenant },
  };
}
