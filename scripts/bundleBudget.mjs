// The Function App bundle's size budget: the host loads dist/index.js before the first invocation of a cold
// instance, so every KiB is paid on each cold start (docs/performance.md). `npm run build` fails over it.
export const BUNDLE_BUDGET_BYTES = 1024 * 1024;

/** What to say when a dist/index.js of `bytes` is over the budget, or undefined when it fits. */
export function bundleBudgetProblem(bytes) {
  if (bytes < BUNDLE_BUDGET_BYTES) return undefined;
  const kib = (n) => (n / 1024).toFixed(1);
  const over = bytes - BUNDLE_BUDGET_BYTES + 1;
  return (
    `dist/index.js is ${bytes} bytes (${kib(bytes)} KiB), over the budget of less than ${BUNDLE_BUDGET_BYTES} bytes ` +
    `(${kib(BUNDLE_BUDGET_BYTES)} KiB) by ${over} byte${over === 1 ? '' : 's'}. Find what grew with esbuild's ` +
    `metafile (https://esbuild.github.io/analyze/) and keep heavy dependencies out of the Function App ` +
    `(docs/performance.md, "Bundle size").`
  );
}
