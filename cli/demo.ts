/** `mie-watchdog demo [--out DIR]` (= `npm start`): the whole watchdog cycle on the embedded default (cli/demo). */
import { parseArgs } from 'node:util';
import { runDemo } from './demo/runDemo.js';
import { UsageError, type CliIo } from './main.js';

export async function run(args: string[], io: CliIo): Promise<number> {
  let outDir: string;
  try {
    const { values } = parseArgs({ args, options: { out: { type: 'string' } }, allowPositionals: false, strict: true });
    outDir = values.out ?? 'out/demo';
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (!outDir.trim()) throw new UsageError('--out needs a folder.');
  const result = await runDemo({ outDir, out: (line) => io.out(line) });
  return result.ok ? 0 : 1;
}
