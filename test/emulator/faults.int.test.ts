/** Fault injection and the call log, from code and over the /_emulator control routes. */
import { describe, expect, it, onTestFinished } from 'vitest';
import { MIE_ROLE } from '../../lib/domain.js';
import { ExchangeAdminClient } from '../../lib/exchange/exchangeAdminClient.js';
import { EMULATOR_TOKEN } from '../../contract/emulator.js';
import { silentLogger } from '../../testkit/loggers.js';
import { startEmulator, useEmulator } from '../support/emulator.js';
import { control, graph, invoke } from '../support/emulatorHttp.js';
import { USERS } from '../../emulator/scenarios/forgottenMigrations.js';

const emulator = useEmulator({ faultSeed: 7 });
const get = (maxPageSize?: number) =>
  invoke(emulator(), 'Get-ManagementRoleAssignment', { Role: MIE_ROLE }, { maxPageSize });

describe('fault injection', () => {
  it('fails exactly the 2nd and 3rd call to a cmdlet with 503, in the Exchange error shape', async () => {
    emulator().faults.add({
      route: 'exchange:Get-ManagementRoleAssignment',
      fault: { kind: 'error', status: 503 },
      calls: [2, 3],
    });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get()).status);
    expect(statuses).toEqual([200, 503, 503, 200]);
    expect(
      emulator()
        .calls.where({ api: 'exchange', name: 'Get-ManagementRoleAssignment' })
        .map((c) => [c.status, c.fault]),
    ).toEqual([
      [200, undefined],
      [503, 'error'],
      [503, 'error'],
      [200, undefined],
    ]);
    expect(emulator().calls.all()[0]).toMatchObject({ method: 'POST', parameters: { Role: MIE_ROLE } });
    const other = await invoke(emulator(), 'Get-User', { Identity: USERS.alexw.name });
    expect(other.status).toBe(200);
  });

  it('throttles with 429 and a fractional Retry-After; 500 and 504 carry error codes', async () => {
    emulator().faults.add({ route: 'exchange:*', fault: { kind: 'throttle', retryAfterSeconds: 0.25 }, times: 1 });
    emulator().faults.add({ route: 'graph:/users/*', fault: { kind: 'error', status: 504 }, times: 1 });
    const throttled = await get();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('0.25');
    expect(throttled.body.error.code).toBe('TooManyRequests');
    const timeout = await graph(emulator(), `/v1.0/users/${USERS.alexw.id}`);
    expect([timeout.status, timeout.body.error.code]).toEqual([504, 'GatewayTimeout']);
  });

  it('resets the connection and adds latency', async () => {
    emulator().faults.add({ route: 'exchange:Get-User', fault: { kind: 'reset' }, times: 1 });
    await expect(invoke(emulator(), 'Get-User', {})).rejects.toThrow();
    expect(emulator().calls.where({ name: 'Get-User' })[0]).toMatchObject({ status: 0, fault: 'reset' });
    emulator().faults.clear();
    emulator().faults.add({ route: 'exchange:Get-User', fault: { kind: 'latency', ms: 40 } });
    const started = performance.now();
    expect((await invoke(emulator(), 'Get-User', {})).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });

  it('carries out a call whose answer is then lost: 503 or a dropped connection, the write done all the same', async () => {
    const name = 'MIE-Lost-Answer';
    emulator().faults.add({
      route: 'exchange:New-ManagementRoleAssignment',
      fault: { kind: 'lost-answer', status: 503 },
      times: 1,
    });
    const lost = await invoke(emulator(), 'New-ManagementRoleAssignment', {
      Name: name,
      Role: MIE_ROLE,
      User: USERS.alexw.name,
    });
    expect([lost.status, lost.body.error.code]).toEqual([503, 'ServiceUnavailable']);
    expect((await invoke(emulator(), 'Get-ManagementRoleAssignment', { Identity: name })).body.value).toHaveLength(1);
    expect(emulator().calls.where({ name: 'New-ManagementRoleAssignment' })[0]).toMatchObject({
      status: 200,
      fault: 'lost-answer',
    });

    emulator().faults.add({
      route: 'exchange:Remove-ManagementRoleAssignment',
      fault: { kind: 'lost-answer' },
      times: 1,
    });
    await expect(
      invoke(emulator(), 'Remove-ManagementRoleAssignment', { Identity: name, Confirm: false }),
    ).rejects.toThrow();
    // Gone: the unknown identity now answers every other assignment (the documented hazard), never this one.
    const after = (await invoke(emulator(), 'Get-ManagementRoleAssignment', { Identity: name })).body.value.map(
      (r: { Name: string }) => r.Name,
    );
    expect(after.length).toBeGreaterThan(0);
    expect(after).not.toContain(name);
    expect(
      (await control(emulator(), 'POST', '/faults', { route: '*', fault: { kind: 'lost-answer', status: 500 } }))
        .status,
    ).toBe(400);
  });

  it('draws rate-based failures from a seedable generator: the same seed fails the same calls', async () => {
    const run = async () => {
      emulator().faults.clear();
      emulator().faults.seed(42);
      emulator().faults.add({
        route: 'exchange:Get-ManagementRoleAssignment',
        fault: { kind: 'error', status: 500 },
        rate: 0.5,
      });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await get()).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
  });

  it('lets the production client retry a throttled page mid-paging and still read every row', async () => {
    const small = await startEmulator({ pageSize: 3 });
    onTestFinished(() => small.stop());
    const client = new ExchangeAdminClient({
      exchangeUrl: small.url,
      tenant: small.tenant,
      credential: { getToken: async () => ({ token: EMULATOR_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) },
      policy: { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 5_000 },
      logger: silentLogger,
    });
    const expected = await client.getEffectiveRoleAssignments(MIE_ROLE);
    const pages = small.calls.count({ name: 'Get-ManagementRoleAssignment' });
    expect(pages).toBeGreaterThan(3);
    small.calls.clear();
    small.faults.add({
      route: 'exchange:Get-ManagementRoleAssignment',
      fault: { kind: 'throttle', retryAfterSeconds: 0.01 },
      calls: [2],
    });
    small.faults.add({
      route: 'exchange:Get-ManagementRoleAssignment',
      fault: { kind: 'error', status: 503 },
      calls: [4],
    });
    expect(await client.getEffectiveRoleAssignments(MIE_ROLE)).toEqual(expected);
    const statuses = small.calls.where({ name: 'Get-ManagementRoleAssignment' }).map((c) => c.status);
    expect(statuses.slice(0, 5)).toEqual([200, 429, 200, 503, 200]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(pages);
  });
});

describe('control routes', () => {
  it('adds, lists and removes fault rules over HTTP, and rejects bad ones', async () => {
    const bad = await control(emulator(), 'POST', '/faults', {
      route: 'exchange:Get-User',
      fault: { kind: 'error', status: 418 },
    });
    expect(bad.status).toBe(400);
    const added = await control(emulator(), 'POST', '/faults', {
      route: 'exchange:Get-User',
      fault: { kind: 'error', status: 500 },
      times: 1,
    });
    expect(added.status).toBe(201);
    expect((await control(emulator(), 'GET', '/faults')).body.value).toEqual([
      expect.objectContaining({ id: added.body.id, seen: 0, fired: 0 }),
    ]);
    expect((await invoke(emulator(), 'Get-User', {})).status).toBe(500);
    expect((await control(emulator(), 'GET', '/faults')).body.value[0]).toMatchObject({ seen: 1, fired: 1 });
    expect((await control(emulator(), 'DELETE', `/faults/${added.body.id}`)).status).toBe(200);
    expect((await control(emulator(), 'GET', '/faults')).body.value).toEqual([]);
  });

  it('switches the Exchange hazards and wire variants over HTTP; reset restores the defaults', async () => {
    expect((await control(emulator(), 'GET', '/exchange')).body).toEqual({
      identityReturnsAll: true,
      errorDetail: 'pipe',
      notFound: 'NotFound',
    });
    for (const bad of [
      { identityReturnsAll: 'yes' },
      { errorDetail: 'xml' },
      { notFound: 404 },
      { hazard: true },
      [],
    ]) {
      expect((await control(emulator(), 'PUT', '/exchange', bad)).status, JSON.stringify(bad)).toBe(400);
    }
    const set = await control(emulator(), 'PUT', '/exchange', {
      identityReturnsAll: false,
      notFound: 'InternalServerError',
    });
    expect(set.body).toEqual({ identityReturnsAll: false, errorDetail: 'pipe', notFound: 'InternalServerError' });
    expect((await invoke(emulator(), 'Get-User', { Identity: 'nobody' })).status).toBe(500);
    await control(emulator(), 'POST', '/reset');
    expect(emulator().exchange).toEqual({ identityReturnsAll: true, errorDetail: 'pipe', notFound: 'NotFound' });
    // A warning is an Exchange answer, and it needs a text.
    for (const rule of [
      { route: 'graph:/users', fault: { kind: 'warning', message: 'x' } },
      { route: 'exchange:Get-User', fault: { kind: 'warning', message: ' ' } },
    ])
      expect((await control(emulator(), 'POST', '/faults', rule)).status, JSON.stringify(rule)).toBe(400);
  });

  it('serves the call log, emails, health and reset', async () => {
    await invoke(emulator(), 'Get-User', { Identity: USERS.alexw.name });
    await graph(emulator(), `/v1.0/users/${USERS.alexw.id}`);
    const calls = (await control(emulator(), 'GET', '/calls?api=exchange')).body.value;
    expect(calls).toEqual([
      expect.objectContaining({
        api: 'exchange',
        name: 'Get-User',
        status: 200,
        parameters: { Identity: USERS.alexw.name },
      }),
    ]);
    expect((await control(emulator(), 'GET', '/calls?name=/users/' + USERS.alexw.id)).body.value).toHaveLength(1);
    expect((await control(emulator(), 'GET', '/emails')).body.value).toEqual([]);
    expect((await control(emulator(), 'GET', '/health')).body).toMatchObject({ ok: true, tenant: emulator().tenant });
    await invoke(emulator(), 'Remove-ManagementRoleAssignment', { Identity: `${MIE_ROLE}-AlexW`, Confirm: false });
    expect((await control(emulator(), 'POST', '/reset')).status).toBe(200);
    expect((await invoke(emulator(), 'Get-ManagementRoleAssignment', { Identity: `${MIE_ROLE}-AlexW` })).status).toBe(
      200,
    );
    expect((await control(emulator(), 'DELETE', '/calls')).status).toBe(200);
    expect(emulator().calls.count()).toBe(0);
    expect((await control(emulator(), 'GET', '/nope')).status).toBe(404);
  });
});
