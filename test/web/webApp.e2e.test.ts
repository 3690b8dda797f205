/**
 * The web app in a real browser against the local stack (`mie-watchdog serve`): MSAL signs each person in
 * through the tenant emulator, the pages call the real HTTP functions, and the server's checks stay the only
 * authority. Screenshots of each page, desktop and phone width, go to out/web/; each page is checked to fit a
 * phone's width, to meet WCAG AA text contrast and to show where the keyboard focus is.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebStack, type WebStack } from '../../cli/local/webStack.js';
import { USERS } from '../../emulator/scenarios/forgottenMigrations.js';
import { launchBrowser, persona, screenshots, type Persona } from '../support/browser.js';
import { focusWithoutOutline, lowContrast, phoneOverflow } from './pageChecks.js';

let stack: WebStack;
let browser: Browser;
const people: Persona[] = [];
const signedIn = new Map<string, Page>();

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startWebStack({ port: 0, clockStart: new Date('2026-11-02T09:00:00Z') }),
    launchBrowser(),
  ]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Opens `path` in a fresh profile and signs in as `who` on the emulator's sign-in page. */
async function signIn(who: keyof typeof USERS, path: string): Promise<Page> {
  const p = await persona(browser, stack.now());
  people.push(p);
  await p.page.goto(`${stack.url}${path}`);
  await p.page.getByRole('button', { name: 'Sign in with your work account' }).click();
  await p.page.getByRole('button', { name: new RegExp(USERS[who].displayName) }).click();
  return p.page;
}

/** The signed-in page of `who` (signing in on first use), at `path`. */
async function as(who: keyof typeof USERS, path: string): Promise<Page> {
  let page = signedIn.get(who);
  if (page) await page.goto(`${stack.url}${path}`);
  else {
    page = await signIn(who, path);
    signedIn.set(who, page);
  }
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
}

const status = (page: Page) => page.locator('main .status').first().textContent();

/** Screenshots of the page as it is, then the checks every page must pass. */
async function inspect(page: Page, name: string): Promise<void> {
  await screenshots(page, name);
  expect(await phoneOverflow(page), `${name} at 390 px`).toEqual([]);
  expect(await lowContrast(page), `${name} contrast`).toEqual([]);
  const focus = await focusWithoutOutline(page);
  expect(focus.stops, `${name}: controls the keyboard reaches`).toBeGreaterThan(0);
  expect(focus.missing, `${name}: focus without a visible outline`).toEqual([]);
}

/** Runs the CLI as the audit timer would, on the stack's settings and at the stack's time. */
function runCli(args: string[]): Promise<number | null> {
  // Asynchronously: the emulator answering it runs in this process.
  return new Promise((done) =>
    execFile(process.execPath, [resolve(import.meta.dirname, '../../bin/mie-watchdog.js'), ...args], {
      env: { ...process.env, WATCHDOG_LOCAL_CLOCK: stack.now().toISOString() },
    }).once('exit', done),
  );
}

