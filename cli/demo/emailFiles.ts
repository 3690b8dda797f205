/**
 * Saves the emails the demo sent as files a person can open: an RFC 5322 .eml (multipart text + HTML,
 * opens in any mail client) and a standalone .html page with the envelope on top. Pure rendering plus
 * one write per file; every header value is kept on one line and non-ASCII is RFC 2047-encoded.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { escapeHtml, oneLine } from '../../lib/escapeText.js';

export interface DemoEmail {
  /** Unique per message (the ACS operation id). */
  id: string;
  at: string;
  from: string;
  to: string[];
  subject: string;
  text?: string;
  html?: string;
}

function headerValue(value: string): string {
  const line = oneLine(value);
  return /^[\x20-\x7e]*$/.test(line) ? line : `=?UTF-8?B?${Buffer.from(line, 'utf8').toString('base64')}?=`;
}

function base64Lines(content: string): string {
  return (
    Buffer.from(content, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');
}

export function renderEml(email: DemoEmail): string {
  // A boundary nobody can predict: text from the message cannot close its part and open another.
  const boundary = `mie-watchdog-${randomUUID()}`;
  const headers = [
    `From: ${headerValue(email.from)}`,
    `To: ${email.to.map(headerValue).join(', ')}`,
    `Subject: ${headerValue(email.subject)}`,
    `Date: ${new Date(email.at).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${email.id.replace(/[^A-Za-z0-9-]/g, '')}@mie-watchdog.invalid>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const part = (type: string, content: string) => {
    // Plain text stays readable in an editor; anything with overlong lines (HTML) goes base64.
    const lines = content.replace(/\r?\n/g, '\r\n');
    const readable = lines.split('\r\n').every((l) => Buffer.byteLength(l) <= 998);
    const encoding = readable ? '8bit' : 'base64';
    return [
      `--${boundary}`,
      `Content-Type: ${type}; charset=utf-8`,
      `Content-Transfer-Encoding: ${encoding}`,
      '',
      readable ? lines : base64Lines(content),
    ].join('\r\n');
  };
  const parts = [part('text/plain', email.text ?? ''), ...(email.html ? [part('text/html', email.html)] : [])];
  return `${headers.join('\r\n')}\r\n\r\n${parts.join('\r\n')}\r\n--${boundary}--\r\n`;
}

export function renderHtmlPage(email: DemoEmail): string {
  const envelope = [
    ['From', email.from],
    ['To', email.to.join(', ')],
    ['Subject', oneLine(email.subject)],
    ['Date', email.at],
  ]
    .map(
      ([k, v]) =>
        `<tr><th align="left" style="padding-right:12px">${escapeHtml(k ?? '')}</th><td>${escapeHtml(v ?? '')}</td></tr>`,
    )
    .join('');
  const head = `<table style="font-family:monospace;font-size:13px;background:#f4f4f4;padding:8px;width:100%">${envelope}</table><hr>`;
  const body = email.html ?? `<pre>${escapeHtml(email.text ?? '')}</pre>`;
  const bodyTag = /<body[^>]*>/i.exec(body);
  if (bodyTag) return body.replace(bodyTag[0], `${bodyTag[0]}\n${head}`);
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(oneLine(email.subject))}</title></head>\n<body>\n${head}\n${body}\n</body></html>\n`;
}

export function fileStem(index: number, subject: string): string {
  const slug = oneLine(subject)
    .replace(/^\[mie-watchdog\]\s*/i, '')
    .replace(/@[\w.-]+/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${String(index).padStart(2, '0')}-${slug || 'email'}`;
}

const DEMO_FILE = /^\d{2,}-[a-z0-9-]*\.(eml|html)$/;

/** Writes NN-subject.eml and NN-subject.html per email, after removing files of an earlier demo run. */
export async function saveEmails(dir: string, emails: DemoEmail[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) if (DEMO_FILE.test(name)) await rm(join(dir, name));
  const written: string[] = [];
  for (const [i, email] of emails.entries()) {
    const stem = fileStem(i + 1, email.subject);
    await writeFile(join(dir, `${stem}.eml`), renderEml(email));
    await writeFile(join(dir, `${stem}.html`), renderHtmlPage(email));
    written.push(stem);
  }
  return written;
}
