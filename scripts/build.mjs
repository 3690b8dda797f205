// Builds what runs without TypeScript: the Function App as one minified ESM file (dist/index.js, the file
// package.json "main" names, dependencies included) and the command line (dist/cli/, one module per command
// loaded on demand, dependencies from node_modules). `node scripts/build.mjs cli` builds only the CLI.
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

if (only === 'cli') await commandLine();
else if (only === undefined) await Promise.all([functionApp(), commandLine()]);
else throw new Error(`unknown build target '${only}'; use no argument (everything) or 'cli'`);
