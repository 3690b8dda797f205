/**
 * Organization Management's linked groups: Exchange mirrors Entra directory roles as role groups named
 * `<Prefix>_<number>` (TenantAdmins_* for Global Administrator, ExchangeServiceAdmins_* for Exchange Administrator)
 * whose membership is managed in Entra, not in Exchange. Their people are read from Graph's directory roles, never
 * from Get-RoleGroupMember, and never from /groups/{id}: the ExternalDirectoryObjectId such a group may show is the
 * directory role's, not a group's.
 */
import { EXCHANGE_ADMINISTRATOR_ROLE_ID, GLOBAL_ADMINISTRATOR_ROLE_ID } from '../../domain.js';

const KNOWN: [RegExp, string][] = [
  [/^TenantAdmins_-?\d+$/i, GLOBAL_ADMINISTRATOR_ROLE_ID],
  [/^ExchangeServiceAdmins_-?\d+$/i, EXCHANGE_ADMINISTRATOR_ROLE_ID],
];
/** The shape of any linked group (ComplianceAdmins_*, SecurityAdmins_*, ...), mapped or not. */
const LINKED = /^[A-Za-z]+_-?\d{6,}$/;

/** The directory role template id a linked group mirrors, 'unmapped' for a linked group of another role, undefined otherwise. */
export function linkedGroupRole(name: string): string | undefined {
  for (const [pattern, roleId] of KNOWN) if (pattern.test(name)) return roleId;
  return LINKED.test(name) ? 'unmapped' : undefined;
}
