/**
 * Who can sign in, and the app roles each holds on an API: the tenant's enabled users, with the roles assigned
 * to them directly on the API's service principal (Entra ID puts a user's assigned app roles in `roles`).
 */
import type { SeedServicePrincipal, SeedUser } from '../seed.js';
import type { TenantState } from '../tenantState.js';

export interface Person {
  user: SeedUser;
  roles: string[];
}

export function rolesOn(state: TenantState, api: SeedServicePrincipal | undefined, userId: string): string[] {
  if (!api) return [];
  const values = state.appRoleAssignments
    .filter((a) => a.resourceId === api.id && a.principalId === userId)
    .map((a) => api.appRoles?.find((r) => r.id === a.appRoleId)?.value)
    .filter((v): v is string => typeof v === 'string');
  return [...new Set(values)].sort();
}

/** People who can sign in, those holding a role on the API first, then by display name. */
export function signInPeople(state: TenantState, api: SeedServicePrincipal | undefined): Person[] {
  return [...state.users.values()]
    .filter((u) => u.accountEnabled !== false)
    .map((user) => ({ user, roles: rolesOn(state, api, user.id) }))
    .sort(
      (a, b) =>
        Number(b.roles.length > 0) - Number(a.roles.length > 0) || a.user.displayName.localeCompare(b.user.displayName),
    );
}
