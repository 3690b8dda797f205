/** The attribution email: who the audit log names for each new finding, as one table. */
import { escapeHtml, headerSafe, oneLine } from '../escapeText.js';
import type { AttributionTarget } from '../ports/index.js';
import type { Attribution } from './matchAuditRecords.js';
import type { RenderedEmail } from './renderAlert.js';

export function renderAttribution(input: {
  tenant: string;
  targets: AttributionTarget[];
  found: Attribution[];
}): RenderedEmail {
  const byId = new Map(input.found.map((a) => [a.findingId, a]));
  const rows = input.targets.map((t) => {
    const a = byId.get(t.findingId);
    return [t.principal, oneLine(t.summary), a?.by ?? 'not found in the audit log', a?.at ?? '', a?.operation ?? ''];
  });
  const columns = ['Principal', 'Finding', 'Made by', 'When (UTC)', 'Operation'];
  const subject = headerSafe(
    `Who made the Mailbox Import Export changes (${input.tenant}): ${input.found.length} of ${input.targets.length} found`,
  );
  const intro = `The audit log names who made ${input.found.length} of the ${input.targets.length} new Mailbox Import Export findings in ${input.tenant}.`;
  const html = [
    '<!DOCTYPE html><html><body>',
    `<p>${escapeHtml(intro)}</p>`,
    '<table border="1" cellpadding="4" cellspacing="0">',
    `<tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`,
    ...rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`),
    '</table>',
    '</body></html>',
  ].join('\n');
  const text = [
    intro,
    '',
    ...rows.map((r) => `- ${r[0]}: ${r[1]} | made by ${r[2]}${r[3] ? ` at ${r[3]}` : ''}${r[4] ? ` (${r[4]})` : ''}`),
  ].join('\n');
  return { subject, html, text };
}
