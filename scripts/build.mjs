// Builds what runs without TypeScript: the Function App as one minified ESM file (dist/index.js, the file
// package.json "main" names, dependencies included), the web app it serves (dist/web/: hashed assets, each
// with a gzip copy beside it, and the two pages naming them), and the command line (dist/cli/, one module per
// command loaded on demand, dependencies from node_modules). `node scripts/build.mjs cli` builds only the CLI,
// `node scripts/build.mjs web` only the web app.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { bundleBudgetProblem } from './bundleBudget.mjs';

const only = process.argv[2];

async function functionApp() {
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
    // Prefer a package's ES module build to its CommonJS one, so unused parts are left out (the Graph client's
    // CommonJS build would bring its upload tasks, chaos handler and batch helpers: 32 KiB).
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
  const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
  console.log(`dist/index.js: ${(bytes / 1024).toFixed(0)} KiB (${bytes} bytes)`);
  const problem = bundleBudgetProblem(bytes);
  if (problem) {
    console.error(problem);
    process.exitCode = 1;
  }
}

async function commandLine() {
  await build({
    entryPoints: ['cli/main.ts'],
    outdir: 'dist/cli',
    bundle: true,
    // Each command is its own chunk, so `--help` and `--version` load none of them.
    splitting: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  console.log('dist/cli/main.js: built');
}

/** The web app's two pages with their script (and the app's stylesheet) named by content hash. */
async function webApp() {
  rmSync('dist/web', { recursive: true, force: true });
  const result = await build({
    entryPoints: { app: 'web/src/main.tsx', redirect: 'web/src/redirect.ts' },
    outdir: 'dist/web/assets',
    entryNames: '[name]-[hash]',
    bundle: true,
    splitting: false,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120', 'firefox120', 'safari17'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const named = (entry, ext) =>
    basename(outputs.find(([file, o]) => o.entryPoint === entry || (ext === '.css' && file.endsWith(ext)))?.[0] ?? '');
  const page = (template, script, styles) =>
    readFileSync(template, 'utf8').replace('%SCRIPT%', script).replace('%STYLES%', styles);
  const app = named('web/src/main.tsx');
  mkdirSync('dist/web', { recursive: true });
  writeFileSync('dist/web/index.html', page('web/index.html', app, named('', '.css')));
  writeFileSync('dist/web/redirect.html', page('web/redirect.html', named('web/src/redirect.ts'), ''));
  let gzipped = 0;
  for (const [file] of outputs) {
    const zipped = gzipSync(readFileSync(file), { level: 9 });
    writeFileSync(`${file}.gz`, zipped);
    if (basename(file) === app) gzipped = zipped.length;
  }
  console.log(`dist/web/assets/${app}: ${(gzipped / 1024).toFixed(0)} KiB gzipped`);
}

if (only === 'cli') await commandLine();
else if (only === 'web') await webApp();
else if (only === undefined) await Promise.all([functionApp(), webApp(), commandLine()]);
else throw new Error(`unknown build target '${only}'; use no argument (everything), 'cli' or 'web'`);
