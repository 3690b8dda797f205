/**
 * One headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) for a test file, with a fresh
 * profile per persona: each signs in on its own, as separate people on separate machines would.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };

export interface Persona {
  context: BrowserContext;
  page: Page;
  /** Content-Security-Policy violations and uncaught errors the page reported. */
  problems: string[];
}

export async function launchBrowser(): Promise<Browser> {
  // Playwright gives every launch a fresh temporary --user-data-dir and adds --headless.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** A fresh profile whose page clock starts at `now` (the stack's clock), so times left read as the server sees them. */
export async function persona(browser: Browser, now: Date): Promise<Persona> {
  // The local stack's certificate is made for each run.
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: DESKTOP });
  await context.clock.install({ time: now });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return { context, page, problems };
}

const OUT = resolve(import.meta.dirname, '..', '..', 'out');

/** Saves the page at desktop and at phone width under out/<folder>/ (name-desktop.png, name-phone.png). */
export async function screenshots(page: Page, name: string, folder = 'web'): Promise<void> {
  const shots = join(OUT, folder);
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(shots, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
}
