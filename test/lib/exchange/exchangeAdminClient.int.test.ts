import { describe, expect, it } from 'vitest';
import { ExchangeAdminClient } from '../../../lib/exchange/exchangeAdminClient.js';
import { InvokeCommandClient, parseCmdletFailure, stripAnnotations } from '../../../lib/exchange/invokeCommand.js';
import {
  NotFoundError,
  PermissionError,
  RequestError,
  ThrottledError,
  TransientError,
} from '../../../lib/ports/index.js';
import {
  FAST_POLICY,
  TEST_TOKEN,
  fakeServicePerTest,
  testCredential,
  type RecordedRequest,
  type Reply,
} from '../../support/fakeServer.js';
import { warningLogger } from '../../../testkit/loggers.js';
import { cmdletOf, TENANT } from './support.js';

const PATH = `/adminapi/beta/${TENANT}/InvokeCommand`;
const logger = warningLogger();
const warned = logger.warnings;

const fake = fakeServicePerTest(({ url, ...access }) => {
  warned.length = 0;
  return new ExchangeAdminClient({ exchangeUrl: url, tenant: TENANT, ...access, logger });
});
const { clientFor } = fake;

const NOT_FOUND = 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException';
const ALREADY_EXISTS = 'Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException';

/** A cmdlet failure as the service answers it: HTTP `status` with the error envelope. */
function failure(status: number, typeName: string, message: string, code?: string): Reply {
  return { status, json: envelope(typeName, message, code) };
}

/** The service's 400 for a cmdlet that refused its input. */
const badRequest = (typeName: string, message: string): Reply => failure(400, typeName, message, 'BadRequest');

/** Answers the cmdlet `name` with `reply` and every other cmdlet with `otherwise`. */
function onCmdlet(name: string, reply: Reply, otherwise: Reply): (r: RecordedRequest) => Reply {
  return byCmdlet({ [name]: reply }, () => otherwise);
}

/** Answers each cmdlet named in `replies` with its reply, every other one with what `otherwise` gives at that call. */
function byCmdlet(replies: Record<string, Reply>, otherwise: () => Reply): (r: RecordedRequest) => Reply {
  return (r) => replies[cmdletOf(r).CmdletName] ?? otherwise();
}

/** A read answered with these rows. */
const rows = (...value: unknown[]): Reply => ({ status: 200, json: { value } });

/** The service's cmdlet error: details[0].message is "<string id>|<exception type>|<message>". */
function envelope(
  typeName: string,
  message: string,
  code = 'NotFound',
  id = typeName.endsWith('ManagementObjectNotFoundException') ? 'Ex6F9304' : '',
): unknown {
  return {
    error: {
      code,
      message: 'Error executing cmdlet',
      details: [{ code: 'Client', target: '', message: `${id}|${typeName}|${message}` }],
    },
  };
}

const alexRow = {
  'Guid@data.type': 'System.Guid',
  Guid: '8F0C2B6E-1A47-4A7B-9E55-0A7C5D1E2F01',
  Name: 'Mailbox Import Export-AlexW',
  Identity: 'Mailbox Import Export-AlexW',
  Role: 'Mailbox Import Export',
  RoleAssignee: 'AlexW',
  RoleAssigneeName: 'AlexW',
  'RoleAssigneeType@data.type': 'Microsoft.Exchange.Data.Directory.SystemConfiguration.RoleAssigneeType',
  RoleAssigneeType: 'User',
  AssignmentMethod: 'Direct',
  EffectiveUserName: 'AlexW',
  RoleAssignmentDelegationType: 'Regular',
  Enabled: true,
  RecipientWriteScope: 'Organization',
  WhenCreatedUTC: '2023-03-14T10:20:30Z',
  WhenChangedUTC: '/Date(1678789230000)/',
};

