/** The Graph routes over real HTTP, then through the production GraphDirectory. */
import { describe, expect, it } from 'vitest';
import { EMULATOR_TOKEN } from '../../../contract/emulator.js';
import { GLOBAL_ADMINISTRATOR_ROLE_ID, GRAPH_APP_ID, MAILBOX_IMPORT_EXPORT_APP_ROLE } from '../../../lib/domain.js';
import { GraphDirectory } from '../../../lib/graph/graphDirectory.js';
import { GRAPH_APP_ROLES, GRAPH_SP_ID, WATCHDOG_APP } from '../../../emulator/scenarios/baseTenant.js';
import { CONTOSO_MIGRATION_TOOL, GROUPS, USERS } from '../../../emulator/scenarios/forgottenMigrations.js';
import { silentLogger } from '../../../testkit/loggers.js';
import { useEmulator } from '../../support/emulator.js';
import { graph, invoke, type Json } from '../../support/emulatorHttp.js';

const emulator = useEmulator();

describe('Graph routes', () => {
  it('gets a user by UPN or id with the default properties; accountEnabled only on $select', async () => {
    const byUpn = await graph(emulator(), `/v1.0/users/${encodeURIComponent(USERS.alexw.userPrincipalName)}`);
    expect(byUpn.status).toBe(200);
    expect(byUpn.body).toMatchObject({
      id: USERS.alexw.id,
      userPrincipalName: USERS.alexw.userPrincipalName,
      displayName: USERS.alexw.displayName,
    });
    expect(byUpn.body.accountEnabled).toBeUndefined();
    const selected = await graph(emulator(), `/beta/users/${USERS.alexw.id}?$select=id,accountEnabled`);
    expect(selected.body).toMatchObject({ id: USERS.alexw.id, accountEnabled: true });
    expect(selected.body.displayName).toBeUndefined();
  });

  it('answers unknown ids with 404 and the OData error envelope', async () => {
    const res = await graph(emulator(), '/v1.0/users/nobody@contoso.onmicrosoft.com');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      code: 'Request_ResourceNotFound',
      message: expect.stringContaining('nobody@contoso.onmicrosoft.com'),
    });
    expect(
      (await graph(emulator(), '/v1.0/groups/00000000-0000-0000-0000-000000000000/transitiveMembers')).status,
    ).toBe(404);
    expect(
      (await graph(emulator(), '/v1.0/servicePrincipals/00000000-0000-0000-0000-000000000000/appRoleAssignedTo'))
        .status,
    ).toBe(404);
    const segment = await graph(emulator(), '/v1.0/nothingHere');
    expect(segment.status).toBe(400);
    expect(segment.body.error.code).toBe('BadRequest');
  });

  it('answers 401 without or with a foreign token, and 403 without the application permission', async () => {
    expect((await graph(emulator(), '/v1.0/users', { token: null })).body.error.code).toBe(
      'InvalidAuthenticationToken',
    );
    expect((await graph(emulator(), '/v1.0/users', { token: 'nope' })).status).toBe(401);
    const state = emulator().state;
    state.appRoleAssignments.splice(
      0,
      state.appRoleAssignments.length,
      ...state.appRoleAssignments.filter(
        (a) =>
          !(
            a.principalId === WATCHDOG_APP.id &&
            a.resourceId === GRAPH_SP_ID &&
            a.appRoleId !== GRAPH_APP_ROLES.applicationReadAll.id
          ),
      ),
    );
    const denied = await graph(emulator(), `/v1.0/groups/${GROUPS.legacyMigrationTeam.id}/transitiveMembers`);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('Authorization_RequestDenied');
    expect(denied.body.error.message).toContain('GroupMember.Read.All');
    expect((await graph(emulator(), `/v1.0/servicePrincipals/${GRAPH_SP_ID}`)).status).toBe(200);
  });

  it('pages transitiveMembers with $top and @odata.nextLink, nested groups included', async () => {
    const first = await graph(
      emulator(),
      `/v1.0/groups/${GROUPS.legacyMigrationTeam.id}/transitiveMembers?$top=2&$select=id,userPrincipalName`,
    );
    expect(first.body.value).toHaveLength(2);
    expect(first.body['@odata.nextLink']).toContain('$skiptoken=');
    const second = await graph(emulator(), first.body['@odata.nextLink']);
    expect(second.body['@odata.nextLink']).toBeUndefined();
    const all = [...first.body.value, ...second.body.value];
    expect(all.map((m: Json) => [m['@odata.type'], m.id]).sort()).toEqual(
      [
        ['#microsoft.graph.user', USERS.johannal.id],
        ['#microsoft.graph.group', GROUPS.migrationContractors.id],
        ['#microsoft.graph.user', USERS.isaiahl.id],
      ].sort(),
    );
    expect(
      (await graph(emulator(), `/v1.0/groups/${GROUPS.legacyMigrationTeam.id}/transitiveMembers?$top=1000`)).status,
    ).toBe(400);
  });

  it('filters directory role assignments by roleDefinitionId and expands the principal', async () => {
    const res = await graph(
      emulator(),
      `/v1.0/roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '${GLOBAL_ADMINISTRATOR_ROLE_ID}'&$expand=principal`,
    );
    expect(res.status).toBe(200);
    expect(
      res.body.value
        .map((a: Json) => [
          a.roleDefinitionId,
          a.directoryScopeId,
          a.principal['@odata.type'],
          a.principal.userPrincipalName,
        ])
        .sort(),
    ).toEqual(
      [
        [GLOBAL_ADMINISTRATOR_ROLE_ID, '/', '#microsoft.graph.user', USERS.admin.userPrincipalName],
        [GLOBAL_ADMINISTRATOR_ROLE_ID, '/', '#microsoft.graph.user', USERS.breakglass1.userPrincipalName],
      ].sort(),
    );
    expect(
      (
        await graph(
          emulator(),
          `/v1.0/roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '${GLOBAL_ADMINISTRATOR_ROLE_ID}`,
        )
      ).status,
    ).toBe(400);
    expect(
      (await graph(emulator(), `/v1.0/roleManagement/directory/roleAssignments?$filter=colour eq 'red'`)).body.error
        .code,
    ).toBe('Request_UnsupportedQuery');
  });

  it('finds the Graph service principal by appId and pages who holds its app roles', async () => {
    const sp = await graph(
      emulator(),
      `/v1.0/servicePrincipals?$filter=appId eq '${GRAPH_APP_ID}'&$select=id,appId,appRoles`,
    );
    expect(sp.body.value).toHaveLength(1);
    const [graphSp] = sp.body.value;
    expect(graphSp.appRoles.find((r: Json) => r.value === MAILBOX_IMPORT_EXPORT_APP_ROLE)?.id).toBe(
      GRAPH_APP_ROLES.mailboxItemImportExportAll.id,
    );
    expect((await graph(emulator(), `/v1.0/servicePrincipals(appId='${GRAPH_APP_ID}')`)).body.id).toBe(GRAPH_SP_ID);
    const rows: Json[] = [];
    let next: string | undefined = `/v1.0/servicePrincipals/${graphSp.id}/appRoleAssignedTo?$top=1`;
    let pages = 0;
    while (next) {
      const page = await graph(emulator(), next);
      rows.push(...page.body.value);
      next = page.body['@odata.nextLink'];
      pages++;
    }
    expect(pages).toBe(rows.length);
    expect(rows.filter((r) => r.appRoleId === GRAPH_APP_ROLES.mailboxItemImportExportAll.id)).toEqual([
      expect.objectContaining({
        principalId: CONTOSO_MIGRATION_TOOL.id,
        principalType: 'ServicePrincipal',
        principalDisplayName: CONTOSO_MIGRATION_TOOL.displayName,
        resourceId: GRAPH_SP_ID,
      }),
    ]);
  });

  it('resolves objects with getByIds and individual directoryObjects lookups, which need Directory.Read.All', async () => {
    const denied = await graph(emulator(), `/v1.0/directoryObjects/${USERS.alexw.id}`);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('Directory.Read.All');
    emulator().state.appRoleAssignments.push({
      id: 'wdDirectoryReadAll',
      resourceId: GRAPH_SP_ID,
      appRoleId: GRAPH_APP_ROLES.directoryReadAll.id,
      principalId: WATCHDOG_APP.id,
      createdDateTime: '2026-01-01T00:00:00Z',
    });
    const res = await graph(emulator(), '/v1.0/directoryObjects/getByIds', {
      method: 'POST',
      body: { ids: [USERS.alexw.id, GROUPS.legacyMigrationTeam.id, 'missing'] },
    });
    expect(res.body.value.map((o: Json) => o['@odata.type'])).toEqual([
      '#microsoft.graph.user',
      '#microsoft.graph.group',
    ]);
    expect((await graph(emulator(), `/v1.0/directoryObjects/${CONTOSO_MIGRATION_TOOL.id}`)).body).toMatchObject({
      '@odata.type': '#microsoft.graph.servicePrincipal',
      appId: CONTOSO_MIGRATION_TOOL.appId,
    });
  });

  it('$batch: up to 20 requests with their own statuses, 400 above 20, 429 with Retry-After inside', async () => {
    const requests = Object.values(USERS).map((u, i) => ({
      id: String(i + 1),
      method: 'GET',
      url: `/users/${u.id}?$select=id`,
    }));
    requests.push({ id: '99', method: 'GET', url: '/users/missing' });
    emulator().faults.add({ route: 'graph:/users/*', fault: { kind: 'throttle', retryAfterSeconds: 0.5 }, calls: [2] });
    const res = await graph(emulator(), '/v1.0/$batch', { method: 'POST', body: { requests } });
    expect(res.status).toBe(200);
    const byId = new Map(res.body.responses.map((r: Json) => [r.id, r]));
    expect(byId.get('1')).toMatchObject({ status: 200, body: { id: USERS.admin.id } });
    expect(byId.get('2')).toMatchObject({
      status: 429,
      headers: { 'Retry-After': '0.5' },
      body: { error: { code: 'TooManyRequests' } },
    });
    expect(byId.get('99')).toMatchObject({ status: 404 });
    expect(
      emulator()
        .calls.where({ api: 'graph', name: /^\/users\// })
        .every((c) => c.batch),
    ).toBe(true);

    const tooMany = Array.from({ length: 21 }, (_, i) => ({
      id: String(i),
      method: 'GET',
      url: `/users/${USERS.alexw.id}`,
    }));
    const rejected = await graph(emulator(), '/v1.0/$batch', { method: 'POST', body: { requests: tooMany } });
    expect(rejected.status).toBe(400);
    expect(rejected.body.error.message).toContain('20');
  });
});

