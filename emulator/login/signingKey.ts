/** The tenant's token signing key: one RSA key at a time, published as a JSON Web Key Set; rotation replaces it. */
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

export function newSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  return {
    kid,
    privateKey,
    publicJwk: { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'RS256', use: 'sig' },
  };
}
