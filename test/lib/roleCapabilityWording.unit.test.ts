/** Every text a person reads says what Mailbox Import Export really does in Exchange Online (no PST export there). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderAlert, renderFailure } from '../../lib/audit/renderAlert.js';
import type { Grant } from '../../lib/domain.js';
import { grantNotice } from '../../lib/grants/notices/grantNotice.js';
import { renderEmail } from '../../lib/notify/emailLayout.js';
import { ROLE_CAPABILITY } from '../../lib/roleCapability.js';

const AT = '2026-11-02T10:00:00.000Z';
/** Claims that holders export Exchange Online mailboxes (the role does that only on-premises). */
const EXPORT_CLAIM =
  /export(s|ing)? (any|every|all)? ?mailbox(es)?( in the tenant)? to (a )?PST|who can export mailboxes/i;

const grant: Grant = {
  id: 'g1',
  principal: 'adelev@contoso.onmicrosoft.com',
  role: 'Mailbox Import Export',
  status: 'pending',
  method: 'direct',
  requestedBy: 'meganb@contoso.onmicrosoft.com',
  requestedAt: AT,
  justification: 'migration',
  ticket: 'CHG-1',
  durationMs: 3_600_000,
};

describe('what the role does, told truly', () => {
  it('the capability names the Exchange Online cmdlets and keeps PST export on-premises', () => {
    expect(ROLE_CAPABILITY).toMatch(/Get-RecoverableItems, Restore-RecoverableItems/);
    expect(ROLE_CAPABILITY).toMatch(/Purview/);
    expect(ROLE_CAPABILITY).toMatch(/New-MailboxExportRequest\) exists only in on-premises Exchange/);
  });

  it('alert, failure and approval emails carry it and never claim Exchange Online PST export', () => {
    const alert = renderEmail(
      renderAlert({
        tenant: 'contoso.onmicrosoft.com',
        at: AT,
        opened: [],
        resolved: [],
        breakGlassDetected: [],
        breakGlassCleared: [],
        openCount: 0,
      }),
    );
    const failure = renderEmail(
      renderFailure({ tenant: 'contoso.onmicrosoft.com', at: AT, failures: 3, lastError: 'x' }),
    );
    const audience = { approvers: ['sec@contoso.onmicrosoft.com'], securityTeam: ['sec@contoso.onmicrosoft.com'] };
    const request = renderEmail(grantNotice('requested', grant, audience, AT));
    for (const text of [alert.text, alert.html, failure.text, request.text, request.html])
      expect(text).not.toMatch(EXPORT_CLAIM);
    expect(alert.text).toContain(ROLE_CAPABILITY);
    expect(request.text).toContain(ROLE_CAPABILITY);
  });

  it('README and the package description make no such claim', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      description: string;
    };
    expect(readme).not.toMatch(EXPORT_CLAIM);
    expect(pkg.description).not.toMatch(EXPORT_CLAIM);
    expect(readme).toContain('Restore-RecoverableItems');
  });
});
