/** Bearer tokens from the TokenCredential. The credential caches and refreshes; the token itself is never logged. */
import type { TokenCredential } from '@azure/identity';
import { CredentialError, type CallContext } from '../ports/index.js';

export async function accessToken(
  credential: TokenCredential,
  scope: string,
  context: CallContext,
  abortSignal?: AbortSignal,
): Promise<string> {
  let token;
  try {
    token = await credential.getToken(scope, { abortSignal });
  } catch (error) {
    throw new CredentialError(context, scope, error);
  }
  if (!token?.token) throw new CredentialError(context, scope, new Error('the credential returned no token'));
  return token.token;
}
