import { describe, expect, it } from 'vitest';
import type { BreakGlassUse, StoredFinding } from '../../../lib/ports/index.js';
import { renderAlert, renderDigest, renderFailure } from '../../../lib/audit/renderAlert.js';
import { renderEmail } from '../../../lib/notify/emailLayout.js';
import type { Holder } from '../../../lib/domain.js';

const AT = '2026-11-02T10:00:00.000Z';
const hostile = `<script>alert("x")</script> O'Brien & Co`;

function finding(extra: Partial<StoredFinding> = {}): StoredFinding {
  return {
    id: 'unapproved|alexw@contoso.onmicrosoft.com|g1',
    kind: 'unapproved',
    principal: 'alexw@contoso.onmicrosoft.com',
    severity: 'high',
    summary: `Alex Wilber holds Mailbox Import Export via role group ${hostile} without an approved grant`,
    firstSeen: AT,
    ...extra,
  };
}

const bgHolder: Holder = {
  key: 'breakglass1@contoso.onmicrosoft.com|g-om',
  principal: 'breakglass1@contoso.onmicrosoft.com',
  principalType: 'User',
  role: 'Mailbox Import Export',
  via: 'organization-management',
  path: 'via Organization Management (Global Administrator)',
  assignmentGuid: 'g-om',
  assignmentName: 'Mailbox Import Export-Organization Management',
  scope: 'Organization',
  enabled: true,
  capability: ['import', 'restore-deleted-items'],
};
const bg: BreakGlassUse = { holderKey: bgHolder.key, principal: bgHolder.principal, holder: bgHolder, firstSeen: AT };

describe('alert rendering', () => {
  it('escapes every tenant value in the HTML table and keeps a plain-text part', () => {
    const email = renderEmail(
      renderAlert({
        tenant: 'contoso.onmicrosoft.com',
        at: AT,
        opened: [finding()],
        resolved: [],
        breakGlassDetected: [],
        breakGlassCleared: [],
        openCount: 1,
      }),
    );
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Brien &amp; Co');
    expect(email.html).toContain('<table');
    expect(email.html).toContain('alexw@contoso.onmicrosoft.com');
    expect(email.text).toContain(`<script>alert("x")</script> O'Brien & Co`);
    expect(email.text).toContain('New findings (1)');
    expect(email.subject).toBe('[ACTION] Mailbox Import Export drift on contoso.onmicrosoft.com: 1 new');
  });

  it('keeps header injection out of the subject and line breaks out of text rows', () => {
    const email = renderEmail(
      renderAlert({
        tenant: 'contoso.onmicrosoft.com\r\nBcc: attacker@example.com',
        at: AT,
        opened: [],
        resolved: [finding({ severity: 'low', summary: 'line one\nFAKE LINE', resolvedAt: AT })],
        breakGlassDetected: [],
        breakGlassCleared: [],
        openCount: 0,
      }),
    );
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject).toContain('1 resolved');
    expect(email.subject.startsWith('[ACTION]')).toBe(false);
    expect(email.text).toContain('line one FAKE LINE');
    expect(email.text).not.toContain('\nFAKE LINE');
  });

  it('reports break-glass use in its own section', () => {
    const email = renderEmail(
      renderAlert({
        tenant: 'contoso.onmicrosoft.com',
        at: AT,
        opened: [],
        resolved: [],
        breakGlassDetected: [bg],
        breakGlassCleared: [],
        openCount: 0,
      }),
    );
    expect(email.subject).toContain('break-glass in use: 1');
    expect(email.html).toContain('Break-glass accounts holding the role (1)');
    expect(email.html).not.toContain('New findings');
    expect(email.text).toContain(
      'breakglass1@contoso.onmicrosoft.com | via Organization Management (Global Administrator)',
    );
  });

  it('cuts long tables and says how many more there are', () => {
    const many = Array.from({ length: 205 }, (_, i) =>
      finding({ id: `f${i}`, principal: `u${String(i).padStart(3, '0')}@contoso.onmicrosoft.com` }),
    );
    const email = renderEmail(
      renderDigest({
        tenant: 'contoso.onmicrosoft.com',
        at: AT,
        open: many,
        breakGlass: [],
        lastSuccessAt: AT,
      }),
    );
    expect(email.subject).toBe('Mailbox Import Export daily digest for contoso.onmicrosoft.com: 205 open finding(s)');
    expect(email.html).toContain('… and 5 more');
    expect(email.text).toContain('... and 5 more');
    expect((email.html.match(/<td data-label="Severity"/g) ?? []).length).toBe(200);
  });

  it('renders the audit-failing alert with the escaped error', () => {
    const email = renderEmail(
      renderFailure({
        tenant: 'contoso.onmicrosoft.com',
        at: AT,
        failures: 3,
        lastError: 'HTTP 503 <b>down</b>',
      }),
    );
    expect(email.subject).toBe('[ACTION] mie-watchdog cannot audit contoso.onmicrosoft.com: 3 failed runs in a row');
    expect(email.html).toContain('HTTP 503 &lt;b&gt;down&lt;/b&gt;');
    expect(email.text).toContain('No audit has ever completed.');
  });
});
