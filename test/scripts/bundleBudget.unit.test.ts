import { describe, expect, it } from 'vitest';
import { BUNDLE_BUDGET_BYTES, bundleBudgetProblem } from '../../scripts/bundleBudget.mjs';

describe('the Function App bundle budget (npm run build fails over it)', () => {
  it('is less than 1024 KiB', () => {
    expect(BUNDLE_BUDGET_BYTES).toBe(1024 * 1024);
    expect(bundleBudgetProblem(1024 * 1024 - 1)).toBeUndefined();
    expect(bundleBudgetProblem(922_877)).toBeUndefined();
  });

  it('names the size, the budget and the overshoot in bytes and KiB', () => {
    expect(bundleBudgetProblem(1024 * 1024)).toBe(
      'dist/index.js is 1048576 bytes (1024.0 KiB), over the budget of less than 1048576 bytes (1024.0 KiB) by 1 byte. ' +
        "Find what grew with esbuild's metafile (https://esbuild.github.io/analyze/) and keep heavy dependencies out of " +
        'the Function App (docs/performance.md, "Bundle size").',
    );
    expect(bundleBudgetProblem(1_100_000)).toMatch(
      /^dist\/index\.js is 1100000 bytes \(1074\.2 KiB\).* by 51425 bytes\./,
    );
  });
});
