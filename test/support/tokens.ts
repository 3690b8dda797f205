/**
 * A test Entra ID tenant: an RSA key of its own, the tenant's v1.0 and v2.0 OpenID configuration
 * documents and key sets served over loopback HTTP (the real issuer strings inside), and tokens shaped
 * like Entra ID access tokens of either version (Access token claims reference): v2.0 with
 * `preferred_username` and `azp`, audience the client id; v1.0 with `upn`, `unique_name` and `appid`,
 * audience the application ID URI.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { AppRole } from '../../lib/caller.js';
import { USERS as SEED_USERS } from '../../emulator/scenarios/forgottenMigrations.js';

export const TEST_TENANT_ID = '4f1c2a7e-0d55-4b7a-9a3e-6c2d1e0f9b11';
export const TEST_ISSUER = `https://login.microsoftonline.com/${TEST_TENANT_ID}/v2.0`;
export const TEST_ISSUER_V1 = `https://sts.windows.net/${TEST_TENANT_ID}/`;
export const TEST_CLIENT_ID = '9d3b6f0e-2a4c-4e7b-8f1a-5c6d7e8f9a0b';
export const TEST_APP_ID_URI = `api://${TEST_CLIENT_ID}`;
/** The client app (a SPA or CLI) the tokens were issued to. */
export const CLIENT_APP_ID = '1b2c3d4e-5f60-4718-9a0b-c1d2e3f4a5b6';

export type KeyFault = 'status-500' | 'bad-json' | 'no-keys';

export interface TestIssuer {
  /** Login endpoint serving the tenant's OpenID configuration (WATCHDOG_AUTH_AUTHORITY). */
  authority: string;
  /** The v2.0 key set (as the v2.0 document names it). */
  jwksUrl: string;
  /** WATCHDOG_AUTH_* for a runtime that trusts this issuer. */
  settings: Record<string, string>;
  /** Requests the key set endpoints have served. */
  fetches(): number;
  /** Requests of any kind served. */
  requests(): number;
  /** Make the key sets (or the OpenID documents) answer badly until cleared with undefined. */
  fault(target: 'keys' | 'metadata', fault: KeyFault | undefined): void;
  token(user: TokenUser, overrides?: TokenOverrides): Promise<string>;
  /** A token signed by a key the key set does not publish. */
  foreignToken(user: TokenUser): Promise<string>;
  stop(): Promise<void>;
}

export interface TokenUser {
  upn: string;
  oid?: string;
  roles?: AppRole[] | string[];
}

export interface TokenOverrides {
  version?: '1.0' | '2.0';
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

const seedIds = new Map<string, string>(
  Object.values(SEED_USERS).map((u) => [u.userPrincipalName.toLowerCase(), u.id]),
);

/** The directory object id of a seed user, or a stable made-up one: tokens always carry an oid. */
export function oidOf(upn: string): string {
  const known = seedIds.get(upn.toLowerCase());
  if (known) return known;
  const h = createHash('sha256').update(upn.toLowerCase()).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function startTestIssuer(now: () => Date): Promise<TestIssuer> {
  const key = await rsaKey('test-key-1');
  const foreign = await rsaKey('test-key-1');
  let fetches = 0;
  let requests = 0;
  const faults: Partial<Record<'keys' | 'metadata', KeyFault>> = {};
  let origin = '';

  const documents: Record<string, () => unknown> = {
    [`/${TEST_TENANT_ID}/.well-known/openid-configuration`]: () => ({
      issuer: TEST_ISSUER_V1,
      jwks_uri: `${origin}/${TEST_TENANT_ID}/discovery/keys`,
    }),
    [`/${TEST_TENANT_ID}/v2.0/.well-known/openid-configuration`]: () => ({
      issuer: TEST_ISSUER,
      jwks_uri: `${origin}/${TEST_TENANT_ID}/discovery/v2.0/keys`,
    }),
  };
  const keySets = new Set([`/${TEST_TENANT_ID}/discovery/keys`, `/${TEST_TENANT_ID}/discovery/v2.0/keys`]);

  const server: Server = createServer((req, res) => {
    requests++;
    const path = new URL(req.url ?? '/', origin).pathname;
    const target = keySets.has(path) ? 'keys' : documents[path] ? 'metadata' : undefined;
    if (target === 'keys') fetches++;
    const fault = target ? faults[target] : undefined;
    if (!target) {
      res.writeHead(404).end();
    } else if (fault === 'status-500') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('AADSTS90033: A transient error has occurred.');
    } else if (fault === 'bad-json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": [');
    } else if (fault === 'no-keys') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(target === 'keys' ? { keys: [key.publicJwk] } : documents[path]?.()));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function sign(pair: KeyPair, user: TokenUser, o: TokenOverrides = {}): Promise<string> {
    const iat = o.iat ?? Math.floor(now().getTime() / 1000);
    const v1 = o.version === '1.0';
    const claims: Record<string, unknown> = {
      oid: user.oid ?? oidOf(user.upn),
      tid: TEST_TENANT_ID,
      roles: user.roles ?? [],
      scp: 'access_as_user',
      ver: v1 ? '1.0' : '2.0',
    };
    if (v1)
      Object.assign(
        claims,
        { appid: CLIENT_APP_ID, appidacr: '0' },
        o.omitUpn ? {} : { upn: user.upn, unique_name: user.upn },
      );
    else Object.assign(claims, { azp: CLIENT_APP_ID, azpacr: '0' }, o.omitUpn ? {} : { preferred_username: user.upn });
    Object.assign(claims, o.claims);
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: o.alg ?? 'RS256', kid: o.kid ?? pair.publicJwk.kid, typ: 'JWT' })
      .setIssuer(o.issuer ?? (v1 ? TEST_ISSUER_V1 : TEST_ISSUER))
      .setAudience(o.audience ?? (v1 ? TEST_APP_ID_URI : TEST_CLIENT_ID))
      .setIssuedAt(iat)
      .setNotBefore(o.nbf ?? iat)
      .setExpirationTime(o.exp ?? iat + 3600)
      .setSubject(`sub-${user.upn}`);
    return jwt.sign(pair.privateKey);
  }

  return {
    authority: origin,
    jwksUrl: `${origin}/${TEST_TENANT_ID}/discovery/v2.0/keys`,
    settings: {
      WATCHDOG_AUTH_ISSUER: TEST_ISSUER,
      // The audience as configured: the client id (the application ID URI is accepted too).
      WATCHDOG_AUTH_AUDIENCE: TEST_CLIENT_ID,
      WATCHDOG_AUTH_AUTHORITY: origin,
    },
    fetches: () => fetches,
    requests: () => requests,
    fault(target, fault) {
      faults[target] = fault;
    },
    token: (user, overrides) => sign(key, user, overrides),
    foreignToken: (user) => sign(foreign, user),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
