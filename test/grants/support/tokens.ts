/**
 * A test token issuer: an RSA key of its own, its JWKS served over loopback HTTP, and tokens shaped
 * like Entra ID v2 access tokens (iss, aud, oid, preferred_username, roles).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { AppRole } from '../../../lib/auth/identity.js';

export const TEST_TENANT_ID = '4f1c2a7e-0d55-4b7a-9a3e-6c2d1e0f9b11';
export const TEST_ISSUER = `https://login.microsoftonline.com/${TEST_TENANT_ID}/v2.0`;
export const TEST_AUDIENCE = 'api://mie-watchdog';

export interface TestIssuer {
  jwksUrl: string;
  /** Requests the JWKS endpoint has served. */
  fetches(): number;
  token(user: TokenUser, overrides?: TokenOverrides): Promise<string>;
  /** A token signed by a key the JWKS does not publish. */
  foreignToken(user: TokenUser): Promise<string>;
  stop(): Promise<void>;
}

export interface TokenUser {
  upn: string;
  oid?: string;
  roles?: AppRole[] | string[];
}

export interface TokenOverrides {
  issuer?: string;
  audience?: string;
  /** Seconds since epoch. */
  iat?: number;
  exp?: number;
  nbf?: number;
  alg?: string;
  kid?: string;
  claims?: Record<string, unknown>;
  omitUpn?: boolean;
}

interface KeyPair {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function rsaKey(kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

export async function startTestIssuer(now: () => Date): Promise<TestIssuer> {
  const key = await rsaKey('test-key-1');
  const foreign = await rsaKey('test-key-1');
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [key.publicJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  async function sign(pair: KeyPair, user: TokenUser, o: TokenOverrides = {}): Promise<string> {
    const iat = o.iat ?? Math.floor(now().getTime() / 1000);
    const claims: Record<string, unknown> = { oid: user.oid ?? `oid-${user.upn}`, tid: TEST_TENANT_ID, roles: user.roles ?? [], scp: 'access_as_user', ver: '2.0', ...o.claims };
    if (!o.omitUpn) claims.preferred_username = user.upn;
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: o.alg ?? 'RS256', kid: o.kid ?? pair.publicJwk.kid, typ: 'JWT' })
      .setIssuer(o.issuer ?? TEST_ISSUER)
      .setAudience(o.audience ?? TEST_AUDIENCE)
      .setIssuedAt(iat)
      .setNotBefore(o.nbf ?? iat)
      .setExpirationTime(o.exp ?? iat + 3600)
      .setSubject(`sub-${user.upn}`);
    return jwt.sign(pair.privateKey);
  }

  return {
    jwksUrl: `http://127.0.0.1:${port}/discovery/v2.0/keys`,
    fetches: () => fetches,
    token: (user, overrides) => sign(key, user, overrides),
    foreignToken: (user) => sign(foreign, user),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
