/**
 * The identity the watchdog calls Exchange, Graph, Table Storage and ACS with.
 * In Azure: the (user-assigned) managed identity. Locally: DefaultAzureCredential, or the
 * emulator's fixed development token, which config only accepts when every endpoint is loopback.
 */
import {
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type AccessToken,
  type TokenCredential,
} from '@azure/identity';
import { EMULATOR_TOKEN } from '../contract/emulator.js';

const emulatorCredential: TokenCredential = {
  async getToken(): Promise<AccessToken> {
    return { token: EMULATOR_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
  },
};

/** Which identity (WATCHDOG_CREDENTIAL) and, for a user-assigned managed identity, its client id. */
export interface CredentialSettings {
  credential: 'managed-identity' | 'default' | 'emulator';
  identityClientId?: string;
}

export function createCredential(config: CredentialSettings): TokenCredential {
  switch (config.credential) {
    case 'emulator':
      return emulatorCredential;
    case 'default':
      return new DefaultAzureCredential(
        config.identityClientId ? { managedIdentityClientId: config.identityClientId } : {},
      );
    case 'managed-identity':
      return config.identityClientId
        ? new ManagedIdentityCredential({ clientId: config.identityClientId })
        : new ManagedIdentityCredential();
  }
}
