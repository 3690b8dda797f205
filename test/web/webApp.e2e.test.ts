/**
 * The web app in a real browser against the local stack (`mie-watchdog serve`): MSAL signs each person in
 * through the tenant emulator, the pages call the real HTTP functions, and the server's checks stay the only
 * authority. Screenshots of each page, desktop and phone width, go to out/web/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebStack, type WebStack } from '../../cli/local/webStack.js';
import { USERS } from '../../emulator/scenarios/forgottenMigrations.js';
import { launchBrowser, persona, screenshots, type Persona } from '../support/browser.js';

let stack: WebStack;
let browser: Browser;
const people: Persona[] = [];

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

async function signInAs(who: keyof typeof USERS, path = '/'): Promise<Page> {
  const page = await signIn(who, path);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
}

describe('web app', () => {
  let grantUrl = '';

  it('signs a requester in through the emulator and refuses bad input next to each field, writing nothing', async () => {
    const page = await signInAs('gradya', '/request');
    await page.getByRole('heading', { name: 'Request access' }).waitFor();
    await page.getByText('Allowed: 1 hour to 30 days.').waitFor();
    await screenshots(page, 'request-access');
    await page.getByLabel('Grantee').fill('adelev@contoso.onmicrosoft.com');
    await page.getByLabel('Change ticket').fill('not a ticket!');
    await page.getByRole('button', { name: 'Request access' }).click();
    await expect.poll(() => page.locator('#justification-error').textContent()).toMatch(/must not be empty/);
    expect(await page.locator('#ticket-error').textContent()).toMatch(/ticket reference/);
    expect(await page.getByLabel('Justification').getAttribute('aria-invalid')).toBe('true');
    expect(stack.emulator.calls.count({ api: 'exchange', name: 'New-ManagementRoleAssignment' })).toBe(0);

    await page.getByLabel('Justification').fill('PST import for the Fabrikam merger');
    await page.getByLabel('Change ticket').fill('CHG-1042');
    await page.getByLabel('1 day').check();
    await page.getByRole('button', { name: 'Request access' }).click();
    await page.getByRole('heading', { name: /Grant for adelev@contoso.onmicrosoft.com/ }).waitFor();
    expect(await page.locator('.status').first().textContent()).toBe('pending');
    grantUrl = new URL(page.url()).pathname;
    expect(grantUrl).toMatch(/^\/grants\/[0-9a-f-]{36}$/);
    // Self-approval is shown disabled with why; forced through anyway, the server refuses it.
    const approve = page.getByRole('button', { name: 'Approve' });
    expect(await approve.isDisabled()).toBe(true);
    await page.getByText('You requested this grant: another approver must decide.').waitFor();
    await screenshots(page, 'grant-pending');
    await approve.evaluate((b) => b.removeAttribute('disabled'));
    await approve.click();
    await page
      .getByRole('alert')
      .filter({ hasText: /cannot decide on it/ })
      .waitFor();
    expect(await page.locator('.status').first().textContent()).toBe('pending');
  }, 60_000);

  it('lets another approver approve, and the grantee sees the grant active with its expiry', async () => {
    const lidia = await signInAs('lidiah', grantUrl);
    await lidia.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => lidia.locator('.status').first().textContent()).toBe('active');
    expect(stack.emulator.calls.count({ api: 'exchange', name: 'New-ManagementRoleAssignment' })).toBe(1);

    const adele = await signInAs('adelev', grantUrl);
    await adele.getByText(/up to 60 minutes/).waitFor();
    expect(await adele.getByTestId('expires').textContent()).toMatch(/\(in 1 day\)|\(in 23 hours/);
    await adele.getByRole('heading', { name: 'Timeline' }).waitFor();
    await adele.getByText('Activated: role assigned').waitFor();
    await screenshots(adele, 'grant-active');
  }, 60_000);

  it('lets the requester release it', async () => {
    const page = people[0]?.page;
    if (!page) throw new Error('the requester is not signed in');
    await page.goto(`${stack.url}${grantUrl}`);
    await page.getByRole('button', { name: 'Release now' }).click();
    await expect.poll(() => page.locator('.status').first().textContent()).toBe('released');
  }, 60_000);

  it('ends a session whose token has expired on the sign-in page', async () => {
    // The tenant issues tokens two hours behind the functions' clock: already expired when they arrive.
    stack.skewTenantClock(-2 * 3600_000);
    try {
      const page = await signIn('lidiah', grantUrl);
      await page.getByRole('button', { name: 'Sign in with your work account' }).waitFor();
      await page.getByText(/refused your sign-in: .*expired/).waitFor();
      await screenshots(page, 'signed-out');
    } finally {
      stack.skewTenantClock(2 * 3600_000);
    }
  }, 60_000);

  it('serves every page without a Content-Security-Policy violation', () => {
    expect(people.flatMap((p) => p.problems)).toEqual([]);
  });
});
