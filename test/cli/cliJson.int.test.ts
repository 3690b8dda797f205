/**
 * Every `--json` output of the command line, produced by real runs on the tenant emulator and Azurite, checked
 * against the schema docs/cli.md documents for it; plus the progress and summary modes of a run.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { run as runEmulator } from '../../cli/emulator.js';
import type { Env } from '../../lib/config.js';
import { offsetClock } from '../../lib/clock.js';
import { USERS } from '../../emulator/scenarios/forgottenMigrations.js';
import { projectRoot } from '../support/cli.js';
import { grantRequestArgs } from '../support/cliFlags.js';
import { emulatorEnv, useEmulator } from '../support/emulator.js';
import { documentedSchemas, violations, type Schema } from '../support/jsonSchema.js';
import { captureIo, type CapturedIo } from '../../testkit/captureIo.js';

const START = '2026-03-02T09:00:00.000Z';
const schemas = documentedSchemas(join(projectRoot, 'docs', 'cli.md'));
const defs = schemas.get('defs')?.$defs ?? {};

function capture(env: Env, tty = false): CapturedIo {
  const io = captureIo(env);
  io.errIsTty = tty;
  return io;
}

/** One call; stdout must be exactly one JSON document that conforms to the named schema. */
async function documented(name: string, argv: string[], env: Env, code = 0): Promise<unknown> {
  const io = capture(env);
  expect(await main(argv, io), io.stderr).toBe(code);
  const document: unknown = JSON.parse(io.stdout);
  const schema: Schema | undefined = schemas.get(name);
  expect(schema, `docs/cli.md documents ${name}`).toBeDefined();
  expect(violations(schema ?? {}, document, defs)).toEqual([]);
  return document;
}

describe('documented --json outputs', () => {
  const emulator = useEmulator({ resetEach: false, clock: offsetClock(new Date(START)) });
  let env: Env;

  it('audit, its summary and its progress', async () => {
    env = emulatorEnv(emulator(), { WATCHDOG_LOCAL_CLOCK: START });
    // The seed tenant has open findings: the audit exits 1 with its document.
    const full = (await documented('audit', ['audit', '--json'], env, 1)) as { holders: unknown[] };
    const summary = (await documented('audit-summary', ['audit', '--summary', '--json'], env, 1)) as {
      holders: { total: number; byVia: Record<string, number> };
    };
    expect(summary.holders.total).toBe(full.holders.length);
    expect(Object.values(summary.holders.byVia).reduce((a, b) => a + b, 0)).toBe(full.holders.length);

    const asked = capture(env);
    expect(await main(['audit', '--summary', '--progress'], asked)).toBe(1);
    expect(asked.stderr).toMatch(
      /^audit: reading the holders from Exchange Online, Microsoft Graph and Security & Compliance \(\d+\.\d s\)$/m,
    );
    expect(asked.stderr).toMatch(/^audit: read 17 holders/m);
    expect(asked.stdout).not.toContain('audit:');
    expect(asked.stdout).toContain('  by path: ');
    const tty = capture(env, true);
    expect(await main(['audit', '--json'], tty)).toBe(1);
    expect(tty.stderr).toContain('audit: comparing with the grants');
    expect(() => JSON.parse(tty.stdout) as unknown).not.toThrow();
    const quiet = capture(env);
    expect(await main(['audit', '--json'], quiet)).toBe(1);
    expect(quiet.stderr).not.toContain('audit:');
  });

  it('grant request (short duration), approve, list, activate, get, and a refusal', async () => {
    const requested = (await documented(
      'grant',
      ['grant', ...grantRequestArgs({ duration: '8h' }), '--json'],
      env,
    )) as {
      grant: { id: string; durationMs: number };
    };
    expect(requested.grant.durationMs).toBe(8 * 3_600_000);
    const id = requested.grant.id;
    await documented('error', ['grant', 'approve', id, '--approver', USERS.meganb.userPrincipalName, '--json'], env, 1);
    await documented('grant', ['grant', 'approve', id, '--approver', USERS.lidiah.userPrincipalName, '--json'], env);
    await documented('grant', ['grant', 'get', id, '--json'], env);
    await documented('grant-list', ['grant', 'list', '--json'], env);
    await documented('grant-activate', ['grant', 'activate', '--json'], env);
  });

  it('revoke, verify, holders and doctor', async () => {
    await documented('revoke', ['revoke', '--dry-run', '--json'], env);
    await documented('revoke', ['revoke', '--json'], env);
    await documented('verify', ['verify', '--json'], env);
    const at = new Date(Date.parse(START) + 60_000).toISOString();
    const holders = (await documented('holders', ['holders', '--at', at, '--json'], env)) as { holders: unknown[] };
    const counted = (await documented('holders-summary', ['holders', '--at', at, '--summary', '--json'], env)) as {
      holders: { total: number };
    };
    expect(counted.holders.total).toBe(holders.holders.length);
    const io = capture(env);
    const code = await main(['doctor', '--json'], io);
    expect([0, 1]).toContain(code);
    expect(violations(schemas.get('doctor') ?? {}, JSON.parse(io.stdout), defs)).toEqual([]);
  });

  it('usage and settings errors', async () => {
    await documented('error', ['grant', 'request', '--duration', 'soon', '--json'], env, 2);
    await documented('error', ['grnat', '--json'], env, 2);
    await documented('error', ['audit', '--json'], { ...env, WATCHDOG_UNAPPROVED_ACTION: 'delete' }, 2);
  });

  it('emulator', async () => {
    const lines: string[] = [];
    let stop: () => void = () => undefined;
    const until = new Promise<void>((resolve) => (stop = resolve));
    const io = { out: (t: string) => void lines.push(t), err: () => undefined, env: {} };
    const done = runEmulator(['--scenario', 'empty', '--json'], io, { until });
    await expect.poll(() => lines.length).toBe(1);
    expect(violations(schemas.get('emulator') ?? {}, JSON.parse(lines[0] ?? ''), defs)).toEqual([]);
    stop();
    expect(await done).toBe(0);
  });
});
