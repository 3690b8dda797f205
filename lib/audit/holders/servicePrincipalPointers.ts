/**
 * Finding the app behind an Exchange service-principal pointer. Assignments and role group members name an app by
 * its pointer (New-ServicePrincipal), and what they show is the pointer's Name, DisplayName or ObjectId depending on
 * how it was created and read; Get-ServicePrincipal gives every pointer's AppId and ObjectId, so a name is matched
 * against that listing exactly: ids first (ObjectId, AppId, Identity), then Name, then DisplayName.
 * https://learn.microsoft.com/powershell/module/exchangepowershell/get-serviceprincipal
 */
import type { ServicePrincipalPointer } from '../../domain.js';

export type PointerMatch = { pointer: ServicePrincipalPointer } | { ambiguous: ServicePrincipalPointer[] } | undefined;

export interface PointerIndex {
  /** The one pointer any of these names denotes; `ambiguous` when a name fits several (two pointers may share a display name). */
  find(names: (string | undefined)[]): PointerMatch;
}

type Tier = Map<string, ServicePrincipalPointer[]>;

function tier(
  pointers: ServicePrincipalPointer[],
  keysOf: (p: ServicePrincipalPointer) => (string | undefined)[],
): Tier {
  const out: Tier = new Map();
  for (const p of pointers) {
    for (const key of new Set(keysOf(p).flatMap((k) => (k ? [k.trim().toLowerCase()] : [])))) {
      const list = out.get(key) ?? [];
      if (!list.includes(p)) list.push(p);
      out.set(key, list);
    }
  }
  return out;
}

export function pointerIndex(pointers: ServicePrincipalPointer[]): PointerIndex {
  const tiers = [
    tier(pointers, (p) => [p.objectId, p.appId, p.identity]),
    tier(pointers, (p) => [p.name]),
    tier(pointers, (p) => [p.displayName]),
  ];
  return {
    find(names) {
      const keys = names.flatMap((n) => (n?.trim() ? [n.trim().toLowerCase()] : []));
      for (const t of tiers) {
        for (const key of keys) {
          const found = t.get(key);
          if (!found) continue;
          return found.length === 1 ? { pointer: found[0] as ServicePrincipalPointer } : { ambiguous: found };
        }
      }
      return undefined;
    },
  };
}
