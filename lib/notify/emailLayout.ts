/**
 * The one email layout every notice uses: lang and viewport set, one column of at most 640 px that reads on a
 * phone (data tables stack into label/value lines below 600 px), a severity colour bar and badge, the summary
 * line first, the web app's page as a button when WATCHDOG_WEB_URL is set, times as UTC with a relative phrase
 * and durations in words. The plain-text part says the same in the same order. Every value is escaped.
 */
import { escapeHtml, headerSafe, oneLine } from '../escapeText.js';
import { durationInWords, instantInWords } from './humanTime.js';
import { pageUrl, type NoticeBody, type NoticeTable, type NoticeValue } from './notice.js';
import { FONT_STACK, INK, LINK, MUTED, RULE, SEVERITY_COLOUR } from './visualTokens.js';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Long tables are cut in the email; the full list is in the CLI and the evidence export. */
export const MAX_ROWS = 200;

/** Media queries where the client honours them (Apple Mail, Outlook apps, Gmail); inline styles elsewhere. */
const STYLE = `
body{margin:0;padding:0;-webkit-text-size-adjust:100%}
a{color:${LINK}}
@media (max-width:600px){
.pad{padding:16px!important}
.data thead{display:none}
.data tr{display:block;border-bottom:1px solid ${RULE};padding:6px 0}
.data td{display:block;border:0!important;padding:2px 0!important}
.data td[data-label]::before{content:attr(data-label) ": ";font-weight:600;color:${MUTED}}
.facts th,.facts td{display:block;padding:0 0 2px 0!important}
.facts td{padding-bottom:8px!important}
}`;

export function valueText(value: NoticeValue, now: string): string {
  if (typeof value === 'string') return value;
  if ('instant' in value) return instantInWords(value.instant, now);
  return durationInWords(value.durationMs);
}

function factsHtml(notice: NoticeBody): string {
  if (notice.facts.length === 0) return '';
  const rows = notice.facts
    .map(
      (f) =>
        `<tr><th align="left" valign="top" style="padding:3px 16px 3px 0;color:${MUTED};font-weight:600;white-space:nowrap">${escapeHtml(f.label)}</th>` +
        `<td style="padding:3px 0;word-break:break-word">${escapeHtml(valueText(f.value, notice.at))}</td></tr>`,
    )
    .join('');
  return `<table role="presentation" class="facts" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:12px 0;font-size:14px">${rows}</table>`;
}

function moreText(table: NoticeTable): number {
  return Math.max(0, table.rows.length - MAX_ROWS);
}

function tableHtml(table: NoticeTable, now: string): string {
  const head = table.columns
    .map(
      (c) =>
        `<th align="left" style="padding:6px 8px;border-bottom:2px solid ${RULE};font-size:13px">${escapeHtml(c)}</th>`,
    )
    .join('');
  const body = table.rows
    .slice(0, MAX_ROWS)
    .map(
      (r) =>
        `<tr>${r
          .map(
            (v, i) =>
              `<td data-label="${escapeHtml(table.columns[i] ?? '')}" valign="top" style="padding:6px 8px;border-bottom:1px solid ${RULE};word-break:break-word">${escapeHtml(valueText(v, now))}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('');
  const more = moreText(table);
  return [
    `<h2 style="font-size:16px;margin:20px 0 6px">${escapeHtml(table.title)} (${table.rows.length})</h2>`,
    `<table class="data" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;font-size:13px"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`,
    more > 0
      ? `<p style="color:${MUTED}">… and ${more} more; run <code>mie-watchdog audit</code> for the full list.</p>`
      : '',
  ].join('\n');
}

function button(label: string, url: string, colour: string): string {
  return `<p style="margin:16px 0"><a href="${escapeHtml(url)}" style="display:inline-block;background:${colour};color:#ffffff;text-decoration:none;font-weight:600;padding:10px 18px;border-radius:4px">${escapeHtml(label)}</a></p>`;
}

function html(notice: NoticeBody, url: string | undefined): string {
  const colour = SEVERITY_COLOUR[notice.severity];
  const tables = notice.tables.filter((t) => t.rows.length > 0);
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="color-scheme" content="light"><title>${escapeHtml(subjectLine(notice))}</title><style>${STYLE}</style></head>`,
    `<body style="margin:0;padding:0;background:#f3f4f6;color:${INK};font-family:${FONT_STACK}">`,
    // The preheader: what mail clients show next to the subject in the inbox list.
    `<div style="display:none;max-height:0;overflow:hidden">${escapeHtml(notice.summary)}</div>`,
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6"><tr><td align="center" style="padding:16px 8px">',
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:640px;background:#ffffff;border-top:6px solid ${colour};border-radius:4px"><tr>`,
    `<td class="pad" style="padding:24px;font-size:15px;line-height:1.5;font-family:${FONT_STACK};color:${INK}">`,
    `<p style="margin:0 0 8px"><span style="display:inline-block;background:${colour};color:#ffffff;font-size:12px;font-weight:700;letter-spacing:.04em;padding:2px 8px;border-radius:3px">${notice.severity.toUpperCase()}</span></p>`,
    `<p style="margin:0 0 12px;font-size:17px;font-weight:600">${escapeHtml(notice.summary)}</p>`,
    url && notice.page ? button(notice.page.label, url, colour) : '',
    `<h1 style="font-size:20px;margin:16px 0 8px">${escapeHtml(notice.heading)}</h1>`,
    ...notice.paragraphs.map((p) => `<p style="margin:0 0 10px">${escapeHtml(p)}</p>`),
    factsHtml(notice),
    ...tables.map((t) => tableHtml(t, notice.at)),
    `<p style="margin:24px 0 0;color:${MUTED};font-size:12px">${escapeHtml(notice.footer ?? FOOTER)}</p>`,
    '</td></tr></table>',
    '</td></tr></table>',
    '</body></html>',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

function tableText(table: NoticeTable, now: string): string {
  const lines = table.rows.slice(0, MAX_ROWS).map((r) => `- ${r.map((v) => oneLine(valueText(v, now))).join(' | ')}`);
  const more = moreText(table);
  if (more > 0) lines.push(`... and ${more} more; run "mie-watchdog audit" for the full list.`);
  return [`${table.title} (${table.rows.length})`, `  ${table.columns.join(' | ')}`, ...lines].join('\n');
}

function text(notice: NoticeBody, url: string | undefined): string {
  const tables = notice.tables.filter((t) => t.rows.length > 0);
  return [
    `[${notice.severity.toUpperCase()}] ${oneLine(notice.summary)}`,
    ...(url && notice.page ? [`${notice.page.label}: ${url}`] : []),
    '',
    oneLine(notice.heading),
    '',
    ...notice.paragraphs.flatMap((p) => [oneLine(p), '']),
    ...notice.facts.map((f) => `${f.label}: ${oneLine(valueText(f.value, notice.at))}`),
    ...(notice.facts.length ? [''] : []),
    ...tables.map((t) => `${tableText(t, notice.at)}\n`),
    `-- ${oneLine(notice.footer ?? FOOTER)}`,
  ].join('\n');
}

const FOOTER = 'Sent by mie-watchdog.';

/** The subject header: one line, at most 200 characters. */
export const subjectLine = (notice: Pick<NoticeBody, 'subject'>): string => headerSafe(notice.subject, 200);

/** The email of a notice; `webUrl` (WATCHDOG_WEB_URL) adds the link to the notice's page. */
export function renderEmail(notice: NoticeBody, webUrl?: string): RenderedEmail {
  const url = pageUrl(notice.page, webUrl);
  return { subject: subjectLine(notice), html: html(notice, url), text: text(notice, url) };
}
