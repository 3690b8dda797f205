/** Directory objects as Microsoft Graph v1.0 returns them, with Graph's default property sets. */
import type {
  SeedAppRoleAssignment,
  SeedDirectoryRoleAssignment,
  SeedDirectoryRoleEligibility,
  SeedServicePrincipal,
  SeedUser,
} from '../seed.js';
import type { GroupState, TenantState } from '../tenantState.js';

export type GraphObject = Record<string, unknown>;

export interface Shaped {
  type: 'user' | 'group' | 'servicePrincipal';
  /** Every property the emulator knows. */
  all: GraphObject;
  /** What Graph returns without $select. */
  defaults: string[];
}

const USER_DEFAULTS = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

export function userObject(u: SeedUser): Shaped {
  const [givenName, ...rest] = u.displayName.split(' ');
  return {
    type: 'user',
    defaults: USER_DEFAULTS,
    all: {
      businessPhones: [],
      displayName: u.displayName,
      givenName: givenName ?? null,
      jobTitle: null,
      mail: u.userPrincipalName,
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: 'en-US',
      surname: rest.join(' ') || null,
      userPrincipalName: u.userPrincipalName,
      id: u.id,
      accountEnabled: u.accountEnabled !== false,
      userType: 'Member',
      mailNickname: u.userPrincipalName.split('@')[0],
    },
  };
}

export function groupObject(g: GroupState): Shaped {
  const all: GraphObject = {
    id: g.id,
    deletedDateTime: null,
    description: null,
    displayName: g.displayName,
    groupTypes: [],
    isAssignableToRole: g.isAssignableToRole ?? null,
    mail: g.mail ?? null,
    mailEnabled: g.mailEnabled,
    mailNickname: (g.mail?.split('@')[0] ?? g.displayName.replace(/\s+/g, '')) || g.id,
    securityEnabled: g.securityEnabled,
    securityIdentifier: `S-1-12-1-${parseInt(g.id.slice(0, 8), 16)}`,
    visibility: null,
  };
  return { type: 'group', all, defaults: Object.keys(all) };
}

export function servicePrincipalObject(sp: SeedServicePrincipal): Shaped {
  const all: GraphObject = {
    id: sp.id,
    deletedDateTime: null,
    accountEnabled: true,
    appDisplayName: sp.displayName,
    appId: sp.appId,
    displayName: sp.displayName,
    servicePrincipalNames: [sp.appId],
    servicePrincipalType: 'Application',
    signInAudience: 'AzureADMyOrg',
    tags: [],
    appRoles: (sp.appRoles ?? []).map((r) => ({
      allowedMemberTypes: r.allowedMemberTypes ?? ['Application'],
      description: r.displayName,
      displayName: r.displayName,
      id: r.id,
      isEnabled: true,
      origin: 'Application',
      value: r.value,
    })),
    oauth2PermissionScopes: (sp.oauth2PermissionScopes ?? []).map((scope) => ({
      adminConsentDescription: scope.adminConsentDisplayName,
      adminConsentDisplayName: scope.adminConsentDisplayName,
      id: scope.id,
      isEnabled: true,
      type: 'User',
      userConsentDescription: null,
      userConsentDisplayName: null,
      value: scope.value,
    })),
  };
  return { type: 'servicePrincipal', all, defaults: Object.keys(all) };
}

export function directoryObject(state: TenantState, id: string): Shaped | undefined {
  const u = state.users.get(id);
  if (u) return userObject(u);
  const g = state.groups.get(id);
  if (g) return groupObject(g);
  const sp = state.servicePrincipals.get(id);
  if (sp) return servicePrincipalObject(sp);
  return undefined;
}

/** Applies $select (or Graph's defaults); `typed` adds @odata.type as directoryObject collections do. */
export function project(o: Shaped, select: string[] | undefined, typed: boolean): GraphObject {
  const out: GraphObject = typed ? { '@odata.type': `#microsoft.graph.${o.type}` } : {};
  for (const key of select ?? o.defaults) if (key in o.all) out[key] = o.all[key];
  return out;
}

export function roleAssignmentObject(d: SeedDirectoryRoleAssignment): GraphObject {
  return {
    id: d.id,
    principalId: d.principalId,
    directoryScopeId: '/',
    roleDefinitionId: d.roleDefinitionId,
    appScopeId: null,
    condition: null,
  };
}

/** A unifiedRoleEligibilityScheduleInstance: who may activate a directory role, over what scope and until when. */
export function roleEligibilityInstanceObject(e: SeedDirectoryRoleEligibility): GraphObject {
  return {
    id: e.id,
    principalId: e.principalId,
    roleDefinitionId: e.roleDefinitionId,
    directoryScopeId: e.directoryScopeId ?? '/',
    appScopeId: null,
    startDateTime: e.startDateTime,
    endDateTime: e.endDateTime ?? null,
    memberType: 'Direct',
    roleEligibilityScheduleId: e.id,
  };
}

export function appRoleAssignmentObject(state: TenantState, a: SeedAppRoleAssignment): GraphObject {
  const principal = directoryObject(state, a.principalId);
  const principalType =
    principal?.type === 'user' ? 'User' : principal?.type === 'group' ? 'Group' : 'ServicePrincipal';
  return {
    id: a.id,
    deletedDateTime: null,
    appRoleId: a.appRoleId,
    createdDateTime: a.createdDateTime,
    principalDisplayName: principal?.all.displayName ?? null,
    principalId: a.principalId,
    principalType,
    resourceDisplayName: state.servicePrincipals.get(a.resourceId)?.displayName ?? null,
    resourceId: a.resourceId,
  };
}
