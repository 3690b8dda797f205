/**
 * ExchangeRbac over the admin API. Reads page to the end or throw; writes are idempotent, so a retried run
 * (or a retried request whose first attempt did land) ends in the same state without an error. Every lookup
 * by -Identity keeps only the row that is the object asked for (identifiedRow.ts): Exchange documents that an
 * unknown identity may answer every object.
 */
import type {
  EffectiveRoleAssignment,
  ManagementRole,
  Recipient,
  RoleAssignment,
  ServicePrincipalPointer,
} from '../domain.js';
import type { ExchangeRbac, ServiceName } from '../ports/index.js';
import { NotFoundError, RequestError } from '../ports/index.js';
import { identifiedRow, identitiesOf, type IdentityKind } from './identifiedRow.js';
import {
  CmdletError,
  InvokeCommandClient,
  cmdletFailureIs,
  isNotFound,
  type CmdletParameters,
  type CmdletRow,
  type InvokeCommandOptions,
} from './invokeCommand.js';
import {
  text,
  toEffectiveRoleAssignment,
  toManagementRole,
  toRecipient,
  toRoleAssignment,
  toServicePrincipalPointer,
} from './rows.js';

const ALREADY_EXISTS_TYPES = ['ADObjectAlreadyExistsException', 'RoleAssignmentAlreadyExistsException'];
const ALREADY_MEMBER_TYPES = ['MemberAlreadyExistsException'];
/** Names per Get-User -Filter call: keeps the OPATH filter far below any length limit. */
export const NAMES_PER_FILTER = 20;

/** An OPATH string literal: single quotes, a quote inside doubled. */
export function opathString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export type ExchangeAdminClientOptions = InvokeCommandOptions;

export class ExchangeAdminClient implements ExchangeRbac {
  private readonly api: InvokeCommandClient;

  constructor(options: ExchangeAdminClientOptions) {
    this.api = new InvokeCommandClient(options);
  }

  async getMieRoles(): Promise<ManagementRole[]> {
    return (await this.api.invoke('Get-ManagementRole', { RoleType: 'MailboxImportExport' })).map(toManagementRole);
  }

  async getRoleAssignments(
    role: string,
    options: { onPage?: (page: RoleAssignment[]) => void } = {},
  ): Promise<RoleAssignment[]> {
    const { onPage } = options;
    const rows = await this.api.invoke(
      'Get-ManagementRoleAssignment',
      { Role: nonEmpty(role, 'role') },
      onPage && ((page) => onPage(page.map(toRoleAssignment))),
    );
    return rows.map(toRoleAssignment);
  }

  async getEffectiveRoleAssignments(role: string): Promise<EffectiveRoleAssignment[]> {
    return (
      await this.api.invoke('Get-ManagementRoleAssignment', { Role: nonEmpty(role, 'role'), GetEffectiveUsers: true })
    ).map(toEffectiveRoleAssignment);
  }

  async getRoleAssignment(identity: string): Promise<RoleAssignment | undefined> {
    const row = await this.lookup(
      'Get-ManagementRoleAssignment',
      'assignment',
      nonEmpty(identity, 'assignment identity'),
    );
    return row && toRoleAssignment(row);
  }

  async getRoleGroupMembers(roleGroup: string): Promise<Recipient[]> {
    // An unknown Identity of Get-RoleGroupMember answers the members of *every* role group, so the group is first
    // found (and checked to be the one asked for) with Get-RoleGroup, then named exactly.
    const wanted = nonEmpty(roleGroup, 'role group');
    const group = await this.lookup('Get-RoleGroup', 'roleGroup', wanted);
    const name = group ? text(group.Name) : undefined;
    if (!group || !name)
      throw new NotFoundError(
        { service: 'Exchange Online', operation: 'Get-RoleGroup' },
        `role group '${wanted}' does not exist`,
      );
    const rows = await this.api.invoke('Get-RoleGroupMember', { Identity: name, ResultSize: 'Unlimited' });
    checkMembersOfGroup(group.Members, name, rows);
    return rows.map(toRecipient);
  }

