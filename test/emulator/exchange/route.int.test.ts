/** The Exchange admin API route over real HTTP: shapes, paging, errors, auth and the RBAC cmdlets. */
import { describe, expect, it } from 'vitest';
import {
  ALL_GROUP_MEMBERS,
  EXCHANGE_ADMINISTRATOR_ROLE_ID,
  GLOBAL_ADMINISTRATOR_ROLE_ID,
  MIE_ROLE,
  ORGANIZATION_MANAGEMENT,
} from '../../../lib/domain.js';
import {
  DEFAULT_DELEGATING_ASSIGNMENT,
  DIRECTORY_ROLE_OBJECT_IDS,
  LINKED_GROUPS,
  WATCHDOG_APP,
  WATCHDOG_DELEGATING_ASSIGNMENT,
  WATCHDOG_POINTER,
  WATCHDOG_ROLE_GROUP,
} from '../../../emulator/scenarios/baseTenant.js';
import {
  ARCHIVE_EXPORTER,
  ASSIGNMENTS,
  CONTOSO_BACKUP,
  CUSTOM_ROLE,
  GROUPS,
  LEGACY_ARCHIVER,
  ROLE_GROUPS,
  TENANT,
  TENANT_ID,
  USERS,
} from '../../../emulator/scenarios/forgottenMigrations.js';
import { useEmulator } from '../../support/emulator.js';
import { cmdletFailure, invoke, invokeAll, type Json } from '../../support/emulatorHttp.js';

const emulator = useEmulator();

