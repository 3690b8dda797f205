/** The production clients against the tenant emulator on the forgotten-migrations tenant, through a full Runtime. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXCHANGE_ADMINISTRATOR_ROLE_ID,
  GLOBAL_ADMINISTRATOR_ROLE_ID,
  GRAPH_APP_ID,
  MAILBOX_IMPORT_EXPORT_APP_ROLE,
  MIE_ROLE,
} from '../../lib/domain.js';
import { ThrottledError } from '../../lib/ports/index.js';
import { DEFAULT_DELEGATING_ASSIGNMENT } from '../../emulator/scenarios/baseTenant.js';
import {
  ASSIGNMENTS,
  CONTOSO_MIGRATION_TOOL,
  CUSTOM_ROLE,
  ELIGIBLE_ADMIN,
  GROUPS,
  ROLE_GROUPS,
  SECURITY_TEAM,
  USERS,
} from '../../emulator/scenarios/forgottenMigrations.js';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';

describe('clients on the emulator (forgotten-migrations, 2 items per page)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ pageSize: 2 });
  });
  afterAll(async () => {
    await rt.stop();
  });

  it('reads the MIE roles, the custom child included', async () => {
    const roles = await rt.exchange.getMieRoles();
    expect(roles.map((r) => r.name).sort()).toEqual([CUSTOM_ROLE.name, MIE_ROLE].sort());
    expect(roles.find((r) => r.name === CUSTOM_ROLE.name)?.parent).toBe(MIE_ROLE);
  });

  it('pages every assignment of the role, regular and delegating, keyed by guid', async () => {
    rt.emulator.calls.clear();
    const assignments = await rt.exchange.getRoleAssignments(MIE_ROLE);
    const byGuid = new Map(assignments.map((a) => [a.guid, a]));
    expect(byGuid.get(ASSIGNMENTS.alexw.guid)).toMatchObject({
      name: ASSIGNMENTS.alexw.name,
      roleAssigneeType: 'User',
      delegationType: 'Regular',
      enabled: true,
      whenCreatedUtc: expect.stringMatching(/^2023-03-14T/),
    });
    expect(byGuid.get(ASSIGNMENTS.diegos.guid)?.enabled).toBe(false);
    expect(byGuid.get(DEFAULT_DELEGATING_ASSIGNMENT.guid)?.delegationType).toBe('DelegatingOrgWide');
    expect(rt.emulator.calls.count({ api: 'exchange', name: 'Get-ManagementRoleAssignment' })).toBe(
      Math.ceil(assignments.length / 2),
    );
  });

  it('reads effective users with recipient names, group rows included', async () => {
    const rows = await rt.exchange.getEffectiveRoleAssignments(MIE_ROLE);
    const pst = rows
      .filter((r) => r.guid === ASSIGNMENTS.pstMigrationOperators.guid)
      .map((r) => r.effectiveUserName)
      .sort();
    expect(pst).toEqual(['All Group Members', USERS.gradya.name, USERS.lynner.name].sort());
    expect(rows.find((r) => r.effectiveUserName === USERS.lynner.name)?.assignmentMethod).toBe('RoleGroup');
  });

  it('reads role group members, users and recipients; unknown ones are undefined', async () => {
    expect(
      (await rt.exchange.getRoleGroupMembers(ROLE_GROUPS.pstMigrationOperators.name)).map((m) => m.name).sort(),
    ).toEqual([USERS.gradya.name, USERS.lynner.name].sort());
    const adele = await rt.exchange.getUser(USERS.adelev.userPrincipalName);
    expect(adele?.name).toBe(USERS.adelev.name);
    expect(adele?.externalDirectoryObjectId).toBe(USERS.adelev.id.toLowerCase());
    expect(await rt.exchange.getUser('nobody@contoso.onmicrosoft.com')).toBeUndefined();
    expect(await rt.exchange.getRecipient('nobody@contoso.onmicrosoft.com')).toBeUndefined();
    expect(await rt.exchange.getRoleAssignment('00000000-0000-0000-0000-00000000beef')).toBeUndefined();
    await expect(rt.exchange.getRoleGroupMembers('No Such Role Group')).rejects.toThrow(/No Such Role Group/);
  });

  it('finds users by Exchange name in filtered Get-User calls of 20 names, escaping quotes', async () => {
    rt.emulator.calls.clear();
    const names = [USERS.alexw.name, USERS.diegos.name, ...Array.from({ length: 25 }, (_, i) => `O'Nobody ${i}`)];
    const found = await rt.exchange.findUsersByName(names);
    expect(found.map((u) => u.userPrincipalName).sort()).toEqual(
      [USERS.alexw.userPrincipalName, USERS.diegos.userPrincipalName].sort(),
    );
    const calls = rt.emulator.calls.where({ api: 'exchange', name: 'Get-User' });
    expect(calls.map((c) => c.status)).toEqual([200, 200]);
  });

  it('creates, re-creates and removes an assignment idempotently', async () => {
    const input = { name: 'MIE-test-AdeleV', role: MIE_ROLE, user: USERS.adelev.name };
    const created = await rt.exchange.newRoleAssignment(input);
    expect(created).toMatchObject({ name: input.name, role: MIE_ROLE, delegationType: 'Regular', enabled: true });
    expect((await rt.exchange.newRoleAssignment(input)).guid).toBe(created.guid);
    expect((await rt.exchange.getRoleAssignment(created.guid))?.name).toBe(input.name);
    expect(await rt.exchange.removeRoleAssignment(created.guid)).toBe('removed');
    expect(await rt.exchange.removeRoleAssignment(created.guid)).toBe('absent');
  });

  it("recognises its own assignment on a retried create given by UPN, and refuses someone else's", async () => {
    const input = { name: 'MIE-test-upn', role: MIE_ROLE, user: USERS.adelev.userPrincipalName };
    const created = await rt.exchange.newRoleAssignment(input);
    expect((await rt.exchange.newRoleAssignment(input)).guid).toBe(created.guid);
    await expect(rt.exchange.newRoleAssignment({ ...input, user: USERS.meganb.userPrincipalName })).rejects.toThrow(
      /already exists/,
    );
    expect(await rt.exchange.removeRoleAssignment(created.guid)).toBe('removed');
  });

  it('adds and removes role group members idempotently', async () => {
    const group = ROLE_GROUPS.pstMigrationOperators.name;
    expect(await rt.exchange.addRoleGroupMember(group, USERS.adelev.name)).toBe('added');
    expect(await rt.exchange.addRoleGroupMember(group, USERS.adelev.name)).toBe('already-member');
    expect(await rt.exchange.removeRoleGroupMember(group, USERS.adelev.name)).toBe('removed');
    expect(await rt.exchange.removeRoleGroupMember(group, USERS.adelev.name)).toBe('absent');
  });

  it('rides out throttling and resets on Exchange, and gives up with ThrottledError when it persists', async () => {
    rt.emulator.faults.add({
      route: 'exchange:Get-ManagementRole',
      fault: { kind: 'throttle', retryAfterSeconds: 0.05 },
      times: 1,
    });
    rt.emulator.faults.add({ route: 'exchange:Get-ManagementRole', fault: { kind: 'reset' }, calls: [2] });
    expect(await rt.exchange.getMieRoles()).toHaveLength(2);
    rt.emulator.faults.clear();
    rt.emulator.faults.add({ route: 'exchange:Get-User', fault: { kind: 'throttle', retryAfterSeconds: 0.01 } });
    await expect(rt.exchange.getUser(USERS.alexw.userPrincipalName)).rejects.toBeInstanceOf(ThrottledError);
    rt.emulator.faults.clear();
  });

  it('reads Graph users, transitive members and directory role holders', async () => {
    expect((await rt.directory.getUser(USERS.alexw.userPrincipalName))?.id).toBe(USERS.alexw.id.toLowerCase());
    expect(await rt.directory.getUser('nobody@contoso.onmicrosoft.com')).toBeUndefined();
    const members = await rt.directory.getTransitiveMembers(GROUPS.legacyMigrationTeam.id);
    expect(
      members
        .filter((m) => m.type === 'user')
        .map((m) => m.userPrincipalName)
        .sort(),
    ).toEqual([USERS.isaiahl.userPrincipalName, USERS.johannal.userPrincipalName].sort());
    const holders = await rt.directory.getDirectoryRoleHolders([
      GLOBAL_ADMINISTRATOR_ROLE_ID,
      EXCHANGE_ADMINISTRATOR_ROLE_ID,
    ]);
    expect(
      holders
        .map(
          (h) =>
            `${h.roleDefinitionId === GLOBAL_ADMINISTRATOR_ROLE_ID ? 'GA' : 'EA'}:${h.principal.userPrincipalName}${h.eligible ? ' (eligible)' : ''}`,
        )
        .sort(),
    ).toEqual(
      [
        `GA:${USERS.admin.userPrincipalName}`,
        `GA:${USERS.breakglass1.userPrincipalName}`,
        `EA:${USERS.pattif.userPrincipalName}`,
        `EA:${ELIGIBLE_ADMIN.userPrincipalName} (eligible)`,
      ].sort(),
    );
  });

  it('finds the Graph application permission holder and resolves principals in batches of 20', async () => {
    const holders = await rt.directory.getAppRoleHolders(GRAPH_APP_ID, [MAILBOX_IMPORT_EXPORT_APP_ROLE]);
    expect(holders.map((h) => [h.principal.type, h.principal.appId, h.principal.displayName])).toEqual([
      ['servicePrincipal', CONTOSO_MIGRATION_TOOL.appId.toLowerCase(), CONTOSO_MIGRATION_TOOL.displayName],
    ]);
    rt.emulator.calls.clear();
    const ids = [
      ...Object.values(USERS).map((u) => u.id),
      ...Array.from({ length: 12 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`),
    ];
    const found = await rt.directory.getPrincipals([...ids, CONTOSO_MIGRATION_TOOL.id, GROUPS.migrationContractors.id]);
    expect(found.size).toBe(Object.keys(USERS).length + 2);
    expect(found.get(CONTOSO_MIGRATION_TOOL.id.toLowerCase())).toMatchObject({
      type: 'servicePrincipal',
      appId: CONTOSO_MIGRATION_TOOL.appId.toLowerCase(),
    });
    expect(found.get(GROUPS.migrationContractors.id.toLowerCase())?.type).toBe('group');
    // 27 ids as users (20 + 7), the 14 misses as service principals, the 13 left as groups.
    expect(rt.emulator.calls.count({ api: 'graph', name: '/$batch' })).toBe(4);
  });

  it('retries throttled Graph calls honouring Retry-After', async () => {
    rt.emulator.faults.add({ route: 'graph:/users/*', fault: { kind: 'throttle', retryAfterSeconds: 0.05 }, times: 2 });
    expect((await rt.directory.getUser(USERS.meganb.userPrincipalName))?.displayName).toBe(USERS.meganb.displayName);
    rt.emulator.faults.clear();
  });

  it('sends an email once per idempotency key', async () => {
    const message = {
      to: [SECURITY_TEAM],
      subject: 'Unapproved holder <AlexW>',
      html: '<p>AlexW</p>',
      text: 'AlexW',
      idempotencyKey: 'alert:unapproved:alexw',
    };
    const first = await rt.mailer.send(message);
    const second = await rt.mailer.send(message);
    expect(first.status).toBe('sent');
    expect(second).toEqual({ status: 'duplicate', messageId: first.messageId });
    expect(rt.emulator.sentEmails().filter((e) => JSON.stringify(e).includes('Unapproved holder'))).toHaveLength(1);
  });

  it('retries a throttled send and a reset poll without sending twice', async () => {
    rt.emulator.faults.add({ route: 'email:send', fault: { kind: 'throttle', retryAfterSeconds: 0.02 }, times: 1 });
    rt.emulator.faults.add({ route: 'email:poll', fault: { kind: 'reset' }, times: 1 });
    const result = await rt.mailer.send({
      to: [SECURITY_TEAM],
      subject: 'Grant g-7 expires in 1 hour',
      html: '<p>g-7</p>',
      text: 'g-7',
      idempotencyKey: 'reminder:g-7:PT1H',
    });
    expect(result.status).toBe('sent');
    expect(rt.emulator.sentEmails().filter((e) => e.subject === 'Grant g-7 expires in 1 hour')).toHaveLength(1);
    rt.emulator.faults.clear();
  });
});
