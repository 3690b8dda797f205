/**
 * The web app's first page: the JavaScript index.html loads (one module, no code splitting), gzipped as served.
 * Target: < 150 KB.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface WebBundleResult {
  scripts: string[];
  bytes: number;
  gzipBytes: number;
}

export function measureWebBundle(): WebBundleResult {
  execFileSync(process.execPath, ['scripts/build.mjs', 'web'], { stdio: 'ignore' });
  const html = readFileSync('dist/web/index.html', 'utf8');
  const scripts = [...html.matchAll(/<script[^>]*\ssrc="\/([^"]+)"/g)].map((m) => m[1] ?? '');
  let bytes = 0;
  let gzipBytes = 0;
  for (const script of scripts) {
    const body = readFileSync(join('dist/web', script));
    bytes += body.length;
    gzipBytes += gzipSync(body, { level: 9 }).length;
  }
  return { scripts, bytes, gzipBytes };
}
