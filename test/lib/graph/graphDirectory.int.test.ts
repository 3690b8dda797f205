import { describe, expect, it } from 'vitest';
import { GraphDirectory, MAX_BATCH } from '../../../lib/graph/graphDirectory.js';
import { filterEquals, odataString } from '../../../lib/graph/odata.js';
import { PermissionError, ThrottledError, TransientError } from '../../../lib/ports/index.js';
import { TEST_TOKEN, fakeServicePerTest, type RecordedRequest, type Reply } from '../../support/fakeServer.js';

const fake = fakeServicePerTest(({ url, ...access }) => new GraphDirectory({ graphUrl: url, ...access }));
const directoryFor = fake.clientFor;

/** Graph's 429 with a Retry-After of `seconds`. */
const tooManyRequests = (seconds: string, message: string): Reply => ({
  status: 429,
  headers: { 'retry-after': seconds },
  json: { error: { code: 'TooManyRequests', message } },
});
/** Graph's 403 for a missing permission. */
const accessDenied = (message: string): Reply => ({
  status: 403,
  json: { error: { code: 'Authorization_RequestDenied', message } },
});

interface BatchBody {
  requests: { id: string; method: string; url: string }[];
}

/** Answers each $batch request with `respond`'s answer to each of its sub-requests. */
const eachInBatch =
  (respond: (q: BatchBody['requests'][number]) => unknown) =>
  (r: RecordedRequest): Reply => ({
    status: 200,
    json: { responses: (JSON.parse(r.body) as BatchBody).requests.map(respond) },
  });

/** The answer to sub-request `q` of a $batch: these rows. */
const rowsFor = (q: BatchBody['requests'][number], ...value: unknown[]) => ({ id: q.id, status: 200, body: { value } });

const id = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;
const user = (n: number) => ({
  '@odata.type': '#microsoft.graph.user',
  id: id(n),
  displayName: `User ${n}`,
  userPrincipalName: `User${n}@contoso.onmicrosoft.com`,
  accountEnabled: true,
});

describe('OData escaping', () => {
  it('doubles single quotes and URL-encodes the filter', () => {
    expect(odataString("O'Brien")).toBe("'O''Brien'");
    expect(decodeURIComponent(filterEquals('appId', "x' or 1 eq 1 or appId eq '"))).toBe(
      "appId eq 'x'' or 1 eq 1 or appId eq '''",
    );
    expect(() => filterEquals('appId eq 1 or x', 'v')).toThrow();
  });
});

