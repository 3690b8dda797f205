import { describe, expect, it } from 'vitest';
import { MIE_ROLE, type Grant } from '../../../../lib/domain.js';
import { escapeHtml, headerSafe } from '../../../../lib/escapeText.js';
import { grantNotice, PROPAGATION_NOTE, type GrantNoticeKind } from '../../../../lib/grants/notices/grantNotice.js';
import { renderEmail } from '../../../../lib/notify/emailLayout.js';

const hostile: Grant = {
  id: '0b0e7a53-6a8e-4d6b-9a43-2f1f0c0f5e01',
  principal: 'adelev@contoso.onmicrosoft.com',
  role: MIE_ROLE,
  status: 'active',
  method: 'direct',
  requestedBy: 'meganb@contoso.onmicrosoft.com',
  requestedAt: '2026-11-02T09:00:00.000Z',
  justification: '<script>alert("x")</script> & O\'Brien',
  ticket: 'CHG-1\r\nBcc: evil@example.com',
  durationMs: 8 * 3_600_000,
  expiresAt: '2026-11-02T17:00:00.000Z',
  assignmentName: 'MIE-Grant-0b0e7a53-6a8e-4d6b-9a43-2f1f0c0f5e01',
};

const AT = '2026-11-02T09:30:00.000Z';
const audience = { approvers: ['security@contoso.onmicrosoft.com'], securityTeam: ['secops@contoso.onmicrosoft.com'] };
const email = (kind: GrantNoticeKind, g: Grant) => renderEmail(grantNotice(kind, g, audience, AT));

describe('grant notices', () => {
  it('escapes user text in HTML and keeps it readable in text', () => {
    const n = email('requested', hostile);
    expect(n.html).not.toContain('<script>');
    expect(n.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&#39;Brien');
    expect(n.text).toContain('<script>alert("x")</script> & O\'Brien');
  });

  it('keeps every user value on its own line in the text part, so it cannot fake extra lines', () => {
    const n = email('requested', {
      ...hostile,
      justification: 'legal hold\nApproved by: ciso@contoso.onmicrosoft.com',
    });
    expect(n.text.split('\n').filter((l) => l.startsWith('Approved by:'))).toEqual([]);
    expect(n.text).toContain('Justification: legal hold Approved by: ciso@contoso.onmicrosoft.com');
    expect(n.text).toContain('Ticket: CHG-1 Bcc: evil@example.com');
  });

  it('keeps the subject on one line', () => {
    const n = email('requested', hostile);
    expect(n.subject).not.toMatch(/[\r\n]/);
    expect(n.subject).toContain('CHG-1 Bcc: evil@example.com'.slice(0, 20));
  });

  it('sends each kind to the right people with a per-grant, per-event idempotency key', () => {
    expect(grantNotice('requested', hostile, audience, AT).to).toEqual(audience.approvers);
    expect(
      grantNotice('approved', { ...hostile, approvedBy: 'security@contoso.onmicrosoft.com' }, audience, AT).to,
    ).toEqual(['meganb@contoso.onmicrosoft.com', 'adelev@contoso.onmicrosoft.com', 'secops@contoso.onmicrosoft.com']);
    const active = grantNotice('active', hostile, audience, AT);
    expect(active.to).toContain('secops@contoso.onmicrosoft.com');
    expect(renderEmail(active).text).toContain(PROPAGATION_NOTE);
    expect(renderEmail(active).text).toContain('60 minutes');
    expect(active.key).toBe(`grant/${hostile.id}/active`);
    const ext = {
      ...hostile,
      extension: {
        durationMs: 3_600_000,
        requestedBy: hostile.requestedBy,
        requestedAt: '2026-11-02T12:00:00.000Z',
        justification: 'more',
      },
    };
    expect(grantNotice('extension-requested', ext, audience, AT).key).toBe(
      `grant/${hostile.id}/extension-requested/2026-11-02T12:00:00.000Z`,
    );
  });

  it('escape helpers', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(headerSafe('a\u0000b\nc\u2028d')).toBe('a b c d');
    expect(headerSafe('x'.repeat(300), 10)).toHaveLength(10);
  });
});
