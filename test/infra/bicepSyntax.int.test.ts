import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkBicepFolder,
  findBicepFiles,
  formatProblems,
  loadBicepParser,
  syntaxProblems,
} from '../../scripts/checkBicep.js';
import { INFRA as infra, REPO as repo } from './bicepModel.js';

describe('Bicep syntax (tree-sitter-bicep)', () => {
  it('parses every .bicep file under infra/ without ERROR or MISSING nodes', async () => {
    const results = await checkBicepFolder(infra);
    expect(results.map((r) => relative(repo, r.file))).toEqual([
      'infra/main.bicep',
      'infra/modules/alerts.bicep',
      'infra/modules/anchors.bicep',
      'infra/modules/apiRegistration.bicep',
      'infra/modules/email.bicep',
      'infra/modules/graphPermissions.bicep',
      'infra/modules/logsIngestion.bicep',
      'infra/modules/rbac.bicep',
    ]);
    expect(formatProblems(results, repo)).toEqual([]);
  });

  it('reports an unterminated array as MISSING with line and column', async () => {
    const parser = await loadBicepParser();
    const problems = syntaxProblems(parser, "param ok string = 'x'\nvar names = [\n  'a'\n");
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'MISSING', line: 3, message: 'missing ]' }));
  });

  it('reports a stray token as ERROR at its position', async () => {
    const parser = await loadBicepParser();
    const problems = syntaxProblems(
      parser,
      "resource s 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: 'a' 'b'\n}\n",
    );
    expect(problems).toEqual([expect.objectContaining({ kind: 'ERROR', line: 2, column: 13 })]);
  });

  describe('on a temporary copy of infra/ with a broken main.bicep', () => {
    let copy: string;
    let brokenLine: number;

    beforeAll(() => {
      copy = mkdtempSync(join(tmpdir(), 'mie-watchdog-infra-'));
      cpSync(infra, copy, { recursive: true });
      const lines = readFileSync(join(copy, 'main.bicep'), 'utf8').split('\n');
      // Drop the closing brace of the watchdogSettings object: the next declaration lands inside it.
      const start = lines.findIndex((l) => l.startsWith('var watchdogSettings = {'));
      const close = lines.findIndex((l, i) => i > start && l === '}');
      lines.splice(close, 1);
      brokenLine = close + 1;
      writeFileSync(join(copy, 'main.bicep'), lines.join('\n'));
    });

    afterAll(() => rmSync(copy, { recursive: true, force: true }));

    it('finds the problem in main.bicep and leaves the modules clean', async () => {
      const results = await checkBicepFolder(copy);
      const main = results.find((r) => r.file.endsWith('main.bicep'));
      expect(main?.problems.length).toBeGreaterThan(0);
      expect(main?.problems[0]!.line).toBeGreaterThanOrEqual(brokenLine - 1);
      expect(results.filter((r) => !r.file.endsWith('main.bicep')).flatMap((r) => r.problems)).toEqual([]);
      expect(formatProblems(results, copy)[0]).toMatch(/^main\.bicep:\d+:\d+: (ERROR|MISSING) /);
    });

    it('makes the command-line check exit non-zero with file:line:col on stderr', () => {
      const run = spawnSync(
        process.execPath,
        [join(repo, 'bin/run-ts.js'), join(repo, 'scripts/checkBicep.ts'), copy],
        {
          cwd: copy,
          encoding: 'utf8',
        },
      );
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^main\.bicep:\d+:\d+: (ERROR|MISSING) /m);
    });
  });

  it('the command-line check passes on the real infra/', () => {
    const run = spawnSync(process.execPath, [join(repo, 'bin/run-ts.js'), join(repo, 'scripts/checkBicep.ts'), infra], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${findBicepFiles(infra).length} Bicep file(s) checked, 0 syntax problem(s).`);
  });
});
