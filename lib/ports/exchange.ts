import type {
  EffectiveRoleAssignment,
  ManagementRole,
  Recipient,
  RoleAssignment,
  ServicePrincipalPointer,
} from '../domain.js';

/** Exchange RBAC through the admin API (InvokeCommand). Reads page to the end or throw. */
export interface ExchangeRbac {
  /** Get-ManagementRole -RoleType MailboxImportExport: the built-in role and its custom children. */
  getMieRoles(): Promise<ManagementRole[]>;
  /**
   * Get-ManagementRoleAssignment -Role X (regular and delegating). `onPage` sees each page as it arrives, so that
   * a caller can start what the first rows call for while the later pages are read.
   */
  getRoleAssignments(role: string, options?: { onPage?: (page: RoleAssignment[]) => void }): Promise<RoleAssignment[]>;
  /** Get-ManagementRoleAssignment -Role X -GetEffectiveUsers. */
  getEffectiveRoleAssignments(role: string): Promise<EffectiveRoleAssignment[]>;
  /**
   * Get-ManagementRoleAssignment -Identity <guid or name>: the assignment that has this identity, undefined when
   * none does (an unknown identity may answer every assignment: those rows are not it). Never an empty identity.
   */
  getRoleAssignment(identity: string): Promise<RoleAssignment | undefined>;
  /** Get-RoleGroupMember -Identity X (always with an identity: a missing one lists everything). */
  getRoleGroupMembers(roleGroup: string): Promise<Recipient[]>;
  /** Get-Recipient -Identity X: the recipient that has this identity (name, address, Guid, object id); undefined when none does. */
  getRecipient(identity: string): Promise<Recipient | undefined>;
  /** Get-User -Identity X: the user that has this identity (name, UPN, Guid, object id); undefined when none does. */
  getUser(identity: string): Promise<Recipient | undefined>;
  /** Get-User -ResultSize Unlimited, all pages: maps many recipient names to UPNs in a few round trips. */
  listUsers(): Promise<Recipient[]>;
  /** Get-User -Filter "Name -eq 'a' -or Name -eq 'b' ...", a few names a call: the users of these names, unknown ones left out. */
  findUsersByName(names: string[]): Promise<Recipient[]>;
  /** Get-ServicePrincipal (no identity: every pointer, all pages), to map pointer names to appIds and object ids. */
  listServicePrincipals(): Promise<ServicePrincipalPointer[]>;
  /** New-ManagementRoleAssignment -Name N -Role R -User U | -SecurityGroup G. */
  newRoleAssignment(input: {
    name: string;
    role: string;
    user?: string;
    securityGroup?: string;
  }): Promise<RoleAssignment>;
  /** Remove-ManagementRoleAssignment -Identity <guid> -Confirm:$false; an absent assignment is 'absent', not an error. */
  removeRoleAssignment(identity: string): Promise<'removed' | 'absent'>;
  addRoleGroupMember(roleGroup: string, member: string): Promise<'added' | 'already-member'>;
  removeRoleGroupMember(roleGroup: string, member: string): Promise<'removed' | 'absent'>;
}
