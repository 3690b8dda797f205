const ORGANIZATION_SCOPES = new Set(['', 'organization', 'default']);

/** Organization-wide scope: no custom or administrative-unit restriction. */
export function isOrganizationWide(scope: string): boolean {
  return ORGANIZATION_SCOPES.has(scope.trim().toLowerCase());
}
