import { describe, expect, it } from 'vitest';
import { renderEmail } from '../../../lib/notify/emailLayout.js';
import { SEVERITY_COLOUR } from '../../../lib/notify/visualTokens.js';
import { duration, instant, PAGES, type NoticeBody } from '../../../lib/notify/notice.js';

const hostile = `<img src=x onerror="alert(1)"> & 'quotes'`;

const body: NoticeBody = {
  kind: 'revoke-failed',
  severity: 'critical',
  at: '2026-11-02T10:00:00.000Z',
  subject: `Could not remove\r\nBcc: evil@example.com ${'x'.repeat(300)}`,
  summary: `Removing the role failed for ${hostile}`,
  heading: 'Could not remove Mailbox Import Export',
  paragraphs: [`Last error: ${hostile}`],
  facts: [
    { label: 'Expires', value: instant('2026-11-02T13:00:00.000Z') },
    { label: 'Duration', value: duration(4 * 3_600_000) },
  ],
  tables: [
    { title: 'Targets', columns: ['Principal', 'Since'], rows: [[hostile, instant('2026-11-01T10:00:00.000Z')]] },
  ],
  page: PAGES.grant('g 1/2'),
  refs: { grantId: 'g 1/2' },
};

describe('the shared email layout', () => {
  it('declares language and viewport and reads at phone width', () => {
    const { html } = renderEmail(body);
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('max-width:640px');
    expect(html).toContain('@media (max-width:600px){');
    expect(html).toContain('.data thead{display:none}');
    expect(html).toContain('data-label="Principal"');
  });

  it('puts the severity and the summary first, in the severity colour', () => {
    const { html, text } = renderEmail(body);
    expect(html).toContain(`border-top:6px solid ${SEVERITY_COLOUR.critical}`);
    // The first visible text after the inbox preheader: the badge, then the summary, then the heading.
    expect(html.indexOf('CRITICAL</span>')).toBeLessThan(html.lastIndexOf('Removing the role failed'));
    expect(html.lastIndexOf('Removing the role failed')).toBeLessThan(html.indexOf('<h1'));
    expect(text.split('\n')[0]).toBe(`[CRITICAL] Removing the role failed for ${hostile}`);
  });

  it('shows times as UTC with a relative phrase and durations in words, in both parts', () => {
    const { html, text } = renderEmail(body);
    for (const part of [html, text]) {
      expect(part).toContain('2026-11-02 13:00 UTC (in 3 hours)');
      expect(part).toContain('4 hours');
      expect(part).toContain('2026-11-01 10:00 UTC (1 day ago)');
      expect(part).not.toContain('PT4H');
    }
    expect(text).toContain('Expires: 2026-11-02 13:00 UTC (in 3 hours)');
    expect(text).toContain('Targets (1)');
  });

  it('links the page only when the web URL is set, with the path escaped', () => {
    expect(renderEmail(body).html).not.toContain('href=');
    expect(renderEmail(body).text).not.toContain('https://');
    const linked = renderEmail(body, 'https://mie.contoso.example/');
    expect(linked.html).toContain('href="https://mie.contoso.example/grants/g%201%2F2"');
    expect(linked.html).toContain('>Open the grant</a>');
    expect(linked.text.split('\n')[1]).toBe('Open the grant: https://mie.contoso.example/grants/g%201%2F2');
  });

  it('escapes every value and keeps the subject one header line', () => {
    const { html, subject } = renderEmail(body);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;quotes&#39;');
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject).toHaveLength(200);
  });
});
