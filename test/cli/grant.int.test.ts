import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGrant } from '../../cli/grant.js';
import { UsageError } from '../../cli/command.js';
import { main } from '../../cli/main.js';
import { MIE_ROLE, type Grant } from '../../lib/domain.js';
import { grantAssignmentName } from '../../lib/grants/grantAssignment.js';
import { captureIo } from '../../testkit/captureIo.js';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';
import { flags, grantRequestArgs } from '../support/cliFlags.js';

const D = 'contoso.onmicrosoft.com';
let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ start: '2026-11-02T09:00:00Z' });
});
afterAll(() => rt.stop());

const grant = async (args: string[]) => {
  const io = captureIo();
  const code = await runGrant(args, io, () => rt);
  return { code, io };
};
const request = (principal: string, extra: string[] = []) => [
  ...grantRequestArgs({
    principal: `${principal}@${D}`,
    justification: 'PST export for "legal" & co',
    ticket: 'CHG-2001',
  }),
  ...extra,
];

describe('mie-watchdog grant', () => {
  it('request --json prints exactly one JSON document with the pending grant', async () => {
    const { code, io } = await grant([...request('adelev'), '--json']);
    expect(code, io.stderr).toBe(0);
    const out = JSON.parse(io.stdout) as { grant: Grant };
    expect(out.grant).toMatchObject({
      status: 'pending',
      principal: `adelev@${D}`,
      requestedBy: `meganb@${D}`,
      ticket: 'CHG-2001',
    });
    expect(out.grant).not.toHaveProperty('etag');
  });

  it('approve refuses the requester, then works for another approver and creates the assignment', async () => {
    const { io } = await grant([...request('isaiahl'), '--json']);
    const id = (JSON.parse(io.stdout) as { grant: Grant }).grant.id;
    const self = await grant(['approve', id, '--approver', `MeganB@${D}`]);
    expect(self.code).toBe(1);
    expect(self.io.stderr).toMatch(/refused: meganb@contoso.onmicrosoft.com requested grant .* cannot decide on it/);

    const ok = await grant(['approve', id, '--approver', `lidiah@${D}`]);
    expect(ok.code, ok.io.stderr).toBe(0);
    expect(ok.io.stdout).toMatch(/active/);
    expect(ok.io.stdout).toMatch(/60 minutes/);
    expect((await rt.exchange.getRoleAssignments(MIE_ROLE)).some((a) => a.name === grantAssignmentName(id))).toBe(true);

    const list = await grant(['list', '--status', 'active', '--json']);
    expect((JSON.parse(list.io.stdout) as { grants: Grant[] }).grants.map((g) => g.id)).toContain(id);
    const get = await grant(['get', id]);
    expect(get.io.stdout).toContain(`${id}  active`);

    const extend = await grant([
      'extend',
      id,
      '--duration',
      'PT2H',
      '--justification',
      'one more batch',
      '--requester',
      `meganb@${D}`,
    ]);
    expect(extend.code, extend.io.stderr).toBe(0);
    const denyExt = await grant(['deny', id, '--approver', `pattif@${D}`, '--reason', 'finish today']);
    expect(denyExt.code, denyExt.io.stderr).toBe(0);
    const release = await grant(['release', id, '--actor', `isaiahl@${D}`, '--json']);
    expect((JSON.parse(release.io.stdout) as { grant: Grant }).grant.status).toBe('released');
  });

  it('deny and cancel', async () => {
    const a = JSON.parse((await grant([...request('diegos'), '--json'])).io.stdout) as { grant: Grant };
    const denied = await grant([
      'deny',
      a.grant.id,
      '--approver',
      `lidiah@${D}`,
      '--reason',
      'no ticket approval',
      '--json',
    ]);
    expect((JSON.parse(denied.io.stdout) as { grant: Grant }).grant).toMatchObject({
      status: 'denied',
      denyReason: 'no ticket approval',
    });
    const b = JSON.parse((await grant([...request('diegos'), '--json'])).io.stdout) as { grant: Grant };
    const cancelled = await grant(['cancel', b.grant.id, '--actor', `meganb@${D}`]);
    expect(cancelled.code).toBe(0);
    expect(cancelled.io.stdout).toMatch(/cancelled/);
  });

  it('adopt an existing direct assignment and activate due grants', async () => {
    const alex = (await rt.exchange.getRoleAssignments(MIE_ROLE)).find((x) => x.name === 'Mailbox Import Export-AlexW');
    const adopted = await grant([
      'adopt',
      ...flags({
        assignment: alex!.guid,
        duration: 'P2D',
        justification: 'wave 2',
        ticket: 'CHG-3',
        approver: `lidiah@${D}`,
      }),
      '--json',
    ]);
    expect(adopted.code, adopted.io.stderr).toBe(0);
    expect((JSON.parse(adopted.io.stdout) as { grant: Grant }).grant).toMatchObject({
      adopted: true,
      principal: `alexw@${D}`,
      status: 'active',
    });

    const later = JSON.parse(
      (await grant([...request('lynner', ['--start', '2026-11-02T12:00:00Z']), '--json'])).io.stdout,
    ) as { grant: Grant };
    await grant(['approve', later.grant.id, '--approver', `lidiah@${D}`]);
    rt.clock.set('2026-11-02T12:00:00Z');
    const run = await grant(['activate', '--json']);
    expect((JSON.parse(run.io.stdout) as { activated: Grant[] }).activated.map((g) => g.id)).toEqual([later.grant.id]);
  });

  it.each([
    [grantRequestArgs({ justification: 'x', ticket: 'T-1', requester: undefined }), /--requester is required/],
    [grantRequestArgs({ duration: 'eight hours', justification: 'x', ticket: 'T-1' }), /duration/],
    [
      grantRequestArgs({ justification: 'x', ticket: 'T-1', requester: 'megan' }),
      /--requester must be a user principal name/,
    ],
    [['approve', 'not-a-guid', '--approver', `lidiah@${D}`], /not a grant id/],
    [['approve', '--approver', `lidiah@${D}`], /exactly one grant id/],
    [['list', '--colour'], /Unknown option '--colour'/],
    [['list', '--status', 'everything'], /status/],
    [['frobnicate'], /Unknown grant subcommand/],
  ])('usage error: %j', async (args, message) => {
    await expect(runGrant(args, captureIo(), () => rt)).rejects.toThrow(UsageError);
    await expect(runGrant(args, captureIo(), () => rt)).rejects.toThrow(message);
  });

  it('a refused operation with --json prints one JSON error document', async () => {
    const { code, io } = await grant([
      'approve',
      '6d1f6b4e-2b7a-4c3e-9a51-0f2d3c4b5a69',
      '--approver',
      `lidiah@${D}`,
      '--json',
    ]);
    expect(code).toBe(1);
    expect(JSON.parse(io.stdout)).toMatchObject({ error: { status: 404 } });
  });

  it('runs through the real entry point with settings from the environment', async () => {
    const io = captureIo(rt.env);
    const code = await main(['grant', ...request('nestorw'), '--json'], io);
    expect(code, io.stderr).toBe(0);
    expect((JSON.parse(io.stdout) as { grant: Grant }).grant.status).toBe('pending');
    const usage = captureIo(rt.env);
    expect(await main(['grant', 'approve', 'x'], usage)).toBe(2);
    expect(usage.stderr).toMatch(/not a grant id/);
  });
});
