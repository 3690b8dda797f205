import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { closest } from '../../cli/suggest.js';
import { captureIo } from '../../testkit/captureIo.js';

async function call(argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const COMMANDS = ['audit', 'revoke', 'grant', 'export', 'verify', 'holders', 'doctor', 'emulator', 'demo'];
const GRANT = ['request', 'approve', 'deny', 'cancel', 'extend', 'release', 'adopt', 'get', 'list', 'activate'];

describe('cli dispatch', () => {
  it('prints usage and exits 2 without a command', async () => {
    const run = await call([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('Usage: mie-watchdog <command> [options]');
    for (const name of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('rejects an unknown command, suggesting the one meant', async () => {
    const run = await call(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown command 'frobnicate'.");
    const typo = await call(['grnat', 'list']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("Unknown command 'grnat'. Did you mean 'grant'?");
    const sub = await call(['grant', 'aprove']);
    expect(sub.stderr).toContain("Unknown grant subcommand 'aprove'. Did you mean 'approve'?");
  });

  it.each([...COMMANDS.map((c) => [c]), ...GRANT.map((s) => ['grant', s])])(
    '%s %s --help prints its options and exits 0',
    async (...path) => {
      const run = await call([...path, '--help']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`Usage: mie-watchdog ${path.join(' ')} `);
      expect(run.stdout).toContain('-h, --help');
      const viaHelp = await call([...path.slice(0, -1), 'help', ...path.slice(-1)]);
      expect(viaHelp.stdout).toBe(run.stdout);
    },
  );

  it('--version prints the version of package.json', async () => {
    const run = await call(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('reports every unknown, missing and bad flag of one call at once, by the names typed, exit 2', async () => {
    const run = await call([
      'grant',
      'request',
      '--principl',
      'adelev@contoso.onmicrosoft.com',
      '--duration',
      'eight hours',
      '--ticket',
      'not a ticket',
      '--requester',
      'megan',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown option '--principl'. Did you mean '--principal'?");
    expect(run.stderr).toContain('--principal is required.');
    expect(run.stderr).toContain('--justification is required.');
    expect(run.stderr).toContain("--duration 'eight hours' is not a duration; use 4h, 3d, 90m, 1d12h");
    expect(run.stderr).toContain('--ticket: must be a ticket reference');
    expect(run.stderr).toContain('--requester must be a user principal name');
    expect(run.stderr).toContain("Run 'mie-watchdog grant request --help' for the options.");
  });

  it('reports a flag typed without its value with the other problems of the call, by the name typed', async () => {
    const trailing = await call(['grant', 'request', '--duration', '4x', '--principal']);
    expect(trailing.code).toBe(2);
    expect(trailing.stderr).toContain('--principal needs a value: --principal <UPN>.');
    expect(trailing.stderr).not.toContain('--principal is required.');
    expect(trailing.stderr).toContain('--justification is required.');
    expect(trailing.stderr).toContain("--duration '4x' is not a duration");
    // A flag is not the value of the flag before it.
    const followed = await call(['grant', 'approve', '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f', '--approver', '--json']);
    expect(followed.code).toBe(2);
    expect(JSON.parse(followed.stdout)).toEqual({
      error: {
        code: 'usage',
        message: '--approver needs a value: --approver <UPN>.',
        command: 'grant approve',
        problems: [{ name: '--approver', message: '--approver needs a value: --approver <UPN>.' }],
      },
    });
  });

  it('names API fields by their flags (assignmentGuid is --assignment)', async () => {
    const run = await call([
      'grant',
      'adopt',
      '--assignment',
      'nope',
      '--duration',
      '2d',
      '--justification',
      'x',
      '--ticket',
      'T-1',
      '--approver',
      'lidiah@contoso.onmicrosoft.com',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--assignment: must be the Guid of the role assignment.');
    expect(run.stderr).not.toContain('assignmentGuid');
  });

  it('with --json a usage error is exactly one JSON object on stdout', async () => {
    const run = await call(['grant', 'approve', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      error: {
        code: 'usage',
        message: 'grant approve needs exactly one grant id.\n--approver is required.',
        command: 'grant approve',
        problems: [
          { name: '<id>', message: 'grant approve needs exactly one grant id.' },
          { name: '--approver', message: '--approver is required.' },
        ],
      },
    });
    const typo = await call(['verfy', '--json']);
    expect(JSON.parse(typo.stdout)).toMatchObject({
      error: { code: 'usage', problems: [{ name: 'verfy', suggestion: 'verify' }] },
    });
  });

  it('with --json bad settings are one JSON object naming each setting, exit 2', async () => {
    const run = await call(['audit', '--json']);
    expect(run.code).toBe(2);
    const { error } = JSON.parse(run.stdout) as { error: { code: string; problems: { name: string }[] } };
    expect(error.code).toBe('settings');
    expect(error.problems.map((p) => p.name)).toContain('WATCHDOG_TENANT');
  });

  it('suggests only names close enough to be a typo', () => {
    expect(closest('--principl', ['--principal', '--duration'])).toBe('--principal');
    expect(closest('graant', ['grant', 'audit'])).toBe('grant');
    expect(closest('--colour', ['--status', '--principal', '--json'])).toBeUndefined();
    expect(closest('hol', ['holders', 'help'])).toBe('holders');
  });
});