describe('Exchange admin API: reads', () => {
  it('returns assignments with interleaved type annotations and the real property names', async () => {
    const res = await invoke(emulator(), 'Get-ManagementRoleAssignment', { Identity: ASSIGNMENTS.alexw.guid });
    expect(res.status).toBe(200);
    const [row] = res.body.value;
    const keys = Object.keys(row);
    expect(keys.indexOf('Guid@data.type')).toBe(keys.indexOf('Guid') - 1);
    expect(row['Guid@data.type']).toBe('System.Guid');
    expect(row['WhenCreatedUTC@data.type']).toBe('System.DateTime');
    expect(row).toMatchObject({
      Name: ASSIGNMENTS.alexw.name,
      Identity: ASSIGNMENTS.alexw.name,
      Guid: ASSIGNMENTS.alexw.guid,
      Role: MIE_ROLE,
      RoleAssignee: USERS.alexw.name,
      RoleAssigneeName: USERS.alexw.name,
      RoleAssigneeType: 'User',
      RoleAssignmentDelegationType: 'Regular',
      Enabled: true,
      RecipientWriteScope: 'Organization',
      WhenCreatedUTC: '2023-03-14T09:12:41.000Z',
    });
    expect(res.body['@odata.context']).toContain('$metadata#Collection(Exchange.GenericHashTable)');
  });

  it('lists regular and delegating assignments of a role; Delegating and Enabled filter them', async () => {
    const all = (await invokeAll(emulator(), 'Get-ManagementRoleAssignment', { Role: MIE_ROLE })).rows;
    expect(all.map((r: Json) => r.Name).sort()).toEqual(
      [
        ASSIGNMENTS.alexw,
        ASSIGNMENTS.diegos,
        ASSIGNMENTS.pstMigrationOperators,
        ASSIGNMENTS.legacyMigrationTeam,
        ASSIGNMENTS.legacyArchiver,
        ASSIGNMENTS.organizationManagement,
        DEFAULT_DELEGATING_ASSIGNMENT,
        WATCHDOG_DELEGATING_ASSIGNMENT,
        ASSIGNMENTS.grantor,
      ]
        .map((a) => a.name)
        .sort(),
    );
    const delegating = (await invoke(emulator(), 'Get-ManagementRoleAssignment', { Role: MIE_ROLE, Delegating: true }))
      .body.value;
    expect(delegating.map((r: Json) => [r.Name, r.RoleAssignmentDelegationType]).sort()).toEqual([
      [ASSIGNMENTS.grantor.name, 'DelegatingOrgWide'],
      [WATCHDOG_DELEGATING_ASSIGNMENT.name, 'DelegatingOrgWide'],
      [DEFAULT_DELEGATING_ASSIGNMENT.name, 'DelegatingOrgWide'],
    ]);
    // RBAC for Applications: an application role assignment carries its resource scope.
    const scoped = (
      await invoke(emulator(), 'Get-ManagementRoleAssignment', { Role: 'Application MailboxItem.Export' })
    ).body.value;
    expect(
      scoped.map((r: Json) => [r.Name, r.RoleAssigneeType, r.RoleAssignmentDelegationType, r.CustomResourceScope]),
    ).toEqual([
      [`Application MailboxItem.Export-${ORGANIZATION_MANAGEMENT}-Delegating`, 'RoleGroup', 'DelegatingOrgWide', null],
      [ASSIGNMENTS.archiveExporter.name, 'ServicePrincipal', 'Regular', 'Legal Custodians'],
    ]);
    const disabled = (await invoke(emulator(), 'Get-ManagementRoleAssignment', { Role: MIE_ROLE, Enabled: false })).body
      .value;
    expect(disabled.map((r: Json) => r.Name)).toEqual([ASSIGNMENTS.diegos.name]);
    const sp = all.find((r: Json) => r.Guid === ASSIGNMENTS.legacyArchiver.guid);
    // An app is named by its Exchange pointer (New-ServicePrincipal -DisplayName), not by its object id.
    expect(sp).toMatchObject({
      RoleAssigneeType: 'ServicePrincipal',
      RoleAssignee: LEGACY_ARCHIVER.displayName,
      RoleAssigneeName: LEGACY_ARCHIVER.displayName,
    });
  });

  it('pages with @odata.nextLink honouring Prefer: odata.maxpagesize, re-POSTing the same body', async () => {
    const first = await invoke(
      emulator(),
      'Get-ManagementRoleAssignment',
      { Role: MIE_ROLE, GetEffectiveUsers: true },
      { maxPageSize: 3 },
    );
    expect(first.body.value).toHaveLength(3);
    expect(first.headers.get('preference-applied')).toBe('odata.maxpagesize=3');
    expect(first.body['@odata.nextLink']).toMatch(
      new RegExp(`^${emulator().url}/adminapi/beta/${TENANT}/InvokeCommand\\?%24skiptoken=`),
    );
    const { rows, pages } = await invokeAll(
      emulator(),
      'Get-ManagementRoleAssignment',
      { Role: MIE_ROLE, GetEffectiveUsers: true },
      3,
    );
    expect(pages).toBe(Math.ceil(rows.length / 3));
    expect(new Set(rows.map((r: Json) => `${r.Guid}|${r.EffectiveUserName}`)).size).toBe(rows.length);
    const again = await invoke(
      emulator(),
      'Get-ManagementRoleAssignment',
      { Role: MIE_ROLE, GetEffectiveUsers: true },
      { url: first.body['@odata.nextLink'], maxPageSize: 3 },
    );
    expect(again.body.value).toEqual(rows.slice(3, 6));
  });

  it('expands GetEffectiveUsers: a group row "All Group Members" plus one row per member, by recipient Name', async () => {
    const { rows } = await invokeAll(emulator(), 'Get-ManagementRoleAssignment', {
      Role: MIE_ROLE,
      GetEffectiveUsers: true,
    });
    const of = (guid: string) =>
      rows.filter((r: Json) => r.Guid === guid).map((r: Json) => [r.EffectiveUserName, r.AssignmentMethod]);
    expect(of(ASSIGNMENTS.pstMigrationOperators.guid)).toEqual([
      [ALL_GROUP_MEMBERS, 'Direct'],
      [USERS.lynner.name, 'RoleGroup'],
      [USERS.gradya.name, 'RoleGroup'],
    ]);
    expect(of(ASSIGNMENTS.legacyMigrationTeam.guid)).toEqual(
      expect.arrayContaining([
        [ALL_GROUP_MEMBERS, 'Direct'],
        [USERS.johannal.name, 'SecurityGroup'],
        [USERS.isaiahl.name, 'SecurityGroup'],
      ]),
    );
    expect(of(ASSIGNMENTS.alexw.guid)).toEqual([[USERS.alexw.name, 'Direct']]);
    expect(of(ASSIGNMENTS.organizationManagement.guid)).toEqual([
      [ALL_GROUP_MEMBERS, 'Direct'],
      [LINKED_GROUPS.tenantAdmins, 'RoleGroup'],
      [LINKED_GROUPS.exchangeServiceAdmins, 'RoleGroup'],
    ]);
    const lynne = rows.find((r: Json) => r.EffectiveUserName === USERS.lynner.name);
    expect(lynne).toMatchObject({
      RoleAssigneeType: 'RoleGroup',
      RoleAssigneeName: ROLE_GROUPS.pstMigrationOperators.name,
      Name: ASSIGNMENTS.pstMigrationOperators.name,
    });
  });

  it('finds MIE and its custom child roles by RoleType', async () => {
    const res = await invoke(emulator(), 'Get-ManagementRole', { RoleType: 'MailboxImportExport' });
    expect(res.body.value.map((r: Json) => [r.Name, r.Parent, r.IsRootRole, r.RoleType])).toEqual([
      [MIE_ROLE, null, true, 'MailboxImportExport'],
      [CUSTOM_ROLE.name, MIE_ROLE, false, 'MailboxImportExport'],
    ]);
    const child = await invoke(emulator(), 'Get-ManagementRole', { Identity: MIE_ROLE, GetChildren: true });
    expect(child.body.value.map((r: Json) => r.Name)).toEqual([CUSTOM_ROLE.name]);
    const nestor = await invoke(emulator(), 'Get-ManagementRoleAssignment', { Role: CUSTOM_ROLE.name });
    expect(nestor.body.value.map((r: Json) => r.Guid)).toEqual([ASSIGNMENTS.nestorw.guid]);
  });

  it('reads role groups, members, users and recipients', async () => {
    const rg = (await invoke(emulator(), 'Get-RoleGroup', { Identity: ROLE_GROUPS.pstMigrationOperators.name })).body
      .value[0];
    expect(rg).toMatchObject({
      Name: ROLE_GROUPS.pstMigrationOperators.name,
      Guid: ROLE_GROUPS.pstMigrationOperators.guid,
      Members: [USERS.lynner.name, USERS.gradya.name],
      Roles: [MIE_ROLE],
    });
    const members = (
      await invoke(emulator(), 'Get-RoleGroupMember', { Identity: ROLE_GROUPS.pstMigrationOperators.name })
    ).body.value;
    expect(members.map((m: Json) => [m.Name, m.RecipientTypeDetails, m.ExternalDirectoryObjectId])).toEqual([
      [USERS.lynner.name, 'UserMailbox', USERS.lynner.id],
      [USERS.gradya.name, 'UserMailbox', USERS.gradya.id],
    ]);
    const orgMembers = (await invoke(emulator(), 'Get-RoleGroupMember', { Identity: ORGANIZATION_MANAGEMENT })).body
      .value;
    expect(orgMembers.map((m: Json) => [m.Name, m.RecipientTypeDetails])).toEqual([
      [LINKED_GROUPS.tenantAdmins, 'RoleGroup'],
      [LINKED_GROUPS.exchangeServiceAdmins, 'RoleGroup'],
    ]);
    for (const identity of [USERS.alexw.userPrincipalName, USERS.alexw.name, USERS.alexw.id]) {
      const user = (await invoke(emulator(), 'Get-User', { Identity: identity })).body.value[0];
      expect(user).toMatchObject({
        Name: USERS.alexw.name,
        UserPrincipalName: USERS.alexw.userPrincipalName,
        ExternalDirectoryObjectId: USERS.alexw.id,
        DisplayName: USERS.alexw.displayName,
      });
    }
    const group = (await invoke(emulator(), 'Get-Recipient', { Identity: GROUPS.legacyMigrationTeam.mail })).body
      .value[0];
    expect(group).toMatchObject({
      Name: GROUPS.legacyMigrationTeam.displayName,
      RecipientTypeDetails: 'MailUniversalSecurityGroup',
      ExternalDirectoryObjectId: GROUPS.legacyMigrationTeam.id,
    });
  });

  it("Get-User -Filter takes -or'ed -eq terms with quoted values, and refuses what it cannot parse", async () => {
    const filter = `Name -eq '${USERS.alexw.name}' -or (Name -eq '${USERS.diegos.name.toLowerCase()}') -or UserPrincipalName -eq '${USERS.nestorw.userPrincipalName}' -or Name -eq 'O''Brien'`;
    const res = await invoke(emulator(), 'Get-User', { Filter: filter, ResultSize: 'Unlimited' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const found = res.body.value.map((u: Json) => u.Name);
    expect(found.sort()).toEqual([USERS.alexw.name, USERS.diegos.name, USERS.nestorw.name].sort());
    for (const bad of [
      `Name -like 'Alex*'`,
      `Name -eq 'AlexW`,
      `Name -eq 'AlexW' -and Name -eq 'DiegoS'`,
      `Department -eq 'IT'`,
    ]) {
      const res = await invoke(emulator(), 'Get-User', { Filter: bad });
      expect(res.status, bad).toBe(400);
      expect(cmdletFailure(res.body).Message, bad).toContain('Invalid filter syntax');
    }
    const both = await invoke(emulator(), 'Get-User', { Identity: USERS.alexw.name, Filter: `Name -eq 'AlexW'` });
    expect(cmdletFailure(both.body).Message).toContain('Parameter set cannot be resolved');
  });

  it('lists service-principal pointers with their names and Entra ids; pointers name apps in assignments and member lists', async () => {
    const pointers = (await invoke(emulator(), 'Get-ServicePrincipal', {})).body.value;
    expect(pointers.map((p: Json) => [p.Name, p.DisplayName, p.AppId, p.ObjectId, p.Identity]).sort()).toEqual(
      [
        [
          LEGACY_ARCHIVER.displayName,
          LEGACY_ARCHIVER.displayName,
          LEGACY_ARCHIVER.appId,
          LEGACY_ARCHIVER.id,
          LEGACY_ARCHIVER.id,
        ],
        [WATCHDOG_POINTER, WATCHDOG_POINTER, WATCHDOG_APP.appId, WATCHDOG_APP.id, WATCHDOG_APP.id],
        ...[ARCHIVE_EXPORTER, CONTOSO_BACKUP].map((a) => [a.displayName, a.displayName, a.appId, a.id, a.id]),
      ].sort(),
    );
    for (const identity of [WATCHDOG_APP.appId, WATCHDOG_APP.id, WATCHDOG_POINTER]) {
      expect(
        (await invoke(emulator(), 'Get-ServicePrincipal', { Identity: identity })).body.value.map((p: Json) => p.AppId),
      ).toEqual([WATCHDOG_APP.appId]);
    }
    // Documented hazard: an unknown Identity lists every pointer.
    expect((await invoke(emulator(), 'Get-ServicePrincipal', { Identity: 'No Such App' })).body.value).toHaveLength(4);
    const members = (await invoke(emulator(), 'Get-RoleGroupMember', { Identity: WATCHDOG_ROLE_GROUP })).body.value;
    expect(members.map((m: Json) => [m.Name, m.RecipientTypeDetails, m.ExternalDirectoryObjectId, m.Identity])).toEqual(
      [[WATCHDOG_POINTER, 'ServicePrincipal', WATCHDOG_APP.id, WATCHDOG_APP.id]],
    );
  });

  it("lists a role group inside a role group as a RoleGroup member; linked groups may carry their directory role's object id", async () => {
    const state = emulator().state;
    const outer = state.roleGroup(ROLE_GROUPS.pstMigrationOperators.name);
    const inner = state.roleGroup('View-Only Organization Management');
    if (!outer || !inner) throw new Error('seed role groups missing');
    state.addRoleGroupMember(outer, inner.guid);
    const members = (await invoke(emulator(), 'Get-RoleGroupMember', { Identity: outer.name })).body.value;
    expect(members.map((m: Json) => [m.Name, m.RecipientType, m.RecipientTypeDetails])).toContainEqual([
      inner.name,
      'Group',
      'RoleGroup',
    ]);
    await invoke(emulator(), 'Add-RoleGroupMember', {
      Identity: inner.name,
      Member: USERS.adelev.name,
      BypassSecurityGroupManagerCheck: true,
    });
    const effective = (
      await invoke(emulator(), 'Get-ManagementRoleAssignment', {
        Identity: ASSIGNMENTS.pstMigrationOperators.guid,
        GetEffectiveUsers: true,
      })
    ).body.value;
    expect(effective.map((r: Json) => r.EffectiveUserName)).toContain(USERS.adelev.name);
    expect(state.canExport(USERS.adelev.userPrincipalName)).toBe(true);
    // A cycle ends where it closes.
    state.addRoleGroupMember(inner, outer.guid);
    expect(state.canExport(USERS.adelev.userPrincipalName)).toBe(true);

    const plain = (await invoke(emulator(), 'Get-RoleGroupMember', { Identity: ORGANIZATION_MANAGEMENT })).body.value;
    expect(plain.map((m: Json) => m.ExternalDirectoryObjectId)).toEqual(['', '']);
    state.linkedGroupsCarryObjectId = true;
    const withIds = (await invoke(emulator(), 'Get-RoleGroupMember', { Identity: ORGANIZATION_MANAGEMENT })).body.value;
    expect(withIds.map((m: Json) => m.ExternalDirectoryObjectId)).toEqual([
      DIRECTORY_ROLE_OBJECT_IDS[GLOBAL_ADMINISTRATOR_ROLE_ID],
      DIRECTORY_ROLE_OBJECT_IDS[EXCHANGE_ADMINISTRATOR_ROLE_ID],
    ]);
  });

  it('Get-RoleGroupMember with no or an unknown Identity returns the members of every role group', async () => {
    const everyone = (await invokeAll(emulator(), 'Get-RoleGroupMember', {})).rows.map((m: Json) => m.Name);
    const unknown = (await invokeAll(emulator(), 'Get-RoleGroupMember', { Identity: 'No Such Role Group' })).rows.map(
      (m: Json) => m.Name,
    );
    expect(unknown).toEqual(everyone);
    expect(everyone).toEqual(
      expect.arrayContaining([USERS.lynner.name, USERS.gradya.name, LINKED_GROUPS.tenantAdmins, WATCHDOG_POINTER]),
    );
  });

  it('answers a null, empty or unknown -Identity with every object, as the cmdlet reference cautions (on by default)', async () => {
    expect(emulator().exchange.identityReturnsAll).toBe(true);
    const cases = [
      ['Get-ManagementRoleAssignment', {}, 'c0ffee00-0000-4000-8000-000000000000'],
      ['Get-ManagementRoleAssignment', { Role: MIE_ROLE }, 'Mailbox Import Export-Nobody'],
      ['Get-User', {}, 'nobody@contoso.onmicrosoft.com'],
      ['Get-Recipient', {}, 'nobody'],
      ['Get-RoleGroup', {}, 'Nobody Group'],
      ['Get-RoleGroupMember', {}, 'Nobody Group'],
    ] as const;
    for (const [cmdlet, others, identity] of cases) {
      const all = (await invokeAll(emulator(), cmdlet, others)).rows.map((r: Json) => r.Name);
      expect(all.length, cmdlet).toBeGreaterThan(1);
      for (const Identity of [identity, '', '  ', null]) {
        const res = await invokeAll(emulator(), cmdlet, { ...others, Identity });
        expect(
          res.rows.map((r: Json) => r.Name),
          `${cmdlet} -Identity ${JSON.stringify(Identity)}`,
        ).toEqual(all);
      }
    }
    // A known identity still answers just that object.
    const one = await invoke(emulator(), 'Get-ManagementRoleAssignment', { Identity: ASSIGNMENTS.alexw.guid });
    expect(one.body.value.map((r: Json) => r.Guid)).toEqual([ASSIGNMENTS.alexw.guid]);
  });
});

describe('Exchange admin API: errors and auth', () => {
  const unknownObjects = [
    ['Get-ManagementRoleAssignment', { Identity: 'Mailbox Import Export-Nobody' }],
    ['Get-ManagementRoleAssignment', { Role: 'No Such Role' }],
    ['Get-User', { Identity: 'nobody@contoso.onmicrosoft.com' }],
    ['Get-Recipient', { Identity: 'nobody' }],
    ['Get-RoleGroup', { Identity: 'Nobody Group' }],
    ['Get-RoleGroupMember', { Identity: 'Nobody Group' }],
    ['Remove-ManagementRoleAssignment', { Identity: 'c0ffee00-0000-4000-8000-000000000000', Confirm: false }],
  ] as const;

  it('answers a not-found with the envelope whose detail is Ex6F9304|ManagementObjectNotFoundException|<message> (hazard off)', async () => {
    emulator().exchange.identityReturnsAll = false;
    for (const [cmdlet, params] of unknownObjects) {
      const res = await invoke(emulator(), cmdlet, params);
      expect(res.status, cmdlet).toBe(404);
      expect(res.body.error).toMatchObject({
        code: 'NotFound',
        message: 'Error executing cmdlet',
        details: [{ code: 'Client', target: '' }],
      });
      expect(res.body.error['@adminapi.warnings']).toEqual([]);
      expect(cmdletFailure(res.body)).toMatchObject({
        Id: 'Ex6F9304',
        TypeName: 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
      });
      expect(cmdletFailure(res.body).Message).toContain(`couldn't be found`);
    }
    // The hazard still covers only -Identity: an unknown -Role is an error with it on.
    emulator().exchange.identityReturnsAll = true;
    expect((await invoke(emulator(), 'Get-ManagementRoleAssignment', { Role: 'No Such Role' })).status).toBe(404);
    expect(
      (
        await invoke(emulator(), 'Remove-ManagementRoleAssignment', {
          Identity: 'c0ffee00-0000-4000-8000-000000000000',
          Confirm: false,
        })
      ).status,
    ).toBe(404);
  });

  it('keeps the JSON-string detail and the InternalServerError not-found as selectable variants', async () => {
    emulator().exchange.errorDetail = 'json';
    emulator().exchange.notFound = 'InternalServerError';
    const res = await invoke(emulator(), 'Remove-ManagementRoleAssignment', {
      Identity: 'c0ffee00-0000-4000-8000-000000000000',
      Confirm: false,
    });
    expect(res.status).toBe(500);
    expect(res.body.error).toMatchObject({ code: 'InternalServerError', message: 'Error executing cmdlet' });
    expect(JSON.parse(res.body.error.details[0].message)).toEqual({
      localizedString: { stringId: 'Ex6F9304' },
      ClassName: 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
      Message: expect.stringContaining(`couldn't be found`),
    });
    const binding = await invoke(emulator(), 'Get-User', { Roel: 1 });
    expect(binding.status).toBe(400);
    expect(binding.body.error.code).toBe('BadRequest');
  });

  it('binds parameters strictly: unknown names, non-boolean switches, missing mandatory ones', async () => {
    const unknown = await invoke(emulator(), 'Get-ManagementRoleAssignment', { Roel: MIE_ROLE });
    expect(unknown.status).toBe(400);
    expect(cmdletFailure(unknown.body)).toEqual({
      Id: '',
      TypeName: 'System.Management.Automation.ParameterBindingException',
      Message: "A parameter cannot be found that matches parameter name 'Roel'.",
    });
    const notBool = await invoke(emulator(), 'Get-ManagementRoleAssignment', {
      Role: MIE_ROLE,
      GetEffectiveUsers: 'true',
    });
    expect(cmdletFailure(notBool.body).Message).toContain('Switch parameters are JSON booleans');
    const missing = await invoke(emulator(), 'Remove-ManagementRoleAssignment', { Confirm: false });
    expect(cmdletFailure(missing.body).Message).toContain('missing mandatory parameters: Identity');
    const noCmdlet = await invoke(emulator(), 'Get-Mailbox', {});
    expect(cmdletFailure(noCmdlet.body).TypeName).toBe('System.Management.Automation.CommandNotFoundException');
  });

  it('answers 401 without a token, with a foreign token, for another tenant, and when the app lacks the Exchange role', async () => {
    expect((await invoke(emulator(), 'Get-User', {}, { headers: { Authorization: '' } })).status).toBe(401);
    const foreign = await invoke(emulator(), 'Get-User', {}, { headers: { Authorization: 'Bearer something-else' } });
    expect(foreign.status).toBe(401);
    expect(foreign.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await invoke(emulator(), 'Get-User', {}, { tenant: 'fabrikam.onmicrosoft.com' })).status).toBe(401);
    expect((await invoke(emulator(), 'Get-User', {}, { tenant: TENANT_ID })).status).toBe(200);

    const state = emulator().state;
    const watchdogGroup = state.roleGroup(WATCHDOG_ROLE_GROUP);
    if (!watchdogGroup) throw new Error('seed has no watchdog role group');
    state.removeRoleGroupMember(watchdogGroup, WATCHDOG_APP.id);
    const denied = await invoke(emulator(), 'Get-ManagementRoleAssignment', { Role: MIE_ROLE });
    expect(denied.status).toBe(401);
    expect(denied.body.error.message).toContain('role management');
  });

  it('requires the app-only X-AnchorMailbox of the tenant', async () => {
    const missing = await invoke(emulator(), 'Get-User', {}, { headers: { 'X-AnchorMailbox': '' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('X-AnchorMailbox');
    expect(
      (
        await invoke(
          emulator(),
          'Get-User',
          {},
          {
            headers: {
              'X-AnchorMailbox': 'APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@fabrikam.onmicrosoft.com',
            },
          },
        )
      ).status,
    ).toBe(400);
  });

  it('rejects an invalid skip token', async () => {
    const res = await invoke(
      emulator(),
      'Get-User',
      {},
      { url: `${emulator().url}/adminapi/beta/${TENANT}/InvokeCommand?%24skiptoken=bm9wZS4z` },
    );
    expect(res.status).toBe(400);
  });
});

describe('Exchange admin API: writes', () => {
  it('creates an assignment for a user, a role group, a security group and an app; names are unique', async () => {
    const created = await invoke(emulator(), 'New-ManagementRoleAssignment', {
      Name: 'MIE-AdeleV-grant',
      Role: MIE_ROLE,
      User: USERS.adelev.userPrincipalName,
    });
    expect(created.status).toBe(200);
    expect(created.body.value[0]).toMatchObject({
      Name: 'MIE-AdeleV-grant',
      RoleAssignee: USERS.adelev.name,
      RoleAssigneeType: 'User',
      RoleAssignmentDelegationType: 'Regular',
      Enabled: true,
    });
    expect(created.body.value[0].Guid).toMatch(/^[0-9a-f-]{36}$/);

    const duplicate = await invoke(emulator(), 'New-ManagementRoleAssignment', {
      Name: 'MIE-AdeleV-grant',
      Role: MIE_ROLE,
      User: USERS.meganb.name,
    });
    expect(duplicate.status).toBe(400);
    expect(cmdletFailure(duplicate.body).TypeName).toBe(
      'Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException',
    );

    const auto1 = (
      await invoke(emulator(), 'New-ManagementRoleAssignment', { Role: MIE_ROLE, User: USERS.adelev.name })
    ).body.value[0];
    const auto2 = (
      await invoke(emulator(), 'New-ManagementRoleAssignment', { Role: MIE_ROLE, User: USERS.adelev.name })
    ).body.value[0];
    expect(auto1.Name).toBe(`${MIE_ROLE}-${USERS.adelev.name}`);
    expect(auto2.Name).toBe(`${MIE_ROLE}-${USERS.adelev.name}1`);

    const rg = (
      await invoke(emulator(), 'New-ManagementRoleAssignment', {
        Role: MIE_ROLE,
        SecurityGroup: ROLE_GROUPS.pstMigrationOperators.name,
        Delegating: true,
      })
    ).body.value[0];
    expect(rg).toMatchObject({
      RoleAssigneeType: 'RoleGroup',
      RoleAssignmentDelegationType: 'DelegatingOrgWide',
      Name: `${MIE_ROLE}-${ROLE_GROUPS.pstMigrationOperators.name}-Delegating`,
    });
    const sg = (
      await invoke(emulator(), 'New-ManagementRoleAssignment', {
        Role: CUSTOM_ROLE.name,
        SecurityGroup: GROUPS.migrationContractors.displayName,
      })
    ).body.value[0];
    expect(sg.RoleAssigneeType).toBe('SecurityGroup');
    const app = (
      await invoke(emulator(), 'New-ManagementRoleAssignment', {
        Role: MIE_ROLE,
        App: LEGACY_ARCHIVER.appId,
        Name: 'second-archiver',
      })
    ).body.value[0];
    expect(app).toMatchObject({ RoleAssigneeType: 'ServicePrincipal', RoleAssignee: LEGACY_ARCHIVER.displayName });

    const both = await invoke(emulator(), 'New-ManagementRoleAssignment', {
      Role: MIE_ROLE,
      User: USERS.adelev.name,
      App: LEGACY_ARCHIVER.appId,
    });
    expect(cmdletFailure(both.body).TypeName).toBe('System.Management.Automation.ParameterBindingException');
  });

  it('removes an assignment by guid; a second removal is not found; the last delegating assignment stays', async () => {
    const ok = await invoke(emulator(), 'Remove-ManagementRoleAssignment', {
      Identity: ASSIGNMENTS.alexw.guid,
      Confirm: false,
    });
    expect(ok.status).toBe(200);
    // A write with no output: warnings and no value array at all.
    expect(ok.body).not.toHaveProperty('value');
    expect(ok.body['@adminapi.warnings']).toEqual([]);
    expect(ok.body['adminapi.warnings@odata.type']).toBe('#Collection(String)');
    expect(
      (
        await invoke(emulator(), 'Remove-ManagementRoleAssignment', {
          Identity: ASSIGNMENTS.alexw.guid,
          Confirm: false,
        })
      ).status,
    ).toBe(404);
    for (const other of [WATCHDOG_DELEGATING_ASSIGNMENT, ASSIGNMENTS.grantor])
      expect(
        (await invoke(emulator(), 'Remove-ManagementRoleAssignment', { Identity: other.guid, Confirm: false })).status,
      ).toBe(200);
    const guarded = await invoke(emulator(), 'Remove-ManagementRoleAssignment', {
      Identity: DEFAULT_DELEGATING_ASSIGNMENT.guid,
      Confirm: false,
    });
    expect(guarded.status).toBe(400);
    expect(cmdletFailure(guarded.body).Message).toContain('last delegating role assignment');
  });

  it('carries injected warnings under @adminapi.warnings, on reads beside the rows and on writes without them', async () => {
    emulator().faults.add({
      route: 'exchange:*',
      fault: { kind: 'warning', message: 'The command completed successfully but no settings have been modified.' },
    });
    const read = await invoke(emulator(), 'Get-RoleGroup', { Identity: WATCHDOG_ROLE_GROUP });
    expect(read.body['@adminapi.warnings']).toEqual([
      'The command completed successfully but no settings have been modified.',
    ]);
    expect(read.body.value).toHaveLength(1);
    const write = await invoke(emulator(), 'Add-RoleGroupMember', {
      Identity: ROLE_GROUPS.pstMigrationOperators.name,
      Member: USERS.adelev.userPrincipalName,
    });
    expect(write.status).toBe(200);
    expect(write.body['@adminapi.warnings']).toHaveLength(1);
    expect(write.body).not.toHaveProperty('value');
    expect(emulator().calls.where({ api: 'exchange', name: 'Add-RoleGroupMember' })[0]?.fault).toBe('warning');
  });

  it('adds and removes role group members with the cmdlets own errors for repeats', async () => {
    const params = {
      Identity: ROLE_GROUPS.pstMigrationOperators.name,
      Member: USERS.adelev.userPrincipalName,
      BypassSecurityGroupManagerCheck: true,
      Confirm: false,
    };
    expect((await invoke(emulator(), 'Add-RoleGroupMember', params)).status).toBe(200);
    const again = await invoke(emulator(), 'Add-RoleGroupMember', params);
    expect(cmdletFailure(again.body).TypeName).toBe('Microsoft.Exchange.Management.Tasks.MemberAlreadyExistsException');
    const members = (
      await invoke(emulator(), 'Get-RoleGroupMember', { Identity: ROLE_GROUPS.pstMigrationOperators.name })
    ).body.value.map((m: Json) => m.Name);
    expect(members).toContain(USERS.adelev.name);
    expect((await invoke(emulator(), 'Remove-RoleGroupMember', params)).status).toBe(200);
    const gone = await invoke(emulator(), 'Remove-RoleGroupMember', params);
    expect(cmdletFailure(gone.body).TypeName).toBe('Microsoft.Exchange.Management.Tasks.MemberNotFoundException');
    const nobody = await invoke(emulator(), 'Add-RoleGroupMember', { ...params, Member: 'nobody' });
    expect(nobody.status).toBe(404);
  });
});
