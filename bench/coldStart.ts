/**
 * Cold start of the Function App: size of the esbuild bundle and the time a fresh Node process takes
 * to load it (what the Functions host pays before the first invocation). Targets: < 1 MB, < 150 ms.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const RUNS = 15;

export interface ColdStartResult {
  bundleBytes: number;
  loadMsMedian: number;
  loadMsP90: number;
}

export function measureColdStart(): ColdStartResult {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
  const bundle = resolve('dist/index.js');
  const bundleBytes = statSync(bundle).size;
  const probe = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(bundle).href)});process.stdout.write('\\nload-ms='+(performance.now()-t));`;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe], {
      // The bundle reads its settings at load; give it a valid local configuration.
      env: {
        ...process.env,
        WATCHDOG_TENANT: 'contoso.onmicrosoft.com',
        WATCHDOG_EMAIL_ENDPOINT: 'https://example.communication.azure.com',
        WATCHDOG_EMAIL_SENDER: 'watchdog@example.com',
        WATCHDOG_ALERT_RECIPIENTS: 'secops@example.com',
        WATCHDOG_STORAGE_ACCOUNT: 'stwatchdog',
        WATCHDOG_AUTH_ISSUER: 'https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/v2.0',
        WATCHDOG_AUTH_AUDIENCE: 'api://mie-watchdog',
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    // Outside the Functions host @azure/functions prints warnings on stdout: read only the marked line.
    times.push(Number(/load-ms=([\d.]+)/.exec(out)?.[1] ?? NaN));
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN;
  return { bundleBytes, loadMsMedian: at(0.5), loadMsP90: at(0.9) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = measureColdStart();
  console.log(`bundle: ${(r.bundleBytes / 1024).toFixed(0)} KiB (target < 1024 KiB)`);
  console.log(
    `module load: median ${r.loadMsMedian.toFixed(1)} ms, p90 ${r.loadMsP90.toFixed(1)} ms over ${RUNS} fresh processes (target < 150 ms)`,
  );
}