describe('ExchangeAdminClient over InvokeCommand', () => {
  it('POSTs the cmdlet with the anchor, page-size and bearer headers, switches as booleans', async () => {
    const client = await clientFor(() => ({ status: 200, json: { value: [alexRow] } }));
    const rows = await client.getEffectiveRoleAssignments('Mailbox Import Export');
    const [req] = fake.server().requests;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe(PATH);
    expect(req!.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
    expect(req!.headers['x-anchormailbox']).toBe(`APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${TENANT}`);
    expect(req!.headers.prefer).toBe('odata.maxpagesize=1000');
    expect(cmdletOf(req!)).toEqual({
      CmdletName: 'Get-ManagementRoleAssignment',
      Parameters: { Role: 'Mailbox Import Export', GetEffectiveUsers: true },
    });
    expect(rows).toEqual([
      {
        guid: '8f0c2b6e-1a47-4a7b-9e55-0a7c5d1e2f01',
        name: 'Mailbox Import Export-AlexW',
        identity: 'Mailbox Import Export-AlexW',
        role: 'Mailbox Import Export',
        roleAssignee: 'AlexW',
        roleAssigneeName: 'AlexW',
        roleAssigneeType: 'User',
        delegationType: 'Regular',
        enabled: true,
        recipientWriteScope: 'Organization',
        customRecipientWriteScope: undefined,
        recipientAdministrativeUnitScope: undefined,
        whenCreatedUtc: '2023-03-14T10:20:30.000Z',
        whenChangedUtc: '2023-03-14T10:20:30.000Z',
        effectiveUserName: 'AlexW',
        assignmentMethod: 'Direct',
      },
    ]);
  });

  it('pages by re-POSTing the same body to @odata.nextLink until there is none', async () => {
    const client = await clientFor((r) => {
      const page = new URL(r.url, 'http://x').searchParams.get('page');
      const row = (n: number) => ({ ...alexRow, Guid: `00000000-0000-0000-0000-00000000000${n}`, Name: `A${n}` });
      if (!page)
        return {
          status: 200,
          json: { value: [row(1), row(2)], '@odata.nextLink': `${fake.server().url}${PATH}?page=2` },
        };
      if (page === '2')
        return { status: 200, json: { value: [row(3)], '@odata.nextLink': `${fake.server().url}${PATH}?page=3` } };
      return { status: 200, json: { value: [row(4)] } };
    });
    const rows = await client.getRoleAssignments('Mailbox Import Export');
    expect(rows.map((r) => r.name)).toEqual(['A1', 'A2', 'A3', 'A4']);
    expect(fake.server().requests).toHaveLength(3);
    expect(new Set(fake.server().requests.map((r) => r.body)).size).toBe(1);
    expect(fake.server().requests.map((r) => r.method)).toEqual(['POST', 'POST', 'POST']);
  });

  it('fails the whole read when a later page keeps failing (never a partial list)', async () => {
    const client = await clientFor((r) =>
      r.url.includes('page=2')
        ? { status: 503, json: {} }
        : { status: 200, json: { value: [alexRow], '@odata.nextLink': `${fake.server().url}${PATH}?page=2` } },
    );
    const error = await client.getRoleAssignments('Mailbox Import Export').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/Exchange Online Get-ManagementRoleAssignment: HTTP 503 after 4 attempt/);
  });

  it('refuses a next link on another host rather than sending the token there', async () => {
    const client = await clientFor(() => ({
      status: 200,
      json: { value: [alexRow], '@odata.nextLink': 'https://evil.example/steal' },
    }));
    await expect(client.getRoleAssignments('Mailbox Import Export')).rejects.toThrow(/refusing to send the token/);
  });

  it('retries throttling with a fractional Retry-After and then a transient 500', async () => {
    const client = await clientFor((_r, i) => {
      if (i === 0)
        return {
          status: 429,
          headers: { 'retry-after': '0.1' },
          json: { error: { code: 'TooManyRequests', message: 'throttled' } },
        };
      if (i === 1) return { status: 500, json: { error: { code: 'InternalServerError', message: 'transient' } } };
      return { status: 200, json: { value: [] } };
    });
    expect(await client.getMieRoles()).toEqual([]);
    expect(fake.server().requests).toHaveLength(3);
    expect(fake.server().requests[1]!.at - fake.server().requests[0]!.at).toBeGreaterThanOrEqual(90);
  });

  it('ends in a ThrottledError that says how long Exchange asked to wait', async () => {
    const client = await clientFor(() => ({ status: 429, headers: { 'retry-after': '0.01' }, json: {} }));
    const error = await client.getMieRoles().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).attempts).toBe(4);
    expect((error as Error).message).toMatch(/throttled \(HTTP 429\) after 4 attempt\(s\)\. It asked to wait 0\.01s/);
  });

  it('turns 401 into a PermissionError naming Exchange.ManageAsApp and the cmdlet', async () => {
    const client = await clientFor(() => ({
      status: 401,
      json: { error: { code: 'Unauthorized', message: 'The role assigned to application isn\u2019t supported' } },
    }));
    const error = await client.removeRoleAssignment('8f0c2b6e-1a47-4a7b-9e55-0a7c5d1e2f01').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    const message = (error as Error).message;
    expect(message).toContain('Exchange.ManageAsApp');
    expect(message).toContain('00000002-0000-0ff1-ce00-000000000000');
    expect(message).toContain('allowing Remove-ManagementRoleAssignment');
    expect(message).not.toContain(TEST_TOKEN);
    expect(fake.server().requests).toHaveLength(1);
  });

  it('treats a cmdlet hidden by RBAC (CommandNotFoundException) as a missing permission', async () => {
    const client = await clientFor(() =>
      badRequest(
        'System.Management.Automation.CommandNotFoundException',
        "The term 'New-ManagementRoleAssignment' is not recognized",
      ),
    );
    const error = await client
      .newRoleAssignment({ name: 'x', role: 'Mailbox Import Export', user: 'AdeleV' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toMatch(/allowing New-ManagementRoleAssignment/);
  });

  it('parses the error envelope: ManagementObjectNotFoundException means undefined, and is not retried even on a 500', async () => {
    const client = await clientFor(() =>
      failure(500, NOT_FOUND, "The operation couldn't be performed because object 'nobody' couldn't be found."),
    );
    expect(await client.getUser('nobody')).toBeUndefined();
    expect(await client.getRecipient('nobody')).toBeUndefined();
    expect(await client.getRoleAssignment('5b1c0f6e-0000-0000-0000-000000000000')).toBeUndefined();
    expect(fake.server().requests).toHaveLength(3);
  });

  it('makes a retried removal of a gone assignment a success ("absent")', async () => {
    const client = await clientFor((_r, i) => (i === 0 ? 'reset' : failure(404, NOT_FOUND, 'not found')));
    expect(await client.removeRoleAssignment('8f0c2b6e-1a47-4a7b-9e55-0a7c5d1e2f01')).toBe('absent');
    expect(cmdletOf(fake.server().requests[1]!)).toEqual({
      CmdletName: 'Remove-ManagementRoleAssignment',
      Parameters: { Identity: '8f0c2b6e-1a47-4a7b-9e55-0a7c5d1e2f01', Confirm: false },
    });
  });

  it('removes, adds and reports membership idempotently', async () => {
    const client = await clientFor((r) => {
      const { CmdletName, Parameters } = cmdletOf(r);
      if (CmdletName === 'Add-RoleGroupMember' && Parameters.Member === 'LynneR')
        return badRequest('Microsoft.Exchange.Management.Tasks.MemberAlreadyExistsException', 'already a member');
      if (CmdletName === 'Remove-RoleGroupMember' && Parameters.Member === 'AdeleV')
        return badRequest('Microsoft.Exchange.Management.Tasks.MemberNotFoundException', 'not a member');
      return { status: 200, json: { value: [] } };
    });
    expect(await client.addRoleGroupMember('PST Migration Operators', 'AdeleV')).toBe('added');
    expect(await client.addRoleGroupMember('PST Migration Operators', 'LynneR')).toBe('already-member');
    expect(await client.removeRoleGroupMember('PST Migration Operators', 'LynneR')).toBe('removed');
    expect(await client.removeRoleGroupMember('PST Migration Operators', 'AdeleV')).toBe('absent');
    expect(cmdletOf(fake.server().requests[0]!).Parameters).toEqual({
      Identity: 'PST Migration Operators',
      Member: 'AdeleV',
      BypassSecurityGroupManagerCheck: true,
    });
  });

  it('returns the existing assignment when a retried create finds its own', async () => {
    const client = await clientFor((r) => {
      const { CmdletName } = cmdletOf(r);
      if (CmdletName === 'New-ManagementRoleAssignment') return badRequest(ALREADY_EXISTS, 'already exists');
      return {
        status: 200,
        json: { value: [{ ...alexRow, Name: 'MIE-grant-1', RoleAssignee: 'AdeleV', RoleAssigneeName: 'AdeleV' }] },
      };
    });
    const created = await client.newRoleAssignment({
      name: 'MIE-grant-1',
      role: 'Mailbox Import Export',
      user: 'AdeleV',
    });
    expect(created.name).toBe('MIE-grant-1');
    expect(cmdletOf(fake.server().requests[1]!)).toEqual({
      CmdletName: 'Get-ManagementRoleAssignment',
      Parameters: { Identity: 'MIE-grant-1' },
    });
  });

  it('refuses a name clash with somebody else\u2019s assignment', async () => {
    const client = await clientFor(
      onCmdlet('New-ManagementRoleAssignment', badRequest(ALREADY_EXISTS, 'already exists'), {
        status: 200,
        json: { value: [{ ...alexRow, Name: 'MIE-grant-1' }] },
      }),
    );
    await expect(
      client.newRoleAssignment({ name: 'MIE-grant-1', role: 'Mailbox Import Export', user: 'AdeleV' }),
    ).rejects.toBeInstanceOf(RequestError);
  });

  it('never calls Get-RoleGroupMember without an identity, nor for a role group that does not exist', async () => {
    // Get-RoleGroupMember lists every role group's members for an unknown Identity: the group is checked first.
    const client = await clientFor(
      onCmdlet('Get-RoleGroup', failure(404, NOT_FOUND, "Role group 'Gone' couldn't be found."), {
        status: 200,
        json: { value: [{ Name: 'Everyone' }] },
      }),
    );
    await expect(client.getRoleGroupMembers('  ')).rejects.toThrow(/refusing to call the cmdlet/);
    expect(fake.server().requests).toHaveLength(0);
    await expect(client.getRoleGroupMembers('Gone')).rejects.toBeInstanceOf(NotFoundError);
    expect(fake.server().requests.map((r) => cmdletOf(r).CmdletName)).toEqual(['Get-RoleGroup']);
  });

  it('maps role group members and roles', async () => {
    const client = await clientFor(
      byCmdlet(
        {
          'Get-ManagementRole': rows({
            Name: 'MIE Legal Hold Export',
            Identity: 'MIE Legal Hold Export',
            RoleType: 'MailboxImportExport',
            Parent: { Name: 'Mailbox Import Export' },
            IsRootRole: 'False',
          }),
          'Get-RoleGroup': rows({ Name: 'PST Migration Operators', 'Guid@data.type': 'System.Guid', Guid: 'x' }),
        },
        () =>
          rows({
            Name: 'LynneR',
            DisplayName: 'Lynne Robbins',
            'ExternalDirectoryObjectId@data.type': 'x',
            ExternalDirectoryObjectId: 'AB12',
            RecipientType: 'UserMailbox',
          }),
      ),
    );
    expect(await client.getMieRoles()).toEqual([
      {
        name: 'MIE Legal Hold Export',
        identity: 'MIE Legal Hold Export',
        guid: undefined,
        roleType: 'MailboxImportExport',
        parent: 'Mailbox Import Export',
        isRootRole: false,
      },
    ]);
    expect(await client.getRoleGroupMembers('pst migration operators')).toEqual([
      {
        name: 'LynneR',
        identity: undefined,
        displayName: 'Lynne Robbins',
        userPrincipalName: undefined,
        primarySmtpAddress: undefined,
        externalDirectoryObjectId: 'ab12',
        recipientType: 'UserMailbox',
        recipientTypeDetails: undefined,
      },
    ]);
    expect(cmdletOf(fake.server().requests.at(-1)!)).toEqual({
      CmdletName: 'Get-RoleGroupMember',
      Parameters: { Identity: 'PST Migration Operators', ResultSize: 'Unlimited' },
    });
  });

  it('reports a 404 without a cmdlet envelope as NotFoundError on list reads', async () => {
    const client = await clientFor(() => ({ status: 404, text: 'no such tenant' }));
    await expect(client.getMieRoles()).rejects.toBeInstanceOf(NotFoundError);
  });
});

