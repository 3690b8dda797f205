/**
 * The zip `azd deploy` ships: built by the prepackage hook of azure.yaml, filtered by .funcignore. It must hold
 * host.json, package.json and the file "main" names, run without node_modules, and carry no test or emulator code.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageFiles, parseIgnore } from '../../scripts/deploymentPackage.js';

const repo = resolve(import.meta.dirname, '../..');
const LEFT_OUT = ['.git', 'node_modules', 'dist', 'coverage', '.azure'];

/** The prepackage hook's POSIX command from azure.yaml (service watchdog). */
function prepackageCommand(): string {
  const yaml = readFileSync(join(repo, 'azure.yaml'), 'utf8');
  const m = /\n\s+prepackage:\s*\n\s+posix:\s*\n(?:\s+shell:\s*sh\s*\n)?\s+run:\s*(.+)\n/.exec(yaml);
  if (!m?.[1]) throw new Error('azure.yaml has no prepackage hook with a posix run command');
  return m[1].trim();
}

describe('the deployment package', () => {
  let work: string;
  let files: string[];
  let main: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'mie-package-'));
    cpSync(repo, work, { recursive: true, filter: (src) => !LEFT_OUT.some((name) => src === join(repo, name)) });
    symlinkSync(join(repo, 'node_modules'), join(work, 'node_modules'), 'dir');
    const built = spawnSync('sh', ['-c', prepackageCommand()], { cwd: work, encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    files = packageFiles(work);
    main = (JSON.parse(readFileSync(join(work, 'package.json'), 'utf8')) as { main: string }).main;
  }, 60_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('holds host.json, package.json and the file package.json "main" names', () => {
    expect(files).toEqual(expect.arrayContaining(['host.json', 'package.json', main]));
  });

  it('holds no sources, tests, emulator, tooling or node_modules', () => {
    const stray = files.filter(
      (f) =>
        /^(lib|cli|functions|emulator|test|testkit|bench|scripts|bin|infra|node_modules)\//.test(f) ||
        f.endsWith('.ts'),
    );
    expect(stray).toEqual([]);
    // The command line is built beside the bundle but is no part of the Function App.
    expect(files.filter((f) => f.startsWith('dist/cli/'))).toEqual([]);
    expect(
      files.filter(
        (f) => !['host.json', 'package.json', 'package-lock.json', 'LICENSE'].includes(f) && !f.startsWith('dist/'),
      ),
    ).toEqual([]);
  });

  it('bundles no test, emulator or script code, nor the OpenAPI generator', () => {
    const map = JSON.parse(readFileSync(join(work, `${main}.map`), 'utf8')) as { sources: string[] };
    expect(map.sources.length).toBeGreaterThan(0);
    // Sources are relative to the map; dependencies resolve through the node_modules symlink into the repo.
    const mapDir = dirname(join(work, main));
    const excluded = ['cli', 'emulator', 'test', 'testkit', 'bench', 'scripts'].flatMap((dir) => [
      join(work, dir),
      join(repo, dir),
    ]);
    const strays = map.sources
      .map((s) => resolve(mapDir, s))
      .filter((s) => excluded.some((dir) => s.startsWith(`${dir}/`)));
    expect(strays).toEqual([]);
    expect(map.sources.filter((s) => s.includes('@valibot/to-json-schema') || s.includes('prettier'))).toEqual([]);
  });

  it('loads from the package alone, without node_modules', () => {
    const only = mkdtempSync(join(tmpdir(), 'mie-package-only-'));
    try {
      for (const f of files) {
        mkdirSync(dirname(join(only, f)), { recursive: true });
        cpSync(join(work, f), join(only, f));
      }
      expect(existsSync(join(only, 'node_modules'))).toBe(false);
      const load = (auth: Record<string, string>) =>
        spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(`./${main}`)})`], {
          cwd: only,
          encoding: 'utf8',
          // Settings are validated at start-up, the API's auth settings included; these are well-formed and
          // never used (nothing is invoked).
          env: {
            PATH: process.env.PATH,
            WATCHDOG_TENANT: 'contoso.onmicrosoft.com',
            WATCHDOG_EMAIL_ENDPOINT: 'https://example.communication.azure.com',
            WATCHDOG_EMAIL_SENDER: 'watchdog@example.com',
            WATCHDOG_ALERT_RECIPIENTS: 'secops@example.com',
            WATCHDOG_STORAGE_ACCOUNT: 'stwatchdog',
            ...auth,
          },
        });
      const run = load({
        WATCHDOG_AUTH_ISSUER: 'https://login.microsoftonline.com/7c1f2e3d-4b5a-4c6d-8e9f-0a1b2c3d4e5f/v2.0',
        WATCHDOG_AUTH_AUDIENCE: '3f2a9c4e-8b1d-4e6f-a7c2-5d9e0b1f4a63',
      });
      expect(run.status, run.stderr).toBe(0);
      const incomplete = load({});
      expect(incomplete.status).not.toBe(0);
      expect(incomplete.stderr).toMatch(
        /WATCHDOG_AUTH_MODE=token needs WATCHDOG_AUTH_ISSUER and WATCHDOG_AUTH_AUDIENCE/,
      );
    } finally {
      rmSync(only, { recursive: true, force: true });
    }
  });
});

describe('.funcignore rules (gitignore syntax)', () => {
  it('matches names at any depth, directories only with a trailing slash, and negations', () => {
    const rules = parseIgnore('*.log\nlib/\n!keep.log\n');
    expect(rules).toHaveLength(3);
    expect(rules[0]?.regex.test('a/b/x.log')).toBe(true);
    expect(rules[1]?.dirOnly).toBe(true);
    expect(rules[2]?.negate).toBe(true);
  });
});
