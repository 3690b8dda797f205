/** "empty": a fresh tenant. Built-in roles, the default delegating assignment and the watchdog's own access; no holders. */
import type { TenantSeed } from '../seed.js';
import { baseTenant } from './baseTenant.js';

export function emptyTenant(
  tenant = 'fabrikam.onmicrosoft.com',
  tenantId = '8d2f4c61-7a3b-4e95-b0c8-1f6e9a2d5b47',
): TenantSeed {
  return baseTenant(tenant, tenantId);
}
