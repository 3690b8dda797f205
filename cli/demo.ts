/** `mie-watchdog demo [--out DIR]` (= `npm start`): the whole watchdog cycle on the embedded default (cli/demo). */
import { runDemo } from './demo/runDemo.js';
import { leaf, type CommandSpec } from './command.js';

export function command(): CommandSpec {
  return leaf({
    name: 'demo',
    summary: 'the whole watchdog cycle on a local emulator and Azurite',
    description:
      "Starts Azurite and the tenant emulator on loopback and runs the real jobs through a grant's life: doctor, first audit and its drift alert, request and approval, reminder, expiry, removal and read-back. Every email is saved as .eml and .html. This is what npm start runs.",
    flags: [{ name: 'out', value: 'DIR', description: 'folder for the saved emails (default out/demo)' }],
    parse(input) {
      const outDir = input.text('out') ?? 'out/demo';
      if (!outDir.trim()) input.problem('--out', '--out needs a folder.');
      return { outDir };
    },
    async run({ outDir }, io) {
      const result = await runDemo({ outDir, out: (line) => io.out(line) });
      return result.ok ? 0 : 1;
    },
  });
}
