/** `mie-watchdog demo` through the real CLI entry, as `npm start` runs it: exit code, report and files. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

let out: string | undefined;
afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('mie-watchdog demo (real CLI entry)', () => {
  it('runs the whole cycle, exits 0 within a minute and saves every email as .eml and .html', async () => {
    out = await mkdtemp(join(tmpdir(), 'mie-demo-'));
    const { code, stdout, stderr, ms } = await runCli(['demo', '--out', out]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(ms).toBeLessThan(60_000);

    expect(stdout).toContain('First audit');
    expect(stdout).toContain('17 holders');
    // A holder through every door, each with its path.
    for (const path of [
      'via Graph application permission MailboxItem.Export.All',
      'via Exchange application role Application MailboxItem.ImportExport',
      'via Organization Management (eligible for Exchange Administrator)',
      'via Purview role group eDiscovery Manager (eDiscovery Export)',
    ])
      expect(stdout).toContain(path);
    expect(stdout).toMatch(/Email \(drift, sent\)/);
    expect(stdout).toMatch(/meganb requests .* lidiah approves/);
    expect(stdout).toMatch(/Reminder \(PT1H before expiry\) to adelev@contoso\.onmicrosoft\.com/);
    expect(stdout).toMatch(/removed; read back at .*: gone/);
    expect(stdout).toMatch(/Grant [0-9a-f-]+: revoked, revocation verified at/);
    expect(stdout).toContain('adelev holds the role: no');
    expect(stdout).toContain(`Output folder: ${out}`);

    const files = (await readdir(out)).sort();
    const eml = files.filter((f) => f.endsWith('.eml'));
    const html = files.filter((f) => f.endsWith('.html'));
    // drift alert, request, approval, activation, reminder, revocation, daily digest
    expect(eml).toHaveLength(7);
    expect(html.map((f) => f.replace(/\.html$/, ''))).toEqual(eml.map((f) => f.replace(/\.eml$/, '')));

    const revoked = eml.find((f) => f.includes('removed-from-adelev'));
    expect(revoked).toBeDefined();
    const message = await readFile(join(out, revoked ?? ''), 'utf8');
    expect(message).toMatch(/^From: watchdog@contoso\.onmicrosoft\.com\r\n/);
    expect(message).toMatch(/^To: .*adelev@contoso\.onmicrosoft\.com.*security@contoso\.onmicrosoft\.com/m);
    expect(message).toContain('up to 60 minutes');
    const page = await readFile(join(out, (revoked ?? '').replace(/\.eml$/, '.html')), 'utf8');
    expect(page).toContain('<th align="left" style="padding-right:12px">Subject</th>');
    expect(page).toContain('up to 60 minutes');
    expect(eml.some((f) => f.includes('drift'))).toBe(true);
    expect(eml.some((f) => f.includes('expires-in-1-hour'))).toBe(true);
    expect(eml.some((f) => f.includes('daily-digest'))).toBe(true);

    // The same seven notices on the emulator's Teams webhook, webhook receiver and Logs Ingestion endpoint.
    expect(stdout).toMatch(/teams\/ +7 Adaptive Card message\(s\)/);
    expect(stdout).toMatch(/webhook\/ +7 signed event\(s\), 7 verified/);
    const kinds = [
      'drift',
      'grant-requested',
      'grant-approved',
      'grant-active',
      'grant-reminder',
      'grant-revoked',
      'digest',
    ];
    const webhook = (await readdir(join(out, 'webhook'))).sort();
    expect(webhook).toEqual(kinds.map((k, i) => `0${i + 1}-${k}.json`));
    const revokedEvent = JSON.parse(await readFile(join(out, 'webhook', webhook[5] ?? ''), 'utf8'));
    expect(revokedEvent).toMatchObject({ verified: true, duplicate: false, event: { kind: 'grant-revoked' } });
    const logs = (await readdir(join(out, 'logs'))).sort();
    expect(logs).toEqual(kinds.map((k, i) => `0${i + 1}-${k}.ndjson`));
    const rows = (await readFile(join(out, 'logs', logs[0] ?? ''), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows[0]).toMatchObject({
      RowType: 'notice',
      Kind: 'drift',
      EventId: expect.stringMatching(/^audit-drift-/),
    });
    expect(rows.slice(1).every((r) => r.RowType === 'item' && r.Kind === 'drift')).toBe(true);
    const teams = (await readdir(join(out, 'teams'))).sort();
    expect(teams).toHaveLength(7);
    const card = JSON.parse(await readFile(join(out, 'teams', teams[0] ?? ''), 'utf8'));
    expect(card.attachments[0].content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
  }, 90_000);
});
