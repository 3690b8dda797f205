/** The built command line (bin/mie-watchdog.js -> dist/cli) as a separate process: help, version and usage errors. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, runCli } from '../support/cli.js';

describe('mie-watchdog (built, spawned)', () => {
  it('--version prints the version of package.json', async () => {
    const run = await runCli(['--version']);
    const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${pkg.version}\n`);
  });

  it('--help of a subcommand lists its flags and exits 0', async () => {
    const run = await runCli(['grant', 'extend', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'Usage: mie-watchdog grant extend <id> --duration <DURATION> --justification <TEXT> --requester <UPN> [options]',
    );
    expect(run.stdout).toContain('such as 4h, 3d, 90m, 1d12h or PT4H');
  });

  it('a mistyped command exits 2 with a suggestion on stderr and nothing on stdout', async () => {
    const run = await runCli(['hodlers', '--at', '2026-01-01']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("Unknown command 'hodlers'. Did you mean 'holders'?");
  });

  it('with --json a usage error is exactly one JSON object on stdout, exit 2', async () => {
    const run = await runCli(['grant', 'list', '--status', 'everything', '--colour', '--json']);
    expect(run.code).toBe(2);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      error: {
        code: 'usage',
        command: 'grant list',
        problems: [{ name: '--colour' }, { name: '--status' }],
      },
    });
    expect(run.stderr).toContain("Unknown option '--colour'.");
  });
});