describe('Graph through the production GraphDirectory', () => {
  const directory = () =>
    new GraphDirectory({
      graphUrl: emulator().url,
      credential: { getToken: async () => ({ token: EMULATOR_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) },
      policy: { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 5_000 },
      logger: silentLogger,
    });

  it('reads users, transitive members across pages, role holders and app role holders', async () => {
    const d = directory();
    expect((await d.getUser(USERS.lynner.userPrincipalName))?.id).toBe(USERS.lynner.id);
    const members = await d.getTransitiveMembers(GROUPS.legacyMigrationTeam.id);
    expect(members.map((m) => m.id).sort()).toEqual(
      [USERS.johannal.id, GROUPS.migrationContractors.id, USERS.isaiahl.id].sort(),
    );
    const holders = await d.getDirectoryRoleHolders([GLOBAL_ADMINISTRATOR_ROLE_ID]);
    expect(holders.map((h) => h.principal.userPrincipalName).sort()).toEqual(
      [USERS.admin.userPrincipalName, USERS.breakglass1.userPrincipalName].sort(),
    );
    const apps = await d.getAppRoleHolders(GRAPH_APP_ID, [MAILBOX_IMPORT_EXPORT_APP_ROLE]);
    expect(apps.map((a) => a.principal.appId)).toEqual([CONTOSO_MIGRATION_TOOL.appId]);
  });

  it('retries a throttled Graph call after Retry-After and resolves principals by $batch', async () => {
    emulator().faults.add({ route: 'graph:/users/*', fault: { kind: 'throttle', retryAfterSeconds: 0.02 }, times: 1 });
    expect((await directory().getUser(USERS.meganb.userPrincipalName))?.displayName).toBe(USERS.meganb.displayName);
    expect(
      emulator()
        .calls.where({ api: 'graph', name: /^\/users\// })
        .map((c) => c.status),
    ).toEqual([429, 200]);
    const found = await directory().getPrincipals(Object.values(USERS).map((u) => u.id));
    expect(found.size).toBe(Object.keys(USERS).length);
  });
});

/** Gives the watchdog's app AuditLogsQuery-Exchange.Read.All, which the audit log search needs. */
const grantAuditLogQueries = () =>
  emulator().state.appRoleAssignments.push({
    id: 'wdAuditLogsQuery',
    resourceId: GRAPH_SP_ID,
    appRoleId: GRAPH_APP_ROLES.auditLogsQueryExchangeReadAll.id,
    principalId: WATCHDOG_APP.id,
    createdDateTime: '2026-01-01T00:00:00Z',
  });

describe('Graph beta audit log queries (Purview audit search)', () => {
  const body = {
    displayName: 'who made it',
    filterStartDateTime: '2023-01-01T00:00:00Z',
    filterEndDateTime: '2023-07-01T00:00:00Z',
    recordTypeFilters: ['exchangeAdmin'],
    operationFilters: ['New-ManagementRoleAssignment', 'Add-RoleGroupMember'],
  };

  it('answers 403 Authorization_RequestDenied without AuditLogsQuery-Exchange.Read.All (not granted by default)', async () => {
    const res = await graph(emulator(), '/beta/security/auditLog/queries', { method: 'POST', body });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      code: 'Authorization_RequestDenied',
      message: expect.stringContaining('AuditLogsQuery-Exchange.Read.All'),
    });
    expect((await graph(emulator(), '/beta/security/auditLog/queries/x')).status).toBe(403);
  });

  it('creates a query notStarted, then running, then succeeded; records are paged with the Exchange parameters', async () => {
    grantAuditLogQueries();
    const created = await graph(emulator(), '/beta/security/auditLog/queries', { method: 'POST', body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      status: 'notStarted',
      displayName: 'who made it',
      recordTypeFilters: ['exchangeAdmin'],
    });
    const path = `/beta/security/auditLog/queries/${created.body.id}`;
    expect((await graph(emulator(), `${path}/records`)).status).toBe(400);
    expect((await graph(emulator(), path)).body.status).toBe('running');
    expect((await graph(emulator(), path)).body.status).toBe('succeeded');

    const rows: Json[] = [];
    let next: string | undefined = `${path}/records?$top=2`;
    let pages = 0;
    while (next) {
      const page = await graph(emulator(), next);
      expect(page.status).toBe(200);
      rows.push(...page.body.value);
      next = page.body['@odata.nextLink'];
      pages++;
    }
    expect(pages).toBe(3);
    // Six seeded 2023 records; the one from September is outside the window.
    expect(rows.map((r) => r.operation)).toEqual([
      'New-ManagementRoleAssignment',
      'New-ManagementRoleAssignment',
      'Add-RoleGroupMember',
      'Add-RoleGroupMember',
      'New-ManagementRoleAssignment',
    ]);
    expect(rows[0]).toMatchObject({
      createdDateTime: '2023-03-14T09:12:43.000Z',
      auditLogRecordType: 'exchangeAdmin',
      userPrincipalName: USERS.admin.userPrincipalName,
      objectId: 'Mailbox Import Export-AlexW',
      auditData: { Parameters: expect.arrayContaining([{ Name: 'User', Value: 'AlexW' }]) },
    });
    expect((await graph(emulator(), '/beta/security/auditLog/queries/nope')).status).toBe(404);
  });

  it('records New-ManagementRoleAssignment and Add-RoleGroupMember run through the emulator, by the caller app', async () => {
    grantAuditLogQueries();
    const before = emulator().state.auditRecords.length;
    expect(
      (
        await invoke(emulator(), 'New-ManagementRoleAssignment', {
          Role: 'Mailbox Import Export',
          User: USERS.meganb.userPrincipalName,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await invoke(emulator(), 'Add-RoleGroupMember', {
          Identity: 'PST Migration Operators',
          Member: USERS.adelev.userPrincipalName,
        })
      ).status,
    ).toBe(200);
    const added = emulator().state.auditRecords.slice(before);
    expect(added.map((r) => [r.operation, r.userPrincipalName, r.objectId])).toEqual([
      ['New-ManagementRoleAssignment', WATCHDOG_APP.appId, 'Mailbox Import Export-MeganB'],
      ['Add-RoleGroupMember', WATCHDOG_APP.appId, 'PST Migration Operators'],
    ]);
    emulator().state.auditLogQueryDelayMs = 0;
    const now = Date.now();
    const created = await graph(emulator(), '/beta/security/auditLog/queries', {
      method: 'POST',
      body: {
        ...body,
        filterStartDateTime: new Date(now - 60_000).toISOString(),
        filterEndDateTime: new Date(now + 60_000).toISOString(),
      },
    });
    const records = await graph(emulator(), `/beta/security/auditLog/queries/${created.body.id}/records`);
    expect(records.body.value.map((r: Json) => r.operation)).toEqual([
      'New-ManagementRoleAssignment',
      'Add-RoleGroupMember',
    ]);
  });

  it('refuses a malformed query body and the v1.0 path', async () => {
    grantAuditLogQueries();
    for (const malformed of [
      { ...body, filterStartDateTime: 'yesterday' },
      { ...body, filterEndDateTime: '2022-01-01T00:00:00Z' },
    ])
      expect(
        (await graph(emulator(), '/beta/security/auditLog/queries', { method: 'POST', body: malformed })).status,
      ).toBe(400);
    expect((await graph(emulator(), '/v1.0/security/auditLog/queries', { method: 'POST', body })).status).toBe(400);
  });
});

describe('audit log queries through the production GraphDirectory', () => {
  it('starts a query, polls it to succeeded and reads every record page', async () => {
    grantAuditLogQueries();
    const d = new GraphDirectory({
      graphUrl: emulator().url,
      credential: { getToken: async () => ({ token: EMULATOR_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) },
      policy: { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 5_000 },
      logger: silentLogger,
    });
    const q = await d.startAuditLogQuery({
      displayName: 'x',
      from: '2023-01-01T00:00:00.000Z',
      to: '2023-12-31T00:00:00.000Z',
      operations: ['New-ManagementRoleAssignment'],
    });
    expect(q.status).toBe('notStarted');
    expect((await d.getAuditLogQuery(q.id))?.status).toBe('running');
    expect((await d.getAuditLogQuery(q.id))?.status).toBe('succeeded');
    const records = await d.listAuditLogRecords(q.id);
    expect(records.map((r) => r.objectId)).toEqual([
      'Mailbox Import Export-AlexW',
      'Mailbox Import Export-PST Migration Operators',
      'Mailbox Import Export-DiegoS',
      'MIE Legal Hold Export-NestorW',
    ]);
    expect(records[0]).toMatchObject({
      userPrincipalName: USERS.admin.userPrincipalName,
      operation: 'New-ManagementRoleAssignment',
      auditData: { Parameters: expect.any(Array) },
    });
    expect(await d.getAuditLogQuery('missing')).toBeUndefined();
  });
});
