/**
 * The Teams rendering of a notice: a Workflows webhook message carrying one Adaptive Card, hand-written JSON
 * (no templating library in the function bundle). Version 1.4: Teams renders Adaptive Cards up to 1.5
 * (https://learn.microsoft.com/microsoft-copilot-studio/adaptive-cards-overview, "Teams is also limited to version
 * 1.5"); the card uses only 1.4 elements (Container, TextBlock, FactSet, Action.OpenUrl), which every Teams client
 * and the Workflows "Post card in a chat or channel" action render. Teams refuses messages over 28 KB, so long
 * tables are cut and the card says how many more there are. Card text is Markdown: values are escaped so that a
 * name or a justification cannot turn into a link or formatting.
 */
import { oneLine } from '../escapeText.js';
import { valueText } from './emailLayout.js';
import { pageUrl, type Notice, type NoticeTable } from './notice.js';
import { NOTICE_KINDS, type NoticeSeverity } from './noticeKinds.js';

export const CARD_VERSION = '1.4';

/** Teams' limit is 28 KB for the whole message; this leaves room for the envelope. */
const MAX_CARD_BYTES = 26_000;

const STYLE: Record<NoticeSeverity, { container: string; color: string }> = {
  critical: { container: 'attention', color: 'Attention' },
  high: { container: 'warning', color: 'Warning' },
  medium: { container: 'warning', color: 'Warning' },
  low: { container: 'emphasis', color: 'Default' },
  info: { container: 'accent', color: 'Accent' },
};

/** Backslash-escapes what Adaptive Card Markdown would read as formatting, links or lists. */
export function escapeMarkdown(text: string): string {
  return oneLine(text).replace(/[\\`*_{}[\]()<>#+\-.!|~]/g, (c) => `\\${c}`);
}

const block = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'TextBlock',
  text: escapeMarkdown(text),
  wrap: true,
  ...extra,
});

function tableBlocks(table: NoticeTable, now: string, maxRows: number): unknown[] {
  const shown = table.rows.slice(0, maxRows);
  const more = table.rows.length - shown.length;
  return [
    block(`${table.title} (${table.rows.length})`, { weight: 'Bolder', spacing: 'Medium' }),
    ...shown.map((r) =>
      block(
        r
          .map((v) => valueText(v, now))
          .filter(Boolean)
          .join(' · '),
        { spacing: 'Small', separator: true },
      ),
    ),
    ...(more > 0 ? [block(`… and ${more} more.`, { isSubtle: true, spacing: 'Small' })] : []),
  ];
}

function card(notice: Notice, url: string | undefined, maxRows: number): Record<string, unknown> {
  const style = STYLE[notice.severity];
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: CARD_VERSION,
          msteams: { width: 'Full' },
          fallbackText: oneLine(notice.summary),
          body: [
            {
              type: 'Container',
              style: style.container,
              bleed: true,
              items: [
                block(`${notice.severity.toUpperCase()} · ${NOTICE_KINDS[notice.kind].label}`, {
                  size: 'Small',
                  weight: 'Bolder',
                  color: style.color,
                }),
                block(notice.summary, { size: 'Medium', weight: 'Bolder' }),
              ],
            },
            block(notice.heading, { weight: 'Bolder', spacing: 'Medium' }),
            ...notice.paragraphs.map((p) => block(p)),
            ...(notice.facts.length
              ? [
                  {
                    type: 'FactSet',
                    facts: notice.facts.map((f) => ({
                      title: escapeMarkdown(f.label),
                      value: escapeMarkdown(valueText(f.value, notice.at)),
                    })),
                  },
                ]
              : []),
            ...notice.tables.filter((t) => t.rows.length > 0).flatMap((t) => tableBlocks(t, notice.at, maxRows)),
          ],
          ...(url && notice.page ? { actions: [{ type: 'Action.OpenUrl', title: notice.page.label, url }] } : {}),
        },
      },
    ],
  };
}

/** The webhook body: 20 rows a table, fewer when the card would pass Teams' size limit. */
export function teamsMessage(notice: Notice, webUrl: string | undefined): string {
  const url = pageUrl(notice.page, webUrl);
  let body = '';
  for (const rows of [20, 5, 0]) {
    body = JSON.stringify(card(notice, url, rows));
    if (new TextEncoder().encode(body).length <= MAX_CARD_BYTES) return body;
  }
  return body;
}
