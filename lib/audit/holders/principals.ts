/** What Exchange rows and Graph objects say about a holder, as a `Who`; undefined when they do not name one. */
import type { DirectoryPrincipal, Recipient, ServicePrincipalPointer } from '../../domain.js';
import type { Who } from './holderAccumulator.js';

export function fromRecipient(r: Recipient): Who | undefined {
  const upn = r.userPrincipalName;
  if (!upn) return undefined;
  return {
    principal: upn,
    principalId: r.externalDirectoryObjectId,
    principalType: 'User',
    displayName: r.displayName,
  };
}

export function fromDirectory(p: DirectoryPrincipal): Who | undefined {
  if (p.type === 'user' && p.userPrincipalName)
    return { principal: p.userPrincipalName, principalId: p.id, principalType: 'User', displayName: p.displayName };
  if (p.type === 'servicePrincipal' && p.appId)
    return { principal: p.appId, principalId: p.id, principalType: 'ServicePrincipal', displayName: p.displayName };
  return undefined;
}

export function fromPointer(p: ServicePrincipalPointer): Who {
  return {
    principal: p.appId,
    principalId: p.objectId,
    principalType: 'ServicePrincipal',
    displayName: p.displayName ?? p.name,
  };
}
