/** What Exchange rows and Graph objects say about a holder, as a `Who`; undefined when they do not name one. */
import type { DirectoryPrincipal, Recipient, ServicePrincipalPointer } from '../../domain.js';
import type { Who } from './holderAccumulator.js';

/** A user holds the power under their UPN, an app under its appId. */
function who(principalType: Who['principalType'], principal: string, principalId?: string, displayName?: string): Who {
  return { principal, principalId, principalType, displayName };
}

export function fromRecipient(r: Recipient): Who | undefined {
  const upn = r.userPrincipalName;
  return upn ? who('User', upn, r.externalDirectoryObjectId, r.displayName) : undefined;
}

export function fromDirectory(p: DirectoryPrincipal): Who | undefined {
  if (p.type === 'user' && p.userPrincipalName) return who('User', p.userPrincipalName, p.id, p.displayName);
  if (p.type === 'servicePrincipal' && p.appId) return who('ServicePrincipal', p.appId, p.id, p.displayName);
  return undefined;
}

export function fromPointer(p: ServicePrincipalPointer): Who {
  return who('ServicePrincipal', p.appId, p.objectId, p.displayName ?? p.name);
}
