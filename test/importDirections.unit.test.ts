/**
 * The import directions of docs/architecture.md hold because lint refuses the others: each case lints a real
 * file of a layer with one forbidden import added, and expects no-restricted-imports to report it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..');
// Only the import rule runs, so the TypeScript project service the type-aware rules need is not started.
const eslint = new ESLint({
  cwd: repo,
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});

/** The no-restricted-imports messages for `file` with `extra` import lines put in front of its own text. */
async function restricted(file: string, extra: string): Promise<string[]> {
  const text = `${extra}\n${readFileSync(join(repo, file), 'utf8')}`;
  const [result] = await eslint.lintText(text, { filePath: join(repo, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import directions (eslint.config.js)', () => {
  it.each([
    ['a use case importing an adapter', 'lib/audit/diff.ts', "import '../tableStorage/tableAccess.js';"],
    ['a use case importing the settings', 'lib/grants/approveGrant.ts', "import '../config.js';"],
    ['a use case importing the composition root', 'lib/evidence/verifyHistory.ts', "import '../runtime.js';"],
    ['a use case importing a trigger', 'lib/revoke/planReminders.ts', "import '../triggers/revokeTimerHandler.js';"],
    ['doctor importing an adapter', 'lib/doctor/exchangeChecks.ts', "import '../exchange/rows.js';"],
    ['doctor importing the settings', 'lib/doctor/runDoctor.ts', "import '../config.js';"],
    ['an adapter importing a use case', 'lib/tableStorage/grants.ts', "import '../grants/approveGrant.js';"],
    ['an adapter importing the composition root', 'lib/clock.ts', "import './runtime.js';"],
    ['the authenticator importing the settings', 'lib/auth/authenticator.ts', "import '../config.js';"],
    ['the domain importing a port', 'lib/domain.ts', "import './ports/index.js';"],
    ['a pure helper importing an adapter', 'lib/limiter.ts', "import './http/transport.js';"],
    ['a port importing an adapter', 'lib/ports/store.ts', "import '../tableStorage/tableAccess.js';"],
    ['a port importing a use case', 'lib/ports/auditState.ts', "import '../audit/diff.js';"],
    ['a trigger importing an adapter', 'lib/triggers/grantHttpHandler.ts', "import '../tableStorage/openStore.js';"],
    ['lib/ importing the emulator', 'lib/runtime.ts', "import '../emulator/index.js';"],
    ['lib/ importing the command line', 'lib/audit/holders/expandDirectUsers.ts', "import '../../../cli/main.js';"],
    ['the emulator importing lib/', 'emulator/exchange/route.ts', "import '../../lib/domain.js';"],
    ['contract/ importing lib/', 'contract/microsoft.ts', "import '../lib/domain.js';"],
    ['a benchmark importing a test', 'bench/run.ts', "import '../test/support/globalSetup.js';"],
  ])('refuses %s', async (_case, file, extra) => {
    expect(await restricted(file, extra)).toHaveLength(1);
  });

  it('lets each layer import what it may', async () => {
    expect(
      await restricted(
        'lib/revoke/planReminders.ts',
        "import '../domain.js';\nimport '../ports/index.js';\nimport '../grants/grantDeps.js';",
      ),
    ).toEqual([]);
    expect(
      await restricted('lib/tableStorage/grants.ts', "import '../ports/index.js';\nimport '../http/transport.js';"),
    ).toEqual([]);
    expect(await restricted('emulator/server.ts', "import '../contract/emulator.js';")).toEqual([]);
  });
});