const otherRow = {
  ...alexRow,
  Guid: '1D6F0B4A-0000-4000-8000-00000000A001',
  Name: 'Mailbox Import Export-DiegoS',
  Identity: 'Mailbox Import Export-DiegoS',
  RoleAssignee: 'DiegoS',
  RoleAssigneeName: 'DiegoS',
};
const userRow = (name: string, upn: string, id: string) => ({
  Name: name,
  Identity: name,
  UserPrincipalName: upn,
  ExternalDirectoryObjectId: id,
  Guid: `${id.slice(0, -4)}beef`,
  RecipientType: 'UserMailbox',
});
const adele = userRow('AdeleV', 'adelev@contoso.onmicrosoft.com', '0f7c0000-0000-4000-8000-00000000ade1');
const megan = userRow('MeganB', 'meganb@contoso.onmicrosoft.com', '0f7c0000-0000-4000-8000-00000000me9a');

describe('no read trusts the first row (an unknown -Identity may answer every object)', () => {
  it('takes "every assignment" or "every user" for not found, and picks the asked-for row from among others', async () => {
    const client = await clientFor((r) => {
      const { CmdletName } = cmdletOf(r);
      return {
        status: 200,
        json: { value: CmdletName === 'Get-ManagementRoleAssignment' ? [otherRow, alexRow] : [megan, adele] },
      };
    });
    expect(await client.getRoleAssignment('c0ffee00-0000-4000-8000-000000000000')).toBeUndefined();
    expect((await client.getRoleAssignment(alexRow.Guid.toLowerCase()))?.name).toBe(alexRow.Name);
    expect((await client.getRoleAssignment('mailbox import export-diegos'))?.guid).toBe(otherRow.Guid.toLowerCase());
    expect(await client.getUser('nobody@contoso.onmicrosoft.com')).toBeUndefined();
    expect(await client.getRecipient('Nobody')).toBeUndefined();
    expect((await client.getUser('ADELEV@contoso.onmicrosoft.com'))?.name).toBe('AdeleV');
    expect((await client.getRecipient(adele.ExternalDirectoryObjectId))?.name).toBe('AdeleV');
    expect((await client.getUser('MeganB'))?.userPrincipalName).toBe(megan.UserPrincipalName);
  });

  it('refuses an answer where two rows carry the asked-for identity', async () => {
    const client = await clientFor(() => ({
      status: 200,
      json: { value: [adele, { ...megan, UserPrincipalName: adele.UserPrincipalName }] },
    }));
    await expect(client.getUser(adele.UserPrincipalName)).rejects.toThrow(/2 objects that all carry that identity/);
  });

  it('never sends an empty or left-out -Identity', async () => {
    const server = await fake.start(() => ({ status: 200, json: { value: [adele] } }));
    const access = { exchangeUrl: server.url, tenant: TENANT, credential: testCredential, policy: FAST_POLICY };
    const api = new InvokeCommandClient(access);
    for (const Identity of [undefined, '', '   '])
      await expect(api.invoke('Get-User', { Identity })).rejects.toThrow(/Identity parameter is empty/);
    const client = new ExchangeAdminClient(access);
    await expect(client.getRoleAssignment(' ')).rejects.toThrow(/refusing to call the cmdlet/);
    await expect(client.getUser('')).rejects.toThrow(/refusing to call the cmdlet/);
    expect(server.requests).toHaveLength(0);
  });

  it('takes "every role group" for an unknown role group and never lists members for it', async () => {
    const client = await clientFor(
      onCmdlet(
        'Get-RoleGroup',
        rows(
          { Name: 'Organization Management', Members: [] },
          { Name: 'PST Migration Operators', Members: ['LynneR'] },
        ),
        rows({ Name: 'LynneR' }),
      ),
    );
    await expect(client.getRoleGroupMembers('Gone Group')).rejects.toBeInstanceOf(NotFoundError);
    expect(fake.server().requests.map((r) => cmdletOf(r).CmdletName)).toEqual(['Get-RoleGroup']);
  });

  it('refuses Get-RoleGroupMember rows of people the role group does not list (another group\u2019s, or every group\u2019s, members)', async () => {
    let members = [{ Name: 'LynneR', ExternalDirectoryObjectId: 'AB12' }, { Name: 'GradyA' }];
    const client = await clientFor(
      byCmdlet(
        {
          'Get-RoleGroup': rows({
            Name: 'PST Migration Operators',
            Guid: 'g1',
            Members: ['LynneR', 'CN=GradyA,OU=contoso.onmicrosoft.com,DC=x'],
          }),
        },
        () => rows(...members),
      ),
    );
    expect((await client.getRoleGroupMembers('PST Migration Operators')).map((m) => m.name)).toEqual([
      'LynneR',
      'GradyA',
    ]);
    members = [...members, { Name: 'AlexW' }];
    await expect(client.getRoleGroupMembers('PST Migration Operators')).rejects.toThrow(
      /'AlexW', who is not among the members/,
    );
  });
});

