/**
 * A known misconfiguration: an app holds a power tenant-wide through a Graph application permission and also
 * through a scoped Exchange application role. Graph honours the tenant-wide grant independently of the Exchange
 * assignment, so the scope limits nothing ("These permission grants are independent of the unscoped grants in
 * Microsoft Entra ID", https://learn.microsoft.com/graph/auth-limit-mailbox-access). Both holders are flagged.
 */
import type { Holder } from '../../domain.js';
import { sharesCapability } from '../../roleCapability.js';
import { isOrganizationWide } from '../organizationWide.js';

export function flagTenantWideAndScoped(holders: Holder[]): Holder[] {
  const tenantWide = holders.filter((h) => h.via === 'graph-app-role');
  const scoped = holders.filter((h) => h.via === 'application-role' && !isOrganizationWide(h.scope));
  const flagged = new Set<Holder>();
  for (const s of scoped) {
    for (const t of tenantWide) {
      if (t.principal !== s.principal || !sharesCapability(t.capability, s.capability)) continue;
      flagged.add(s).add(t);
    }
  }
  return holders.map((h) => (flagged.has(h) ? { ...h, tenantWideAndScoped: true as const } : h));
}
