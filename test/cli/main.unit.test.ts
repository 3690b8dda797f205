import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { closest } from '../../cli/suggest.js';
import { captureIo } from '../../testkit/captureIo.js';
import { flags } from '../support/cliFlags.js';

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

  it.each([
    {
      name: 'reports every unknown, missing and bad flag of one call at once, by the names typed, exit 2',
      argv: ['grant', 'request', '--principl', 'adelev@contoso.onmicrosoft.com', '--duration', 'eight hours'],
      more: flags({ ticket: 'not a ticket', requester: 'megan' }),
      says: [
        "Unknown option '--principl'. Did you mean '--principal'?",
        '--principal is required.',
        '--justification is required.',
        "--duration 'eight hours' is not a duration; use 4h, 3d, 90m, 1d12h",
        '--ticket: must be a ticket reference',
        '--requester must be a user principal name',
        "Run 'mie-watchdog grant request --help' for the options.",
      ],
      saysNot: [],
    },
    {
      name: 'reports a flag typed without its value with the other problems of the call, by the name typed',
      argv: ['grant', 'request', '--duration', '4x', '--principal'],
      more: [],
      says: [
        '--principal needs a value: --principal <UPN>.',
        '--justification is required.',
        "--duration '4x' is not a duration",
      ],
      saysNot: ['--principal is required.'],
    },
    {
      name: 'names API fields by their flags (assignmentGuid is --assignment)',
      argv: ['grant', 'adopt', '--assignment', 'nope', '--duration', '2d', '--justification', 'x', '--ticket', 'T-1'],
      more: flags({ approver: 'lidiah@contoso.onmicrosoft.com' }),
      says: ['--assignment: must be the Guid of the role assignment.'],
      saysNot: ['assignmentGuid'],
    },
  ])('$name', async ({ argv, more, says, saysNot }) => {
    const run = await call([...argv, ...more]);
    expect(run.code).toBe(2);
    for (const text of says) expect(run.stderr).toContain(text);
    for (const text of saysNot) expect(run.stderr).not.toContain(text);
  });

  it.each([
    {
      name: 'does not take a flag for the value of the flag before it',
      argv: ['grant', 'approve', '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f', '--approver', '--json'],
      problems: [{ name: '--approver', message: '--approver needs a value: --approver <UPN>.' }],
    },
    {
      name: 'with --json a usage error is exactly one JSON object on stdout',
      argv: ['grant', 'approve', '--json'],
      problems: [
        { name: '<id>', message: 'grant approve needs exactly one grant id.' },
        { name: '--approver', message: '--approver is required.' },
      ],
    },
  ])('$name, every problem in it and its message the problems line by line', async ({ argv, problems }) => {
    const run = await call(argv);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      error: { code: 'usage', message: problems.map((p) => p.message).join('\n'), command: 'grant approve', problems },
    });
  });

  it('with --json a mistyped command is one JSON usage error with the suggestion', async () => {
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
