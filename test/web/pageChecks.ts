/**
 * What every page of the web app must pass in the browser, measured on the rendered page: nothing wider than a
 * phone's screen (390 px), text contrast WCAG AA from the computed styles (4.5:1, 3:1 for large text), and a
 * visible focus indicator on every control the keyboard reaches.
 */
import type { Page } from 'playwright-core';
import { PHONE } from '../support/browser.js';

// The functions passed to page.evaluate run in the page. The tests' TypeScript has no DOM library (lib/ must not
// reach for one), so the little of the DOM they use is declared here, for this module only.
interface Box {
  right: number;
  width: number;
  height: number;
}
interface DomNode {
  nodeType: number;
  textContent: string | null;
}
interface DomElement extends DomNode {
  tagName: string;
  id: string;
  parentElement: DomElement | null;
  children: ArrayLike<DomElement>;
  childNodes: ArrayLike<DomNode>;
  getBoundingClientRect(): Box;
  getAttribute(name: string): string | null;
  blur(): void;
  focus(): void;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
}
interface Style {
  backgroundColor: string;
  color: string;
  fontSize: string;
  fontWeight: string;
  visibility: string;
  outlineStyle: string;
  outlineWidth: string;
}
declare const document: {
  documentElement: { scrollWidth: number };
  body: DomElement;
  activeElement: DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
};
declare const window: { innerWidth: number; scrollTo(x: number, y: number): void };
declare const Node: { TEXT_NODE: number };
declare function getComputedStyle(element: DomElement): Style;

/** Elements that stick out of the page at phone width (empty when the page fits). */
export async function phoneOverflow(page: Page): Promise<string[]> {
  const size = page.viewportSize();
  await page.setViewportSize(PHONE);
  try {
    return await page.evaluate(() => {
      const width = window.innerWidth;
      if (document.documentElement.scrollWidth <= width) return [];
      const wide = Array.from(document.querySelectorAll('body *')).filter(
        (e) => e.getBoundingClientRect().right > width + 0.5,
      );
      const text = (e: DomElement) => `${e.tagName.toLowerCase()} "${(e.textContent ?? '').trim().slice(0, 40)}"`;
      return [
        `scrollWidth ${document.documentElement.scrollWidth} > ${width}`,
        ...wide.slice(0, 5).map((e) => `${text(e)} ends at ${Math.round(e.getBoundingClientRect().right)}`),
      ];
    });
  } finally {
    if (size) await page.setViewportSize(size);
  }
}

/**
 * Every visible text whose colour on its background is below AA: the background is the first opaque one of the
 * element or its ancestors, with translucent ones above it blended in (the app uses no background images).
 */
export function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type Rgba = [number, number, number, number];
    const parse = (css: string): Rgba => {
      const m = /rgba?\(([^)]+)\)/.exec(css);
      const [r = 0, g = 0, b = 0, a = 1] = (m?.[1] ?? '0,0,0,0')
        .split(/[\s,/]+/)
        .filter(Boolean)
        .map(Number);
      return [r, g, b, a];
    };
    const over = (top: Rgba, below: Rgba): Rgba => {
      const a = top[3];
      return [0, 1, 2].map((i) => (top[i] ?? 0) * a + (below[i] ?? 0) * (1 - a)).concat(1) as Rgba;
    };
    const background = (el: DomElement | null): Rgba => {
      const layers: Rgba[] = [];
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      return layers.reduceRight<Rgba>((below, top) => over(top, below), [255, 255, 255, 1]);
    };
    const luminance = ([r, g, b]: Rgba) =>
      [r, g, b]
        .map((v) => v / 255)
        .map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
        .reduce((sum, v, i) => sum + v * ([0.2126, 0.7152, 0.0722][i] ?? 0), 0);
    const ratio = (a: Rgba, b: Rgba) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
    };
    const found: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const own = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (!own || box.width === 0 || box.height === 0 || style.visibility === 'hidden' || box.right < 0) continue;
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const bg = background(el);
      const value = ratio(over(parse(style.color), bg), bg);
      if (value < (large ? 3 : 4.5))
        found.push(
          `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 40)}": ${value.toFixed(2)}:1`,
        );
    }
    return found;
  });
}

/** Tabs through the page from the top: each control the keyboard reaches must show an outline of at least 2 px. */
export async function focusWithoutOutline(page: Page, maxStops = 60): Promise<{ stops: number; missing: string[] }> {
  // Focusing the body (made focusable for that moment) puts the keyboard's starting point at the top of the page.
  await page.evaluate(() => {
    document.activeElement?.blur();
    document.body.setAttribute('tabindex', '-1');
    document.body.focus();
    document.body.removeAttribute('tabindex');
    window.scrollTo(0, 0);
  });
  const missing: string[] = [];
  const seen = new Set<string>();
  let stops = 0;
  for (let i = 0; i < maxStops; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return undefined;
      const path: string[] = [];
      for (let e: DomElement | null = el; e && e !== document.body; e = e.parentElement)
        path.unshift(`${e.tagName}:${Array.from(e.parentElement?.children ?? []).indexOf(e)}`);
      const s = getComputedStyle(el);
      const visible = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
      return {
        key: path.join('/'),
        visible,
        label: `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || el.id).trim().slice(0, 40)}"`,
      };
    });
    if (!stop || seen.has(stop.key)) break;
    seen.add(stop.key);
    stops++;
    if (!stop.visible) missing.push(stop.label);
  }
  return { stops, missing };
}
