#!/usr/bin/env node
// Runs the built command line (dist/cli, from `npm run build`; `npm start` builds it first).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('mie-watchdog is not built: run `npm run build` first (`npm start` builds on its own).');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
