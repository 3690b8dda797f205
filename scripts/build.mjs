// Bundles the Function App into one minified ESM file (dist/index.js), the file package.json "main" names.
import { build } from 'esbuild';

const result = await build({
  entryPoints: ['functions/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  metafile: true,
  legalComments: 'none',
  // Some CommonJS dependencies call require() at run time; give the ESM bundle one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  // The Functions worker provides this module at run time.
  external: ['@azure/functions-core'],
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
console.log(`dist/index.js: ${(bytes / 1024).toFixed(0)} KiB`);