describe('the wire format: warnings, writes without a value, not-found codes', () => {
  it('treats a write answered with warnings and no value as success, logs the warnings, and still fails a read without a value', async () => {
    const answer = {
      '@odata.context': 'x',
      'adminapi.warnings@odata.type': '#Collection(String)',
      '@adminapi.warnings': ['The command completed successfully but no settings have been modified.'],
    };
    const client = await clientFor(() => ({ status: 200, json: answer }));
    expect(await client.removeRoleAssignment(alexRow.Guid)).toBe('removed');
    expect(await client.addRoleGroupMember('PST Migration Operators', 'AdeleV')).toBe('added');
    expect(await client.removeRoleGroupMember('PST Migration Operators', 'AdeleV')).toBe('removed');
    expect(warned[0]).toEqual({
      message: 'Exchange Remove-ManagementRoleAssignment answered with warnings',
      properties: { cmdlet: 'Remove-ManagementRoleAssignment', warnings: answer['@adminapi.warnings'] },
    });
    await expect(client.getRoleAssignments('Mailbox Import Export')).rejects.toThrow(/no "value" array/);
  });

  it('reads the rows beside warnings on a read', async () => {
    const client = await clientFor(() => ({ status: 200, json: { '@adminapi.warnings': ['w'], value: [alexRow] } }));
    expect((await client.getRoleAssignments('Mailbox Import Export')).map((a) => a.name)).toEqual([alexRow.Name]);
    expect(warned).toHaveLength(1);
  });

  it('takes a not-found sent as 500 InternalServerError for not found, without retrying it', async () => {
    const client = await clientFor(() =>
      failure(
        500,
        NOT_FOUND,
        "The operation couldn't be performed because object 'x' couldn't be found.",
        'InternalServerError',
      ),
    );
    expect(await client.removeRoleAssignment(alexRow.Guid)).toBe('absent');
    expect(await client.getRoleAssignment(alexRow.Guid)).toBeUndefined();
    expect(fake.server().requests).toHaveLength(2);
  });
});

