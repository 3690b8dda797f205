import type { Recipient } from '../domain.js';

/** A Purview role group as Security & Compliance PowerShell's Get-RoleGroup shows it. */
export interface PurviewRoleGroup {
  name: string;
  guid: string;
  displayName?: string;
  /** The roles the group carries, by name ("Export", "Review", ...). */
  roles: string[];
}

/** Purview (Security & Compliance) role groups through its admin API (InvokeCommand). Reads page to the end or throw. */
export interface ComplianceRoleGroups {
  /** Get-RoleGroup without an identity: every role group with its roles. */
  listRoleGroups(): Promise<PurviewRoleGroup[]>;
  /** Get-RoleGroupMember -Identity <exact name> of a group listRoleGroups returned. */
  getRoleGroupMembers(group: PurviewRoleGroup): Promise<Recipient[]>;
}
