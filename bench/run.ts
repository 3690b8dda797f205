/**
 * Every benchmark, one after the other, as a compact table (`npm run bench`). Each also runs alone:
 * bench/auditCycle.ts, bench/revocation.ts, bench/coldStart.ts, bench/webBundle.ts, bench/exportMemory.ts.
 *
 *   node bin/run-ts.js bench/run.ts [--quick]   (--quick: audit sizes 10 and 1,000, 50 grants, 2,000 export rows)
 */
import { execFileSync } from 'node:child_process';
import { benchAuditSize, formatAuditRow } from './auditCycle.js';
import { withAzurite } from './benchRuntime.js';
import { measureColdStart } from './coldStart.js';
import { benchRevocation, formatLatency, formatRevocation } from './revocation.js';
import { measureWebBundle } from './webBundle.js';

const quick = process.argv.includes('--quick');
const sizes = quick ? [10, 1_000] : [10, 1_000, 20_000];
const grants = quick ? 50 : 500;
const exportRows = quick ? 2_000 : 10_000;

await withAzurite(async (azurite) => {
  console.log('Audit cycle, 50 ms latency per call (round trips vs the minimum of bench/minimumRoundTrips.ts)');
  for (const size of sizes) for (const m of await benchAuditSize(azurite, size)) console.log(`  ${formatAuditRow(m)}`);
  console.log('Revocation, 50 ms latency per call');
  console.log(`  ${formatLatency(await benchRevocation(azurite, 1))}`);
  console.log(`  ${formatRevocation(await benchRevocation(azurite, grants))}`);
});

const cold = measureColdStart();
console.log('Cold start');
console.log(
  `  bundle ${(cold.bundleBytes / 1024).toFixed(0)} KiB (target < 1024 KiB), module load median ${cold.loadMsMedian.toFixed(1)} ms, p90 ${cold.loadMsP90.toFixed(1)} ms (target < 150 ms)`,
);

const web = measureWebBundle();
console.log('Web app');
console.log(
  `  first page JavaScript ${(web.gzipBytes / 1024).toFixed(0)} KiB gzipped (${(web.bytes / 1024).toFixed(0)} KiB raw; target < 150 KB)`,
);

console.log(
  `Export memory (${exportRows} journal rows; the full 100,000-row run takes minutes: bench/exportMemory.ts)`,
);
const out = execFileSync(
  process.execPath,
  ['--expose-gc', 'bin/run-ts.js', 'bench/exportMemory.ts', String(exportRows)],
  { encoding: 'utf8' },
);
for (const line of out.trim().split('\n')) console.log(`  ${line}`);
