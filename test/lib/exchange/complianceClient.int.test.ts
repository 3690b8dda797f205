/**
 * The Security & Compliance client on a fake service: the regional redirect is followed with the same body and kept
 * for later calls, a redirect anywhere else is refused before the token goes there, a member list that is not the
 * group's is refused, and a 401 names the Entra role to assign.
 */
import { describe, expect, it } from 'vitest';
import { ComplianceClient } from '../../../lib/exchange/complianceClient.js';
import { PermissionError, RequestError } from '../../../lib/ports/index.js';
import { TEST_TOKEN, fakeServicePerTest } from '../../support/fakeServer.js';
import { cmdletOf, TENANT } from './support.js';

const GLOBAL = `/adminapi/beta/${TENANT}/InvokeCommand`;
const REGIONAL = `/region/adminapi/beta/${TENANT}/InvokeCommand`;
const fake = fakeServicePerTest(
  ({ url, ...access }) => new ComplianceClient({ complianceUrl: url, tenant: TENANT, ...access }),
);
const { clientFor } = fake;

const GROUP = {
  Name: 'eDiscoveryManager',
  DisplayName: 'eDiscovery Manager',
  Guid: 'A0300000-0000-4000-8000-000000000001',
  Roles: ['Export', 'Review'],
  Members: ['IrvinS'],
};
const MEMBER = {
  Name: 'IrvinS',
  DisplayName: 'Irvin Sayers',
  WindowsLiveID: 'IrvinS@contoso.onmicrosoft.com',
  RecipientTypeDetails: 'UserMailbox',
  ExternalDirectoryObjectId: '0c0e0000-0000-4000-8000-000000000010',
};

describe('Security & Compliance client', () => {
  it('follows the regional redirect with the same body, keeps the region, and reads the group and its members', async () => {
    const client = await clientFor((r) => {
      if (r.url === GLOBAL) return { status: 302, headers: { Location: `${fake.server().url}${REGIONAL}` }, json: {} };
      if (r.url !== REGIONAL) return { status: 404, json: {} };
      return { status: 200, json: { value: cmdletOf(r).CmdletName === 'Get-RoleGroup' ? [GROUP] : [MEMBER] } };
    });
    const groups = await client.listRoleGroups();
    expect(groups).toEqual([
      {
        name: 'eDiscoveryManager',
        displayName: 'eDiscovery Manager',
        guid: GROUP.Guid.toLowerCase(),
        roles: ['Export', 'Review'],
      },
    ]);
    const members = await client.getRoleGroupMembers(groups[0]!);
    expect(members[0]).toMatchObject({ name: 'IrvinS', userPrincipalName: 'irvins@contoso.onmicrosoft.com' });
    expect(fake.server().requests.map((r) => [r.url, cmdletOf(r).CmdletName])).toEqual([
      [GLOBAL, 'Get-RoleGroup'],
      [REGIONAL, 'Get-RoleGroup'],
      [REGIONAL, 'Get-RoleGroupMember'],
    ]);
    expect(fake.server().requests.every((r) => r.headers.authorization === `Bearer ${TEST_TOKEN}`)).toBe(true);
  });

  it('refuses a redirect to another host, sending the token nowhere else', async () => {
    const client = await clientFor(() => ({
      status: 302,
      headers: { Location: 'https://attacker.example/adminapi' },
      json: {},
    }));
    const error = await client.listRoleGroups().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestError);
    expect((error as Error).message).toMatch(
      /redirected to https:\/\/attacker\.example, which is not .* refusing to send the token there/,
    );
    expect(fake.server().requests).toHaveLength(1);
  });

  it('refuses members that Get-RoleGroup did not list for the group (an unknown identity lists everyone)', async () => {
    const client = await clientFor((r) => ({
      status: 200,
      json: {
        value:
          cmdletOf(r).CmdletName === 'Get-RoleGroup'
            ? [GROUP]
            : [MEMBER, { ...MEMBER, Name: 'Stranger', DisplayName: 'Stranger', WindowsLiveID: 's@x' }],
      },
    }));
    const [group] = await client.listRoleGroups();
    await expect(client.getRoleGroupMembers(group!)).rejects.toThrow(
      /answered 'Stranger', who is not among the members/,
    );
  });

  it('names the Entra role to assign when the service denies the cmdlet', async () => {
    const client = await clientFor(() => ({
      status: 401,
      json: { error: { code: 'Unauthorized', message: 'denied' } },
    }));
    const error = await client.listRoleGroups().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toMatch(/^Security & Compliance Get-RoleGroup: .*Global Reader/);
  });
});
