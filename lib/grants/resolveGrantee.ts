/**
 * The grantee must be a real, enabled user in the directory and known to Exchange: the
 * assignment is made on the Exchange recipient, and the audit matches its recipient name.
 */
import type { DirectoryPrincipal, Recipient } from '../domain.js';
import type { Directory, ExchangeRbac } from '../ports/index.js';
import { InvalidGrantInputError } from './grantErrors.js';

export interface Grantee {
  upn: string;
  user: DirectoryPrincipal;
  recipient: Recipient;
}

export async function resolveGrantee(
  deps: { directory: Directory; exchange: ExchangeRbac },
  principal: string,
  field = 'principal',
): Promise<Grantee> {
  const upn = principal.trim().toLowerCase();
  const user = await deps.directory.getUser(upn);
  if (!user || user.type !== 'user')
    throw new InvalidGrantInputError(
      field,
      `${field} '${upn}' is not a user in the directory; give the grantee's user principal name.`,
    );
  if (user.accountEnabled === false)
    throw new InvalidGrantInputError(
      field,
      `${field} '${upn}' is a disabled account; enable it before granting it the role.`,
    );
  const recipient = await deps.exchange.getUser(upn);
  if (!recipient)
    throw new InvalidGrantInputError(
      field,
      `${field} '${upn}' is not known to Exchange Online; the grantee needs a mailbox or mail user.`,
    );
  return { upn: (user.userPrincipalName ?? upn).toLowerCase(), user, recipient };
}
