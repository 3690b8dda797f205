import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileStem, renderEml, renderHtmlPage, saveEmails, type DemoEmail } from '../../../cli/demo/emailFiles.js';

const email: DemoEmail = {
  id: 'op-1',
  at: '2026-11-02T10:00:00.000Z',
  from: 'watchdog@contoso.onmicrosoft.com',
  to: ['adelev@contoso.onmicrosoft.com', 'security@contoso.onmicrosoft.com'],
  subject: '[mie-watchdog] Zoë <b>removed</b>\r\nBcc: attacker@evil.example',
  text: 'Line one\nLine two',
  html: '<p>Hello</p>',
};

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('demo email files', () => {
  it('renders an .eml with one-line, encoded headers and both parts', () => {
    const eml = renderEml(email);
    const [head = '', body = ''] = eml.split('\r\n\r\n');
    expect(head.split('\r\n').filter((l) => l.startsWith('Bcc'))).toEqual([]);
    expect(head).toMatch(/^Subject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/m);
    const subject = /^Subject: =\?UTF-8\?B\?(.+)\?=$/m.exec(head)?.[1] ?? '';
    expect(Buffer.from(subject, 'base64').toString('utf8')).toBe(
      '[mie-watchdog] Zoë <b>removed</b> Bcc: attacker@evil.example',
    );
    expect(head).toContain('To: adelev@contoso.onmicrosoft.com, security@contoso.onmicrosoft.com');
    expect(head).toContain('Date: Mon, 02 Nov 2026 10:00:00 +0000');
    expect(eml).toContain(
      'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nLine one\r\nLine two',
    );
    expect(eml).toContain('Content-Type: text/html');
    const boundary = /boundary="([^"]+)"/.exec(head)?.[1] ?? '';
    expect(boundary).toMatch(/^mie-watchdog-[0-9a-f-]{36}$/);
    expect(eml.trimEnd().endsWith(`--${boundary}--`)).toBe(true);
    expect(renderEml(email)).not.toContain(boundary);
    expect(body.length).toBeGreaterThan(0);
  });

  it('renders a standalone HTML page with the escaped envelope', () => {
    const page = renderHtmlPage(email);
    expect(page).toContain('<title>[mie-watchdog] Zoë &lt;b&gt;removed&lt;/b&gt; Bcc: attacker@evil.example</title>');
    expect(page).toContain('<p>Hello</p>');
    expect(renderHtmlPage({ ...email, html: undefined, text: '<script>x</script>' })).toContain(
      '<pre>&lt;script&gt;x&lt;/script&gt;</pre>',
    );
  });

  it('names files by order and subject, and replaces an earlier run', async () => {
    expect(
      fileStem(3, '[mie-watchdog] Mailbox Import Export removed from adelev@contoso.onmicrosoft.com (grant expired)'),
    ).toBe('03-mailbox-import-export-removed-from-adelev-grant-expired');
    dir = await mkdtemp(join(tmpdir(), 'demo-mail-'));
    await writeFile(join(dir, '09-old.eml'), 'old');
    await writeFile(join(dir, 'notes.txt'), 'keep');
    expect(await saveEmails(dir, [email])).toEqual(['01-zo-b-removed-b-bcc-attacker']);
    expect((await readdir(dir)).sort()).toEqual([
      '01-zo-b-removed-b-bcc-attacker.eml',
      '01-zo-b-removed-b-bcc-attacker.html',
      'notes.txt',
    ]);
    expect(await readFile(join(dir, '01-zo-b-removed-b-bcc-attacker.eml'), 'utf8')).toContain('Line two');
  });
});
