/** The Exchange admin API $batch route over real HTTP: the limit, per-request statuses, faults, paging, continue-on-error. */
import { describe, expect, it } from 'vitest';
import { EMULATOR_TOKEN } from '../../../contract/emulator.js';
import { MIE_ROLE } from '../../../lib/domain.js';
import { ASSIGNMENTS, USERS } from '../../../emulator/scenarios/forgottenMigrations.js';
import { useEmulator } from '../../support/emulator.js';
import { ANCHOR, type Json } from '../../support/emulatorHttp.js';

const emulator = useEmulator({ pageSize: 2 });

interface Sub {
  cmdlet: string;
  parameters?: Record<string, unknown>;
  url?: string;
}

async function batch(
  subs: Sub[],
  options: { continueOnError?: boolean; token?: string } = {},
): Promise<{ status: number; body: Json }> {
  const emu = emulator();
  const invokeUrl = `${emu.url}/adminapi/beta/${emu.tenant}/InvokeCommand`;
  const res = await fetch(`${emu.url}/adminapi/beta/${emu.tenant}/$batch`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${options.token ?? EMULATOR_TOKEN}`,
      'Content-Type': 'application/json',
      'X-AnchorMailbox': ANCHOR(emu.tenant),
      Prefer: `odata.maxpagesize=1000${options.continueOnError === false ? '' : ';odata.continue-on-error'}`,
    },
    body: JSON.stringify({
      requests: subs.map((s, i) => ({
        id: String(i + 1),
        method: 'POST',
        url: s.url ?? invokeUrl,
        body: { CmdletInput: { CmdletName: s.cmdlet, Parameters: s.parameters ?? {} } },
      })),
    }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const byId = (body: Json, id: string): Json => (body.responses as Json[]).find((r) => r.id === id);

describe('Exchange admin API: $batch', () => {
  it('answers each request with its own status and body; one failure leaves the others intact', async () => {
    const res = await batch([
      { cmdlet: 'Get-ManagementRoleAssignment', parameters: { Identity: ASSIGNMENTS.alexw.guid } },
      { cmdlet: 'Remove-ManagementRoleAssignment', parameters: { Identity: 'no-such-assignment', Confirm: false } },
      { cmdlet: 'Get-User', parameters: { Identity: USERS.alexw.userPrincipalName } },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.responses).toHaveLength(3);
    expect(byId(res.body, '1').status).toBe(200);
    expect(byId(res.body, '1').body.value[0].Guid).toBe(ASSIGNMENTS.alexw.guid);
    expect(byId(res.body, '2').status).toBe(404);
    expect(byId(res.body, '2').body.error.details[0].message).toContain('ManagementObjectNotFoundException');
    expect(byId(res.body, '3').status).toBe(200);
    expect(byId(res.body, '3').body.value[0].UserPrincipalName).toBe(USERS.alexw.userPrincipalName);
    // The envelope is one call; its requests are logged as carried inside it.
    const calls = emulator().calls.all();
    expect(calls.filter((c) => !c.batch).map((c) => c.name)).toEqual(['$batch']);
    expect(calls.filter((c) => c.batch).map((c) => c.status)).toEqual([200, 404, 200]);
  });

  it('refuses more than 10 requests, an empty batch and duplicate ids with 400 for the whole batch', async () => {
    const eleven = Array.from({ length: 11 }, () => ({ cmdlet: 'Get-ManagementRole', parameters: {} }));
    const tooMany = await batch(eleven);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain('the limit is 10');
    expect((await batch([])).status).toBe(400);
    expect(emulator().calls.count({ name: 'Get-ManagementRole' })).toBe(0);
    const ten = await batch(eleven.slice(1));
    expect(ten.body.responses.map((r: Json) => r.status)).toEqual(Array(10).fill(200));
  });

  it('throttles a single request inside a 200 envelope, with its own Retry-After', async () => {
    emulator().faults.add({
      route: 'exchange:Get-RoleGroup',
      fault: { kind: 'throttle', retryAfterSeconds: 1.5 },
      times: 1,
    });
    const res = await batch([{ cmdlet: 'Get-RoleGroup', parameters: {} }, { cmdlet: 'Get-ManagementRole' }]);
    expect(res.status).toBe(200);
    expect(byId(res.body, '1').status).toBe(429);
    expect(byId(res.body, '1').headers['Retry-After']).toBe('1.5');
    expect(byId(res.body, '2').status).toBe(200);
  });

  it('carries out a request whose answer is lost, answering it 503; an injected reset is a 503 too', async () => {
    emulator().faults.add({ route: 'exchange:Remove-ManagementRoleAssignment', fault: { kind: 'lost-answer' } });
    emulator().faults.add({ route: 'exchange:Get-User', fault: { kind: 'reset' } });
    const res = await batch([
      { cmdlet: 'Remove-ManagementRoleAssignment', parameters: { Identity: ASSIGNMENTS.alexw.guid, Confirm: false } },
      { cmdlet: 'Get-User', parameters: { Identity: USERS.alexw.userPrincipalName } },
    ]);
    expect(res.body.responses.map((r: Json) => r.status)).toEqual([503, 503]);
    expect(emulator().state.assignments.has(ASSIGNMENTS.alexw.guid.toLowerCase())).toBe(false);
  });

  it('stops after the first failed request without odata.continue-on-error; the rest get no response', async () => {
    const res = await batch(
      [
        { cmdlet: 'Get-ManagementRole' },
        { cmdlet: 'Get-User', parameters: { Identity: USERS.alexw.userPrincipalName } },
        { cmdlet: 'Remove-ManagementRoleAssignment', parameters: { Identity: 'no-such-assignment', Confirm: false } },
        { cmdlet: 'Get-ManagementRole' },
      ],
      { continueOnError: false },
    );
    expect(res.body.responses.map((r: Json) => r.status)).toEqual([200, 200, 404]);
  });

  it('pages a request through @odata.nextLink, the next page POSTed again inside a later batch', async () => {
    const first = await batch([{ cmdlet: 'Get-ManagementRoleAssignment', parameters: { Role: MIE_ROLE } }]);
    const page1 = byId(first.body, '1').body;
    expect(page1.value).toHaveLength(2);
    const next = page1['@odata.nextLink'] as string;
    expect(next).toContain('/InvokeCommand?%24skiptoken=');
    const second = await batch([
      { cmdlet: 'Get-ManagementRoleAssignment', parameters: { Role: MIE_ROLE }, url: next },
      { cmdlet: 'Get-ManagementRole' },
    ]);
    const page2 = byId(second.body, '1').body;
    expect(page2.value).toHaveLength(2);
    expect(page2.value[0].Guid).not.toBe(page1.value[0].Guid);
  });

  it('answers a request that is not InvokeCommand of the same tenant 400, and the envelope without a token 401', async () => {
    const emu = emulator();
    const res = await batch([
      { cmdlet: 'Get-ManagementRole', url: `${emu.url}/adminapi/beta/${emu.tenant}/Mailbox` },
      { cmdlet: 'Get-ManagementRole', url: `${emu.url}/adminapi/beta/fabrikam.onmicrosoft.com/InvokeCommand` },
    ]);
    expect(res.body.responses.map((r: Json) => r.status)).toEqual([400, 400]);
    expect((await batch([{ cmdlet: 'Get-ManagementRole' }], { token: 'wrong' })).status).toBe(401);
  });

  it('lets a fault rule pick the requests inside a batch or the calls of their own (the envelope)', async () => {
    const emu = emulator();
    emu.faults.add({ route: 'exchange:*', inBatch: true, fault: { kind: 'throttle', retryAfterSeconds: 0 } });
    const res = await batch([{ cmdlet: 'Get-ManagementRole' }, { cmdlet: 'Get-RoleGroup' }]);
    expect(res.status).toBe(200);
    expect(res.body.responses.map((r: Json) => r.status)).toEqual([429, 429]);
    emu.faults.clear();
    emu.faults.add({ route: 'exchange:*', inBatch: false, fault: { kind: 'throttle', retryAfterSeconds: 0 } });
    expect((await batch([{ cmdlet: 'Get-ManagementRole' }])).status).toBe(429);
  });
});
