import { describe, expect, it } from 'vitest';
import {
  grantRevokedNotice,
  reminderNotice,
  revokeFailedNotice,
  timeLeft,
} from '../../../lib/revoke/revocationMessages.js';
import { renderEmail } from '../../../lib/notify/emailLayout.js';
import { grant, HOUR } from '../../../testkit/fixtures.js';

const hostile = grant('g-1', {
  justification: '<script>alert(1)</script> & "quotes"',
  principal: 'adelev@contoso.onmicrosoft.com',
  requestedBy: 'MeganB@contoso.onmicrosoft.com',
  ticket: 'CHG-1\r\nBcc: attacker@evil.example',
});

describe('revocation messages', () => {
  it('tells grantee, requester and the security team, with the 60-minute propagation caveat', () => {
    const n = grantRevokedNotice(hostile, '2026-11-02T10:00:05.000Z', [
      'secops@contoso.com',
      'meganb@contoso.onmicrosoft.com',
    ]);
    expect(n.to).toEqual(['adelev@contoso.onmicrosoft.com', 'meganb@contoso.onmicrosoft.com', 'secops@contoso.com']);
    expect(n.key).toBe('grant/g-1/revoked');
    const email = renderEmail(n);
    expect(email.text).toContain('up to 60 minutes');
    expect(email.text).toContain('next audit confirms');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(email.html).not.toContain('<script>');
  });

  it('keeps subjects on one line whatever the input', () => {
    const n = revokeFailedNotice(
      { ...hostile, principal: 'x@contoso.onmicrosoft.com\r\nBcc: attacker@evil.example' },
      'HTTP 503',
      3,
      ['secops@contoso.com'],
      '2026-11-02T10:00:05.000Z',
    );
    const { subject } = renderEmail(n);
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject).toContain('[CRITICAL]');
    expect(n.key).toBe('grant/g-1/revoke-failed/3');
  });

  it('keys reminders by offset and expiry, so an extended grant is reminded again', () => {
    const a = reminderNotice(hostile, 'PT1H', HOUR);
    const b = reminderNotice({ ...hostile, expiresAt: '2026-11-03T10:00:00.000Z' }, 'PT1H', HOUR);
    expect(a.to).toEqual(['adelev@contoso.onmicrosoft.com', 'meganb@contoso.onmicrosoft.com']);
    expect(a.subject).toContain('expires in 1 hour');
    expect(a.key).not.toBe(b.key);
  });
});

describe('timeLeft', () => {
  it('says how long is left in words', () => {
    expect([HOUR, 24 * HOUR, 45 * 60_000, 90 * 60_000, 60_000, 10].map(timeLeft)).toEqual([
      '1 hour',
      '24 hours',
      '45 minutes',
      '90 minutes',
      '1 minute',
      '1 minute',
    ]);
  });
});
