/**
 * Every email kind in a real browser (Debian's Chromium through playwright-core, as the web app's tests run it):
 * a screenshot at desktop and at phone width under out/email/ (<kind>-desktop.png, <kind>-phone.png), and at
 * 390 px nothing reaches past the viewport, so no reader scrolls sideways.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderEmail } from '../../../lib/notify/emailLayout.js';
import { NOTICE_KINDS, type NoticeKind } from '../../../lib/notify/noticeKinds.js';
import { DESKTOP, launchBrowser, PHONE, screenshots } from '../../support/browser.js';
import { sampleNotices } from './sampleNotices.js';

const WEB = 'https://mie.contoso.example';
const KINDS = Object.keys(NOTICE_KINDS) as NoticeKind[];

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: DESKTOP });
});
afterAll(() => browser?.close());

interface Overflow {
  width: number;
  scrollWidth: number;
  /** Elements whose box ends right of the viewport. */
  past: string[];
}

/** Run in the page (the tests are typed without the DOM, so it goes as text). */
const MEASURE = `(() => {
  const width = document.documentElement.clientWidth;
  const past = [...document.body.querySelectorAll('*')]
    .filter((e) => e.getBoundingClientRect().right > width + 0.5)
    .map((e) => e.tagName.toLowerCase() + ': ' + (e.textContent || '').trim().slice(0, 40));
  return { width, scrollWidth: document.documentElement.scrollWidth, past };
})()`;

const overflow = (p: Page) => p.evaluate<Overflow>(MEASURE);

describe('each email kind at desktop and phone width', () => {
  it('the measure sees an element wider than the phone', async () => {
    await page.setViewportSize(PHONE);
    await page.setContent(
      '<!DOCTYPE html><meta name="viewport" content="width=device-width"><body><div style="width:600px">wide</div></body>',
    );
    expect((await overflow(page)).past).toEqual(['div: wide']);
  });

  const notices = sampleNotices();
  for (const kind of KINDS) {
    it(kind, async () => {
      const { html } = renderEmail(notices[kind], WEB);
      await page.setViewportSize(DESKTOP);
      await page.setContent(html);
      await screenshots(page, kind, 'email');
      await page.setViewportSize(PHONE);
      const phone = await overflow(page);
      expect(phone.width).toBe(PHONE.width);
      expect(phone.past, `${kind} at ${PHONE.width} px`).toEqual([]);
      expect(phone.scrollWidth).toBeLessThanOrEqual(PHONE.width);
    });
  }
});