describe('GraphDirectory over real HTTP', () => {
  it('reads a user by UPN with the bearer token, and gives undefined for a 404', async () => {
    const directory = await directoryFor((r) =>
      r.url.startsWith('/v1.0/users/alexw%40contoso.onmicrosoft.com')
        ? {
            status: 200,
            json: {
              id: id(1),
              displayName: 'Alex Wilber',
              userPrincipalName: 'AlexW@contoso.onmicrosoft.com',
              accountEnabled: true,
            },
          }
        : { status: 404, json: { error: { code: 'Request_ResourceNotFound', message: 'does not exist' } } },
    );
    expect(await directory.getUser('alexw@contoso.onmicrosoft.com')).toEqual({
      id: id(1),
      type: 'user',
      displayName: 'Alex Wilber',
      userPrincipalName: 'alexw@contoso.onmicrosoft.com',
      mail: undefined,
      appId: undefined,
      accountEnabled: true,
    });
    expect(fake.server().requests[0]!.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
    expect(await directory.getUser('nobody@contoso.onmicrosoft.com')).toBeUndefined();
  });

  it('honours a fractional Retry-After on 429 and then succeeds', async () => {
    const directory = await directoryFor((_r, i) =>
      i === 0 ? tooManyRequests('0.12', 'slow down') : { status: 200, json: user(1) },
    );
    expect((await directory.getUser(id(1)))?.displayName).toBe('User 1');
    expect(fake.server().requests[1]!.at - fake.server().requests[0]!.at).toBeGreaterThanOrEqual(110);
  });

  it('ends in ThrottledError / TransientError when the service does not recover', async () => {
    const throttled = await directoryFor(() => tooManyRequests('0.01', 'x'));
    const error = await throttled.getUser('a@contoso.onmicrosoft.com').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).attempts).toBe(4);
    await fake.server().close();
    const reset = await directoryFor(() => 'reset');
    const failure = await reset.getUser('a@contoso.onmicrosoft.com').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransientError);
    expect((failure as Error).message).toMatch(
      /Microsoft Graph GET \/v1\.0\/users\/.*connection failed .* after 4 attempt/,
    );
  });

  it('turns 403 into a PermissionError naming the application permission', async () => {
    const directory = await directoryFor(() => accessDenied('Insufficient privileges to complete the operation.'));
    const error = await directory
      .getDirectoryRoleHolders(['62e90394-69f5-4237-9190-012177145e10'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toMatch(/RoleManagement\.Read\.Directory/);
  });

  it('resolves principals per type in $batch requests of at most 20, retrying only throttled sub-requests', async () => {
    let throttledOnce = false;
    const directory = await directoryFor(
      eachInBatch((q) => {
        const [, collection, digits] = /^\/(\w+)\/0+-0+-0+-0+-(\d+)\?/.exec(q.url) ?? [];
        const n = Number(digits);
        if (collection === 'users' && n === 7 && !throttledOnce) {
          throttledOnce = true;
          return {
            id: q.id,
            status: 429,
            headers: { 'Retry-After': '0.05' },
            body: { error: { code: 'TooManyRequests' } },
          };
        }
        if (collection === 'users' && n <= 40)
          return {
            id: q.id,
            status: 200,
            body: { id: id(n), displayName: `User ${n}`, userPrincipalName: `User${n}@contoso.onmicrosoft.com` },
          };
        if (collection === 'servicePrincipals' && n > 40 && n < 44)
          return { id: q.id, status: 200, body: { id: id(n), displayName: `App ${n}`, appId: `APP-${n}` } };
        if (collection === 'groups' && n === 45)
          return { id: q.id, status: 200, body: { id: id(n), displayName: 'Group 45' } };
        return { id: q.id, status: 404, body: { error: { code: 'Request_ResourceNotFound' } } };
      }),
    );
    const ids = Array.from({ length: 45 }, (_, i) => id(i + 1).toUpperCase());
    const found = await directory.getPrincipals([...ids, id(3), 'not-an-object-id']);
    const batches = fake
      .server()
      .requests.map((r) => (JSON.parse(r.body) as BatchBody).requests.map((q) => q.url.split('/')[1]));
    expect(fake.server().requests.every((r) => r.url === '/v1.0/$batch' && r.method === 'POST')).toBe(true);
    expect(batches.map((b) => `${b[0]}:${b.length}`)).toEqual(
      expect.arrayContaining(['users:20', 'users:20', 'users:5', 'users:1', 'servicePrincipals:5', 'groups:2']),
    );
    expect(batches).toHaveLength(6);
    expect(Math.max(...batches.map((b) => b.length))).toBe(MAX_BATCH);
    expect(found.size).toBe(44);
    expect(found.get(id(7))).toMatchObject({ type: 'user', userPrincipalName: 'user7@contoso.onmicrosoft.com' });
    expect(found.get(id(42))).toMatchObject({ type: 'servicePrincipal', appId: 'app-42' });
    expect(found.get(id(45))).toMatchObject({ type: 'group', displayName: 'Group 45' });
    expect(found.has(id(44))).toBe(false);
  });

  it('follows @odata.nextLink through every page of transitive members', async () => {
    const directory = await directoryFor((r) => {
      if (r.url === '/v1.0/$batch') {
        const q = (JSON.parse(r.body) as BatchBody).requests[0]!;
        expect(q.url).toMatch(/^\/groups\/g1\/transitiveMembers\?\$select=/);
        return {
          status: 200,
          json: {
            responses: [
              {
                id: q.id,
                status: 200,
                body: {
                  value: [user(1)],
                  '@odata.nextLink': `${fake.server().url}/v1.0/groups/g1/transitiveMembers?$skiptoken=p2`,
                },
              },
            ],
          },
        };
      }
      if (r.url.includes('skiptoken=p2'))
        return {
          status: 200,
          json: {
            value: [
              user(2),
              { '@odata.type': '#microsoft.graph.group', id: id(9), displayName: 'Migration Contractors' },
            ],
            '@odata.nextLink': `${fake.server().url}/v1.0/groups/g1/transitiveMembers?$skiptoken=p3`,
          },
        };
      return { status: 200, json: { value: [user(3)] } };
    });
    const members = await directory.getTransitiveMembers('g1');
    expect(members.map((m) => `${m.type}:${m.displayName}`)).toEqual([
      'user:User 1',
      'user:User 2',
      'group:Migration Contractors',
      'user:User 3',
    ]);
    expect(fake.server().requests.map((r) => r.url)).toEqual([
      '/v1.0/$batch',
      '/v1.0/groups/g1/transitiveMembers?$skiptoken=p2',
      '/v1.0/groups/g1/transitiveMembers?$skiptoken=p3',
    ]);
  });

  it('resolves directory role holders, expanding role-assignable groups transitively', async () => {
    const GA = '62e90394-69f5-4237-9190-012177145e10';
    const EA = '29232cdf-9323-42fd-ade2-1d097af3e4de';
    const directory = await directoryFor(
      eachInBatch((q) => {
        if (q.url.includes(encodeURIComponent(`roleDefinitionId eq '${GA}'`)))
          return rowsFor(q, { roleDefinitionId: GA, principal: user(1) }, { roleDefinitionId: GA, principal: null });
        if (q.url.includes(encodeURIComponent(`roleDefinitionId eq '${EA}'`)))
          return rowsFor(q, {
            roleDefinitionId: EA,
            principal: { '@odata.type': '#microsoft.graph.group', id: id(50), displayName: 'Exchange Admins' },
          });
        if (q.url.startsWith(`/groups/${id(50)}/transitiveMembers`))
          return rowsFor(q, user(2), { '@odata.type': '#microsoft.graph.group', id: id(51) });
        return { id: q.id, status: 400, body: { error: { code: 'BadRequest', message: q.url } } };
      }),
    );
    const holders = await directory.getDirectoryRoleHolders([GA, EA]);
    expect(holders.map((h) => [h.roleDefinitionId, h.principal.userPrincipalName, h.viaGroup?.displayName])).toEqual([
      [GA, 'user1@contoso.onmicrosoft.com', undefined],
      [EA, 'user2@contoso.onmicrosoft.com', 'Exchange Admins'],
    ]);
    expect(decodeURIComponent((JSON.parse(fake.server().requests[0]!.body) as BatchBody).requests[0]!.url)).toBe(
      `/roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '${GA}'&$expand=principal`,
    );
  });

  it('finds holders of an application permission through appRoleAssignedTo', async () => {
    const ROLE = 'e2a7b1c4-0000-4000-8000-000000000001';
    const directory = await directoryFor((r) => {
      if (r.url.startsWith('/v1.0/servicePrincipals?')) {
        expect(decodeURIComponent(r.url)).toContain("$filter=appId eq '00000003-0000-0000-c000-000000000000'");
        return {
          status: 200,
          json: {
            value: [
              {
                id: 'graph-sp',
                appId: '00000003-0000-0000-c000-000000000000',
                appRoles: [
                  { id: ROLE, value: 'MailboxItem.ImportExport.All' },
                  { id: 'other', value: 'Mail.Read' },
                ],
              },
            ],
          },
        };
      }
      if (r.url.startsWith('/v1.0/servicePrincipals/graph-sp/appRoleAssignedTo')) {
        return {
          status: 200,
          json: {
            value: [
              {
                id: 'as-1',
                appRoleId: ROLE,
                principalId: id(70),
                principalType: 'ServicePrincipal',
                principalDisplayName: 'Contoso Migration Tool',
                createdDateTime: '2024-01-02T03:04:05Z',
              },
              { id: 'as-2', appRoleId: 'other', principalId: id(71), principalType: 'ServicePrincipal' },
            ],
          },
        };
      }
      const q = (JSON.parse(r.body) as BatchBody).requests[0]!;
      if (q.url.startsWith('/users/'))
        return {
          status: 200,
          json: { responses: [{ id: q.id, status: 404, body: { error: { code: 'Request_ResourceNotFound' } } }] },
        };
      return {
        status: 200,
        json: {
          responses: [
            { id: q.id, status: 200, body: { id: id(70), appId: 'APP-70', displayName: 'Contoso Migration Tool' } },
          ],
        },
      };
    });
    const holders = await directory.getAppRoleHolders('00000003-0000-0000-c000-000000000000', [
      'MailboxItem.ImportExport.All',
    ]);
    expect(holders).toEqual([
      {
        appRoleId: ROLE,
        appRoleValue: 'MailboxItem.ImportExport.All',
        assignmentId: 'as-1',
        createdAt: '2024-01-02T03:04:05Z',
        principal: {
          id: id(70),
          type: 'servicePrincipal',
          displayName: 'Contoso Migration Tool',
          userPrincipalName: undefined,
          mail: undefined,
          appId: 'app-70',
          accountEnabled: undefined,
        },
      },
    ]);
  });

  it('fails a batched read when a sub-request is denied', async () => {
    const directory = await directoryFor((r) => {
      const q = (JSON.parse(r.body) as BatchBody).requests[0]!;
      return {
        status: 200,
        json: {
          responses: [
            {
              id: q.id,
              status: 403,
              body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges' } },
            },
          ],
        },
      };
    });
    const error = await directory.getTransitiveMembers('g1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toMatch(/GroupMember\.Read\.All/);
  });
});

describe('GraphDirectory audit log queries (beta)', () => {
  const query = (status: string) => ({
    id: 'q-1',
    displayName: 'who',
    status,
    filterStartDateTime: '2026-05-01T00:00:00Z',
    filterEndDateTime: '2026-11-01T00:00:00Z',
  });
  const record = (n: number) => ({
    id: `r-${n}`,
    createdDateTime: `2026-10-0${n}T10:00:00Z`,
    operation: 'New-ManagementRoleAssignment',
    userPrincipalName: 'Admin@contoso.onmicrosoft.com',
    objectId: `Mailbox Import Export-User${n}`,
    auditData: { Parameters: [{ Name: 'User', Value: `User${n}` }] },
  });

  it('POSTs the exchangeAdmin query body on beta, GETs the status by encoded id, and follows record pages', async () => {
    const directory = await directoryFor((r) => {
      if (r.method === 'POST') return { status: 201, json: query('notStarted') };
      if (r.url === '/beta/security/auditLog/queries/q%2F1') return { status: 200, json: query('running') };
      if (r.url.startsWith('/beta/security/auditLog/queries/q-1/records?$skiptoken=2'))
        return { status: 200, json: { value: [record(3)] } };
      if (r.url.startsWith('/beta/security/auditLog/queries/q-1/records')) {
        return {
          status: 200,
          json: {
            value: [record(1), record(2)],
            '@odata.nextLink': `${fake.server().url}/beta/security/auditLog/queries/q-1/records?$skiptoken=2`,
          },
        };
      }
      return { status: 404, json: { error: { code: 'NotFound', message: 'no' } } };
    });
    const started = await directory.startAuditLogQuery({
      displayName: 'who',
      from: '2026-05-01T00:00:00.000Z',
      to: '2026-11-01T00:00:00.000Z',
      operations: ['New-ManagementRoleAssignment', 'Add-RoleGroupMember'],
    });
    expect(started).toMatchObject({ id: 'q-1', status: 'notStarted' });
    expect(fake.server().requests[0]!.url).toBe('/beta/security/auditLog/queries');
    expect(JSON.parse(fake.server().requests[0]!.body)).toEqual({
      displayName: 'who',
      filterStartDateTime: '2026-05-01T00:00:00.000Z',
      filterEndDateTime: '2026-11-01T00:00:00.000Z',
      recordTypeFilters: ['exchangeAdmin'],
      operationFilters: ['New-ManagementRoleAssignment', 'Add-RoleGroupMember'],
    });
    expect((await directory.getAuditLogQuery('q/1'))?.status).toBe('running');
    expect(await directory.getAuditLogQuery('gone')).toBeUndefined();
    const records = await directory.listAuditLogRecords('q-1');
    expect(records.map((r) => r.id)).toEqual(['r-1', 'r-2', 'r-3']);
    expect(records[0]).toMatchObject({
      userPrincipalName: 'admin@contoso.onmicrosoft.com',
      objectId: 'Mailbox Import Export-User1',
      auditData: { Parameters: [{ Name: 'User', Value: 'User1' }] },
    });
  });

  it('retries a throttled status read and names AuditLogsQuery-Exchange.Read.All on 403', async () => {
    const throttled = await directoryFor((_r, i) =>
      i === 0 ? tooManyRequests('0.01', 'x') : { status: 200, json: query('succeeded') },
    );
    expect((await throttled.getAuditLogQuery('q-1'))?.status).toBe('succeeded');
    expect(fake.server().requests).toHaveLength(2);
    await fake.server().close();
    const denied = await directoryFor(() => accessDenied('Insufficient privileges'));
    const error = await denied
      .startAuditLogQuery({
        displayName: 'x',
        from: '2026-05-01T00:00:00.000Z',
        to: '2026-11-01T00:00:00.000Z',
        operations: [],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toContain('AuditLogsQuery-Exchange.Read.All');
  });

  it('refuses a query without an id or status, and a next link to another host', async () => {
    const broken = await directoryFor((r) =>
      r.method === 'POST'
        ? { status: 201, json: { displayName: 'no id' } }
        : {
            status: 200,
            json: {
              value: [record(1)],
              '@odata.nextLink': 'https://elsewhere.example/beta/security/auditLog/queries/q-1/records?$skiptoken=2',
            },
          },
    );
    await expect(broken.startAuditLogQuery({ displayName: 'x', from: 'a', to: 'b', operations: [] })).rejects.toThrow(
      /no id or status/,
    );
    await expect(broken.listAuditLogRecords('q-1')).rejects.toThrow(/refusing to send the token/);
  });
});