  async getRecipient(identity: string): Promise<Recipient | undefined> {
    const row = await this.lookup('Get-Recipient', 'recipient', nonEmpty(identity, 'recipient identity'));
    return row && toRecipient(row);
  }

  async getUser(identity: string): Promise<Recipient | undefined> {
    const row = await this.lookup('Get-User', 'recipient', nonEmpty(identity, 'user identity'));
    return row && toRecipient(row);
  }

  async listUsers(): Promise<Recipient[]> {
    return (await this.api.invoke('Get-User', { ResultSize: 'Unlimited' })).map(toRecipient);
  }

  async findUsersByName(names: string[]): Promise<Recipient[]> {
    const unique = [...new Set(names.map((n) => nonEmpty(n, 'user name')))];
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += NAMES_PER_FILTER) chunks.push(unique.slice(i, i + NAMES_PER_FILTER));
    const pages = await Promise.all(
      chunks.map((chunk) =>
        this.api.invoke('Get-User', {
          Filter: chunk.map((n) => `Name -eq ${opathString(n)}`).join(' -or '),
          ResultSize: 'Unlimited',
        }),
      ),
    );
    return pages.flat().map(toRecipient);
  }

  async listServicePrincipals(): Promise<ServicePrincipalPointer[]> {
    // Deliberately without -Identity: the listing is matched exactly by the caller, so the documented "unknown
    // Identity returns every pointer" hazard cannot pass one app off as another.
    return (await this.api.invoke('Get-ServicePrincipal', {})).map(toServicePrincipalPointer);
  }

  async newRoleAssignment(input: {
    name: string;
    role: string;
    user?: string;
    securityGroup?: string;
  }): Promise<RoleAssignment> {
    if (!input.user === !input.securityGroup)
      throw new Error('New-ManagementRoleAssignment needs exactly one of user or securityGroup.');
    const parameters: CmdletParameters = {
      Name: nonEmpty(input.name, 'assignment name'),
      Role: nonEmpty(input.role, 'role'),
      User: input.user,
      SecurityGroup: input.securityGroup,
    };
    try {
      const rows = await this.api.invoke('New-ManagementRoleAssignment', parameters);
      const row = identifiedRow(rows, 'assignment', input.name, {
        service: 'Exchange Online',
        operation: 'New-ManagementRoleAssignment',
      });
      if (row) return toRoleAssignment(row);
    } catch (error) {
      // A retried create whose first attempt landed finds its own assignment: that is success, if it is the same one.
      if (!(error instanceof CmdletError && cmdletFailureIs(error.failure, ALREADY_EXISTS_TYPES))) throw error;
    }
    const existing = await this.getRoleAssignment(input.name);
    if (!existing)
      throw new RequestError(
        { service: 'Exchange Online', operation: 'New-ManagementRoleAssignment' },
        `created '${input.name}' but could not read it back; run again.`,
      );
    const sameAssignee = await this.isAssignee(existing, input.user ?? input.securityGroup ?? '');
    if (
      existing.role.toLowerCase() !== input.role.toLowerCase() ||
      (!sameAssignee && existing.roleAssigneeName !== '')
    ) {
      throw new RequestError(
        { service: 'Exchange Online', operation: 'New-ManagementRoleAssignment' },
        `an assignment named '${input.name}' already exists for role '${existing.role}' and assignee '${existing.roleAssigneeName}'; choose another name or remove it first.`,
      );
    }
    return existing;
  }

  /** Exchange names the assignee by recipient Name; the caller may have given a UPN, so resolve it before comparing. */
  private async isAssignee(assignment: RoleAssignment, given: string): Promise<boolean> {
    const names = [assignment.roleAssignee, assignment.roleAssigneeName].map((a) => a.toLowerCase());
    if (names.includes(given.toLowerCase())) return true;
    const recipient = await this.getRecipient(given);
    return !!recipient && [recipient.name, recipient.identity].some((n) => !!n && names.includes(n.toLowerCase()));
  }

  async removeRoleAssignment(identity: string): Promise<'removed' | 'absent'> {
    return (await this.absentIfNotFound('Remove-ManagementRoleAssignment', {
      Identity: nonEmpty(identity, 'assignment identity'),
      Confirm: false,
    }))
      ? 'removed'
      : 'absent';
  }

  async addRoleGroupMember(roleGroup: string, member: string): Promise<'added' | 'already-member'> {
    try {
      await this.api.invoke('Add-RoleGroupMember', {
        Identity: nonEmpty(roleGroup, 'role group'),
        Member: nonEmpty(member, 'member'),
        BypassSecurityGroupManagerCheck: true,
      });
      return 'added';
    } catch (error) {
      if (error instanceof CmdletError && cmdletFailureIs(error.failure, ALREADY_MEMBER_TYPES)) return 'already-member';
      throw error;
    }
  }

  async removeRoleGroupMember(roleGroup: string, member: string): Promise<'removed' | 'absent'> {
    const parameters = {
      Identity: nonEmpty(roleGroup, 'role group'),
      Member: nonEmpty(member, 'member'),
      BypassSecurityGroupManagerCheck: true,
      Confirm: false,
    };
    return (await this.absentIfNotFound('Remove-RoleGroupMember', parameters)) ? 'removed' : 'absent';
  }

  /**
   * The row that is `identity`; undefined when Exchange says it does not exist or answers only other objects
   * (the documented "all objects" answer to an unknown identity); an error when two rows claim it.
   */
  private async lookup(cmdlet: string, kind: IdentityKind, identity: string): Promise<CmdletRow | undefined> {
    let rows: CmdletRow[];
    try {
      rows = await this.api.invoke(cmdlet, { Identity: identity });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    return identifiedRow(rows, kind, identity, { service: 'Exchange Online', operation: cmdlet });
  }

  /** Runs a removal; false when the object was already gone (a retried removal is success). */
  private async absentIfNotFound(cmdlet: string, parameters: CmdletParameters): Promise<boolean> {
    try {
      await this.api.invoke(cmdlet, parameters);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}

/**
 * Every member Get-RoleGroupMember answers must be one the role group lists in its Members: rows of people
 * outside it mean Exchange answered some other (or every) group's members, and the read is refused rather
 * than trusted. Members may name a member by Name, display name, DN or canonical name ("tenant/.../Name").
 */
/**
 * Every member row must be among the members Get-RoleGroup lists for the group (`listed`, its Members property):
 * an unknown identity lists every role group's members. Shared with the Security & Compliance client.
 */
export function checkMembersOfGroup(
  members: unknown,
  name: string,
  rows: CmdletRow[],
  service: ServiceName = 'Exchange Online',
): void {
  if (!Array.isArray(members)) return;
  const listed = new Set<string>();
  for (const m of members) {
    const v = text(m)?.trim().toLowerCase();
    if (!v) continue;
    listed.add(v);
    listed.add(v.split('/').pop() ?? v);
    const cn = /^cn=((?:[^,\\]|\\.)*),/i.exec(v);
    if (cn?.[1]) listed.add(cn[1].replace(/\\(.)/g, '$1'));
  }
  const named = (row: CmdletRow) => [...identitiesOf(row, 'recipient'), text(row.DisplayName)?.trim().toLowerCase()];
  const stranger = rows.find((row) => !named(row).some((id) => id && listed.has(id)));
  if (stranger) {
    throw new RequestError(
      { service, operation: 'Get-RoleGroupMember' },
      `answered '${text(stranger.Name) ?? '?'}', who is not among the members Get-RoleGroup lists for '${name}'; the answer is not this group's members (an unknown identity lists every role group's), so it is not used. Run again.`,
    );
  }
}

function nonEmpty(value: string, what: string): string {
  const v = value?.trim();
  if (!v) throw new Error(`Exchange ${what} is empty; refusing to call the cmdlet without it.`);
  return v;
}