describe('error envelope and annotations', () => {
  /** The service's error answer with `details` holding one message. */
  const withDetail = (code: string, message: string, detail: string) =>
    JSON.stringify({ error: { code, message, details: [{ message: detail }] } });
  const NOT_FOUND_JSON = { localizedString: { stringId: 'Ex6F9304' }, ClassName: NOT_FOUND, Message: 'gone' };

  it.each([
    {
      name: 'the envelope the service sends',
      answer: JSON.stringify(envelope('A.B.ManagementObjectNotFoundException', 'gone')),
      read: {
        code: 'NotFound',
        message: 'gone',
        typeName: 'A.B.ManagementObjectNotFoundException',
        errorId: 'Ex6F9304',
      },
    },
    {
      name: 'a pipe-separated detail whose message holds a pipe',
      answer: withDetail('x', 'm', `Ex6F9304|${NOT_FOUND}|object | gone`),
      read: { code: 'x', message: 'object | gone', typeName: NOT_FOUND, errorId: 'Ex6F9304' },
    },
    {
      name: 'a pipe-separated detail without a string id',
      answer: withDetail(
        'BadRequest',
        'Invalid Operation',
        '|Microsoft.Exchange.AdminApi.CommandInvocation.AmbiguousParameterSetException|Parameter set cannot be resolved.',
      ),
      read: {
        code: 'BadRequest',
        message: 'Parameter set cannot be resolved.',
        typeName: 'Microsoft.Exchange.AdminApi.CommandInvocation.AmbiguousParameterSetException',
      },
    },
    {
      name: 'a JSON-string detail with its class name and string id',
      answer: withDetail('NotFound', 'm', JSON.stringify(NOT_FOUND_JSON)),
      read: { code: 'NotFound', message: 'gone', typeName: NOT_FOUND, errorId: 'Ex6F9304' },
    },
    {
      name: 'a JSON-string detail with a type name',
      answer: withDetail('NotFound', 'm', JSON.stringify({ Message: 'gone', TypeName: 'T.XException' })),
      read: { code: 'NotFound', message: 'gone', typeName: 'T.XException' },
    },
    {
      name: 'the inner exception type',
      answer: JSON.stringify({
        error: {
          code: 'x',
          message: 'm',
          innererror: { internalexception: { type: 'T.FooException', message: 'inner' } },
        },
      }),
      read: { code: 'x', message: 'inner', typeName: 'T.FooException' },
    },
    { name: 'no JSON at all', answer: '<html>', read: undefined },
  ])('reads $name', ({ answer, read }) => {
    expect(parseCmdletFailure(answer)).toEqual(read);
  });

  it('drops every key that contains @, nested ones included', () => {
    expect(
      stripAnnotations({ '@odata.type': 't', 'A@data.type': 'x', A: 1, B: { 'C@odata.type': 'y', C: 2 } }),
    ).toEqual({ A: 1, B: { C: 2 } });
  });
});