describe('web app', () => {
  let grantPath = '';

  it('signs a requester in through the emulator and refuses bad input next to each field, writing nothing', async () => {
    const page = await as('gradya', '/request');
    await page.getByRole('heading', { name: 'Request access' }).waitFor();
    await page.getByText('Allowed: 1 hour to 30 days.').waitFor();
    await inspect(page, 'request-access');
    await page.getByLabel('Grantee').fill('nobody@contoso.onmicrosoft.com');
    await page.getByLabel('Change ticket').fill('not a ticket!');
    await page.getByRole('button', { name: 'Request access' }).click();
    await expect.poll(() => page.locator('#justification-error').textContent()).toMatch(/must not be empty/);
    expect(await page.locator('#ticket-error').textContent()).toMatch(/ticket reference/);
    expect(await page.getByLabel('Justification').getAttribute('aria-invalid')).toBe('true');
    // The grantee picker checked the directory when the field was left.
    expect(await page.locator('#principal-error').textContent()).toMatch(/not a user in the directory/);
    await inspect(page, 'request-access-errors');
    expect(stack.emulator.calls.count({ api: 'exchange', name: 'New-ManagementRoleAssignment' })).toBe(0);
    expect(await page.getByRole('heading', { name: /Grant for/ }).count()).toBe(0);

    await page.getByLabel('Grantee').fill('adelev@contoso.onmicrosoft.com');
    await page.getByLabel('Justification').click();
    await page.getByText('Adele Vance (adelev@contoso.onmicrosoft.com) is in the directory.').waitFor();
    await page.getByLabel('Justification').fill('PST import for the Fabrikam merger');
    await page.getByLabel('Change ticket').fill('CHG-1042');
    await page.getByLabel('1 day').check();
    await page.getByRole('button', { name: 'Request access' }).click();
    await page.getByRole('heading', { name: /Grant for adelev@contoso.onmicrosoft.com/ }).waitFor();
    expect(await status(page)).toBe('pending');
    grantPath = new URL(page.url()).pathname;
    expect(grantPath).toMatch(/^\/grants\/[0-9a-f-]{36}$/);
  }, 90_000);

  it('shows self-approval disabled with why, and the server refuses it when forced', async () => {
    const page = await as('gradya', '/approvals');
    const card = page.getByRole('listitem', { name: 'Request for adelev@contoso.onmicrosoft.com' });
    const approve = card.getByRole('button', { name: 'Approve' });
    await approve.waitFor();
    expect(await approve.isDisabled()).toBe(true);
    await card.getByText('You requested this grant: another approver must decide.').waitFor();
    await approve.evaluate((b) => b.removeAttribute('disabled'));
    await approve.click();
    await card
      .getByRole('alert')
      .filter({ hasText: /cannot decide on it/ })
      .waitFor();
    await page.goto(`${stack.url}${grantPath}`);
    expect(await status(page)).toBe('pending');
    await inspect(page, 'grant-pending');
  }, 60_000);

  it('lets another approver approve from Approvals, and the grantee sees the grant active with its expiry', async () => {
    const lidia = await as('lidiah', '/approvals');
    const card = lidia.getByRole('listitem', { name: 'Request for adelev@contoso.onmicrosoft.com' });
    await card.getByText('PST import for the Fabrikam merger').waitFor();
    await card.getByText(/without a decision/).waitFor();
    await inspect(lidia, 'approvals');
    // A denial must say why: the API's answer goes next to the reason field, and the request stays.
    await card.getByRole('button', { name: 'Deny' }).click();
    const reasonError = card.locator('.field.invalid .error');
    await expect
      .poll(() => reasonError.textContent())
      .toMatch(/reason must not be empty: a denial tells the requester why/);
    expect(await card.getByLabel('Reason').getAttribute('aria-invalid')).toBe('true');
    await inspect(lidia, 'approvals-deny-without-reason');
    await card.getByLabel('Reason').fill('CAB approved CHG-1042');
    await card.getByRole('button', { name: 'Approve' }).click();
    await lidia.getByText('Nothing is waiting for a decision.').waitFor();
    expect(stack.emulator.calls.count({ api: 'exchange', name: 'New-ManagementRoleAssignment' })).toBe(1);

    const adele = await as('adelev', '/grants');
    await adele.getByText('expires in 1 day').waitFor();
    await inspect(adele, 'my-grants');
    await adele.getByRole('link', { name: 'adelev@contoso.onmicrosoft.com' }).click();
    await adele.getByText(/up to 60 minutes/).waitFor();
    expect(await adele.getByTestId('expires').textContent()).toMatch(/\(in 1 day\)|\(in 23 hours/);
    await adele.getByText('Activated: role assigned').waitFor();
    await adele.locator('.timeline li').filter({ hasText: 'Approved' }).getByText('CAB approved CHG-1042').waitFor();
    await inspect(adele, 'grant-active');

    // Bad input in the extension form: each message next to its field, and nothing asked.
    await adele.getByLabel('More hours').fill('a few');
    await adele.getByRole('button', { name: 'Ask for the extension' }).click();
    await expect.poll(() => adele.locator('#extend-hours-error').textContent()).toMatch(/ISO 8601 duration/);
    expect(await adele.locator('#extend-justification-error').textContent()).toMatch(/must not be empty/);
    await inspect(adele, 'extend-errors');
    await adele.reload();
    await adele.getByText('Activated: role assigned').waitFor();
    expect(await adele.getByText('Extension asked').count()).toBe(0);
  }, 90_000);

  it('shows the auditor who holds the role now and verified evidence, and downloads the CSV', async () => {
    // Holders come from the audits' journal: run one, as the audit timer would. The seed tenant has unapproved
    // holders, so the audit reports findings (exit 1).
    expect(await runCli(['audit', '--json'])).toBe(1);
    const page = await as('johannal', '/holders');
    // The grantee, by the grant's own assignment, with nothing open against it.
    const adele = page.getByRole('row').filter({ hasText: 'adelev@contoso.onmicrosoft.com' });
    await adele.getByRole('cell', { name: `direct assignment MIE-Grant-${grantPath.split('/').pop()}` }).waitFor();
    expect(await adele.getByRole('cell', { name: 'none', exact: true }).count()).toBe(1);
    // A forgotten direct assignment of the seed tenant, with its open finding beside it.
    const alex = page.getByRole('row').filter({ hasText: 'alexw@contoso.onmicrosoft.com' }).first();
    await alex.getByRole('cell', { name: 'direct assignment Mailbox Import Export-AlexW', exact: true }).waitFor();
    await alex.getByRole('cell', { name: /holds Mailbox Import Export .* without an approved grant/ }).waitFor();
    await inspect(page, 'holders-now');
    await page.getByRole('link', { name: 'Evidence' }).click();
    await page.getByText(/Verified: \d+ entries, intact\./).waitFor();
    expect(await page.getByTestId('head-hash').textContent()).toMatch(/^[0-9a-f]{64}$/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download journal as CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv).toContain('grant.approved');
    expect(csv).toContain('lidiah@contoso.onmicrosoft.com');
    // A time left empty is refused next to its field, and the API is not asked.
    const at = page.getByLabel('Time (your time zone)');
    const chosen = await at.inputValue();
    const asked: string[] = [];
    page.on('request', (r) => void (r.url().includes('/api/evidence/holders') && asked.push(r.url())));
    await at.fill('');
    await page.getByRole('button', { name: 'Show holders' }).click();
    await page.locator('#holders-at-error').getByText('Give a date and time.').waitFor();
    expect(await at.getAttribute('aria-invalid')).toBe('true');
    expect(await at.getAttribute('aria-describedby')).toBe('holders-at-error');
    expect(asked).toEqual([]);
    await at.fill(chosen);
    await page.getByRole('button', { name: 'Show holders' }).click();
    await page.getByRole('row').filter({ hasText: 'alexw@contoso.onmicrosoft.com' }).first().waitFor();
    await inspect(page, 'evidence');
  }, 90_000);

  it('lets the requester release it from My grants', async () => {
    const page = await as('gradya', '/grants');
    await page.getByRole('button', { name: 'Release now' }).click();
    await page.getByText(/ended/).first().waitFor();
    await page.goto(`${stack.url}${grantPath}`);
    await expect.poll(() => status(page)).toBe('released');
    expect(stack.emulator.calls.count({ api: 'exchange', name: 'Remove-ManagementRoleAssignment' })).toBe(1);
  }, 60_000);

  it('ends on the sign-in page when the API refuses the token, saying why', async () => {
    // The tenant issues tokens two hours behind the functions' clock: expired when they arrive, so the API
    // answers 401, while MSAL (which counts from the browser's clock) thinks them fresh.
    stack.skewTenantClock(-2 * 3600_000);
    try {
      const page = await signIn('lidiah', grantPath);
      await page.getByRole('button', { name: 'Sign in with your work account' }).waitFor();
      await page.getByText(/refused your sign-in: .*expired/).waitFor();
      await inspect(page, 'signed-out');
    } finally {
      stack.skewTenantClock(2 * 3600_000);
    }
  }, 60_000);

  it('ends a session on the sign-in page once its token has expired (the emulator issues no refresh tokens)', async () => {
    const page = await as('pattif', '/approvals');
    await page.getByRole('heading', { name: 'Approvals' }).waitFor();
    // An hour and a minute later, in the browser and in the tenant: the access token (an hour) has expired, and
    // MSAL's silent renewal is answered login_required.
    const later = 61 * 60_000;
    stack.skewTenantClock(later);
    try {
      await page.clock.fastForward(later);
      await page.reload();
      await page.getByRole('button', { name: 'Sign in with your work account' }).waitFor();
      await page.getByText('Your session has expired: sign in again.').waitFor();
    } finally {
      stack.skewTenantClock(-later);
    }
  }, 60_000);

  it('serves every page without a Content-Security-Policy violation or script error', () => {
    expect(people.flatMap((p) => p.problems)).toEqual([]);
  });
});
