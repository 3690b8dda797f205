#!/usr/bin/env node
// The CLI runs the TypeScript sources directly; the Function App runs the esbuild bundle.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
