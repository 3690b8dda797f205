/**
 * Every benchmark, one after the other, as a compact table (`npm run bench`). Each also runs alone:
 * bench/auditCycle.ts, bench/revocation.ts, bench/coldStart.ts, bench/webBundle.ts, bench/exportMemory.ts.
 *
 *   node bin/run-ts.js bench/run.ts [--quick] [--latency fast|real|both]
 *
 * The audit and revocation benchmarks run at each latency profile (bench/latencyProfile.ts; both by default):
 * `fast` on the seed tenant, 10, 1,000 and 20,000 holders and 500 grants, `real` on the seed tenant, 1,000 and
 * 20,000 holders and 50 grants, and the holder read against -GetEffectiveUsers on the seed tenant and 1,000 holders.
 * --quick: no 20,000 holders, 50 grants, 2,000 export rows.
 */
import { execFileSync } from 'node:child_process';
import { benchAuditSize, formatAuditRow, type AuditSize } from './auditCycle.js';
import { withAzurite } from './benchRuntime.js';
import { measureColdStart } from './coldStart.js';
import { benchEffectiveUsers, formatEffectiveUsers } from './effectiveUsers.js';
import { latencyProfiles, type LatencyProfile } from './latencyProfile.js';
import { benchRevocation, formatLatency, formatRevocation } from './revocation.js';
import { measureWebBundle } from './webBundle.js';

const quick = process.argv.includes('--quick');
const exportRows = quick ? 2_000 : 10_000;

function plan(latency: LatencyProfile): { sizes: AuditSize[]; grants: number } {
  const sizes: AuditSize[] = latency.name === 'fast' ? ['seed', 10, 1_000, 20_000] : ['seed', 1_000, 20_000];
  return {
    sizes: quick ? sizes.filter((s) => s !== 20_000) : sizes,
    grants: quick || latency.name === 'real' ? 50 : 500,
  };
}

const describe = (l: LatencyProfile) =>
  l.jitter
    ? `Exchange ${l.exchangeMs} ms, Graph ${l.graphMs} ms, Table Storage ${l.tableMs} ms, ACS ${l.emailMs} ms per round trip, ±${l.jitter * 100}% seeded jitter`
    : `${l.exchangeMs} ms per Exchange, Graph and ACS round trip`;

await withAzurite(async (azurite) => {
  for (const latency of latencyProfiles(process.argv)) {
    const { sizes, grants } = plan(latency);
    console.log(
      `Audit cycle, latency ${latency.name}: ${describe(latency)} (round trips vs the minimum of bench/minimumRoundTrips.ts)`,
    );
    for (const size of sizes)
      for (const m of await benchAuditSize(azurite, size, latency)) console.log(`  ${formatAuditRow(m)}`);
    console.log(`Holder read against -GetEffectiveUsers, latency ${latency.name} (bench/effectiveUsers.ts)`);
    for (const size of ['seed', 1_000] as const)
      console.log(`  ${formatEffectiveUsers(await benchEffectiveUsers(azurite, size, latency))}`);
    console.log(`Revocation, latency ${latency.name}`);
    console.log(`  ${formatLatency(await benchRevocation(azurite, 1, latency))}`);
    console.log(`  ${formatRevocation(await benchRevocation(azurite, grants, latency))}`);
  }
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
