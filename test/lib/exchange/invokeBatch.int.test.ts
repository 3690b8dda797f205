/**
 * The Exchange client's $batch path against the emulator over real HTTP: independent calls travel together, each
 * keeps its own outcome, only throttled or transiently failed requests are sent again, and pages are read inside
 * batches; the batched and the one-call-each paths give the same answers, faults or not.
 */
import { describe, expect, it } from 'vitest';
import { EMULATOR_TOKEN } from '../../../contract/emulator.js';
import { ExchangeAdminClient } from '../../../lib/exchange/exchangeAdminClient.js';
import { MIE_ROLE } from '../../../lib/domain.js';
import { PermissionError, ThrottledError, TransientError } from '../../../lib/ports/index.js';
import { ASSIGNMENTS, ROLE_GROUPS, USERS } from '../../../emulator/scenarios/forgottenMigrations.js';
import { useEmulator, type RunningEmulator } from '../../support/emulator.js';
import { silentLogger } from '../../../testkit/loggers.js';

const emulator = useEmulator({ pageSize: 3, faultSeed: 7 });

const credential = {
  getToken: async () => ({ token: EMULATOR_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};

function client(emu: RunningEmulator, batch: boolean, maxAttempts = 4): ExchangeAdminClient {
  return new ExchangeAdminClient({
    exchangeUrl: emu.url,
    tenant: emu.tenant,
    credential,
    policy: { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 5_000, maxAttempts },
    logger: silentLogger,
    batch,
  });
}

const envelopes = (emu: RunningEmulator) => emu.calls.where({ api: 'exchange', name: '$batch' }).length;
const inBatches = (emu: RunningEmulator, name?: string) =>
  emu.calls.where({ api: 'exchange', name }).filter((c) => c.batch).length;

const USER_UPNS = Object.values(USERS).map((u) => u.userPrincipalName);

/** Independent reads of every kind the audit and revocation make, some paged (the emulator pages by 3). */
async function reads(exchange: ExchangeAdminClient) {
  const [roles, assignments, effective, members, users, pointers, byName, byUpn, missing] = await Promise.all([
    exchange.getMieRoles(),
    exchange.getRoleAssignments(MIE_ROLE),
    exchange.getEffectiveRoleAssignments(MIE_ROLE),
    exchange.getRoleGroupMembers(ROLE_GROUPS.pstMigrationOperators.name),
    exchange.listUsers(),
    exchange.listServicePrincipals(),
    exchange.findUsersByName(Object.values(USERS).map((u) => u.name)),
    Promise.all(USER_UPNS.map((u) => exchange.getUser(u))),
    exchange.getRoleAssignment('no-such-assignment'),
  ]);
  return { roles, assignments, effective, members, users, pointers, byName, byUpn, missing };
}

describe('Exchange client: $batch', () => {
  it('sends independent calls together, at most 10 a batch, pages included, with the same answers as one call each', async () => {
    const emu = emulator();
    const alone = await reads(client(emu, false));
    expect(envelopes(emu)).toBe(0);
    const callsAlone = emu.calls.count({ api: 'exchange' });
    emu.calls.clear();

    const together = await reads(client(emu, true));
    expect(together).toEqual(alone);
    const subRequests = inBatches(emu);
    // Every call went inside a batch except lone stragglers, and no batch carried more than 10.
    expect(
      subRequests + emu.calls.where({ api: 'exchange' }).filter((c) => !c.batch && c.name !== '$batch').length,
    ).toBe(callsAlone);
    expect(envelopes(emu)).toBeLessThan(callsAlone / 3);
    expect(envelopes(emu)).toBeGreaterThanOrEqual(Math.ceil(subRequests / 10));
    // Later pages were read inside batches as well.
    expect(inBatches(emu, 'Get-User')).toBeGreaterThan(USER_UPNS.length + 1);
  });

  it('sends again only the throttled request, after its own Retry-After; the others are answered once', async () => {
    const emu = emulator();
    const target = USERS.alexw.userPrincipalName;
    emu.faults.add({
      route: 'exchange:Get-User',
      parameters: { Identity: target },
      fault: { kind: 'throttle', retryAfterSeconds: 0.01 },
      times: 2,
    });
    const exchange = client(emu, true);
    const users = await Promise.all(USER_UPNS.slice(0, 5).map((u) => exchange.getUser(u)));
    expect(users.map((u) => u?.userPrincipalName)).toEqual(USER_UPNS.slice(0, 5));
    const calls = emu.calls.where({ api: 'exchange', name: 'Get-User' });
    const of = (upn: string) => calls.filter((c) => c.parameters.Identity === upn).length;
    expect(of(target)).toBe(3);
    for (const other of USER_UPNS.slice(0, 5).filter((u) => u !== target)) expect(of(other)).toBe(1);
  });

  it('never lets one failed request hide the others: each call gets its own answer or its own error', async () => {
    const emu = emulator();
    emu.faults.add({ route: 'exchange:Get-RoleGroup', fault: { kind: 'error', status: 503 } });
    emu.faults.add({ route: 'exchange:Get-ManagementRole', fault: { kind: 'throttle', retryAfterSeconds: 600 } });
    const exchange = client(emu, true, 3);
    const [members, roles, removed, user, assignment] = await Promise.allSettled([
      exchange.getRoleGroupMembers(ROLE_GROUPS.pstMigrationOperators.name),
      exchange.getMieRoles(),
      exchange.removeRoleAssignment('no-such-assignment'),
      exchange.getUser(USERS.alexw.userPrincipalName),
      exchange.getRoleAssignment(ASSIGNMENTS.alexw.guid),
    ]);
    expect(members.status === 'rejected' && members.reason).toBeInstanceOf(TransientError);
    expect(emu.calls.where({ name: 'Get-RoleGroup' })).toHaveLength(3);
    // A Retry-After beyond the policy's longest wait is not waited out: that call fails as throttled, at once.
    expect(roles.status === 'rejected' && roles.reason).toBeInstanceOf(ThrottledError);
    expect(emu.calls.where({ name: 'Get-ManagementRole' })).toHaveLength(1);
    expect(removed).toEqual({ status: 'fulfilled', value: 'absent' });
    expect(user.status === 'fulfilled' && user.value?.userPrincipalName).toBe(USERS.alexw.userPrincipalName);
    expect(assignment.status === 'fulfilled' && assignment.value?.guid).toBe(ASSIGNMENTS.alexw.guid);
  });

  it('retries a throttled envelope as a whole, and fails every call of a refused one as it would fail alone', async () => {
    const emu = emulator();
    emu.faults.add({ route: 'exchange:$batch', fault: { kind: 'throttle', retryAfterSeconds: 0.01 }, times: 1 });
    const exchange = client(emu, true);
    const users = await Promise.all(USER_UPNS.slice(0, 3).map((u) => exchange.getUser(u)));
    expect(users.map((u) => u?.userPrincipalName)).toEqual(USER_UPNS.slice(0, 3));
    expect(envelopes(emu)).toBe(2);

    await fetch(`${emu.url}/_emulator/permissions/withdraw`, {
      method: 'POST',
      body: JSON.stringify({ api: 'exchange', appRole: 'Exchange.ManageAsApp' }),
    });
    const refused = await Promise.allSettled([exchange.getMieRoles(), exchange.listServicePrincipals()]);
    for (const r of refused) expect(r.status === 'rejected' && r.reason).toBeInstanceOf(PermissionError);
  });

  it('gives the same answers batched and one call each under the same seeded throttling, errors and lost answers', async () => {
    const emu = emulator();
    const seedFaults = () => {
      emu.faults.clear();
      emu.faults.seed(11);
      emu.faults.add({ route: 'exchange:*', fault: { kind: 'throttle', retryAfterSeconds: 0 }, rate: 0.15 });
      emu.faults.add({ route: 'exchange:*', fault: { kind: 'error', status: 503 }, rate: 0.1 });
      emu.faults.add({ route: 'exchange:*', fault: { kind: 'lost-answer', status: 502 }, rate: 0.05 });
    };
    seedFaults();
    const alone = await reads(client(emu, false, 10));
    const faultsAlone = emu.calls.all().filter((c) => c.fault).length;
    seedFaults();
    const together = await reads(client(emu, true, 10));
    expect(together).toEqual(alone);
    expect(faultsAlone).toBeGreaterThan(0);
    expect(emu.calls.all().filter((c) => c.batch && c.fault).length).toBeGreaterThan(0);
  });
});
