/**
 * The exact issuer and the signing keys of one tenant's tokens, per token version, read from that
 * version's OpenID configuration (`issuer`, `jwks_uri`): "a v1.0 token is validated against the v1.0
 * metadata document, a v2.0 token against the v2.0 one" (Microsoft identity platform, "Access tokens",
 * Validate tokens). Entra ID rotates its keys; Microsoft suggests re-reading them about every 24 hours, and
 * a token whose key id is not known yet makes one early re-read (at most every 5 minutes since the last
 * attempt, failed or not, so made-up key ids never drive one read per request). When a re-read fails the
 * keys already read stay in use; with none at all, or for a key id not among them while the last re-read
 * failed, SigningKeysUnavailableError (an outage, 503: the token may be signed by a key published since).
 */
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { isLoopbackHost } from '../endpoints.js';
import type { Clock } from '../ports/index.js';
import { openIdConfigurationUrl, parseIssuerForm, type TokenVersion } from './entraIssuer.js';
import { SigningKeysUnavailableError } from '../caller.js';

const MAX_AGE_MS = 24 * 3600_000;
const UNKNOWN_KEY_REREAD_MS = 5 * 60_000;
/** After a failed re-read with keys still in hand, wait this long before trying again. */
const RETRY_AFTER_FAILURE_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 5000;

export interface TenantSigningKeysOptions {
  tenantId: string;
  /** Login endpoint of the cloud, e.g. https://login.microsoftonline.com. */
  authority: string;
  /** Keys from this URL instead of the documents' jwks_uri. */
  jwksUrl?: string;
  clock: Clock;
  timeoutMs?: number;
}

export interface VersionKeys {
  /** The issuer the tenant's metadata gives tokens of this version; `iss` must equal it exactly. */
  issuer: string;
  getKey: JWTVerifyGetKey;
}

export interface TenantSigningKeys {
  forVersion(version: TokenVersion): Promise<VersionKeys>;
}

// eslint-disable-next-line max-lines-per-function -- a factory: its length is the methods it returns, each a function of its own
export function createTenantSigningKeys(options: TenantSigningKeysOptions): TenantSigningKeys {
  const now = () => options.clock.now().getTime();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const keySets = new Map<string, Cache<ReturnType<typeof createLocalJWKSet>>>();
  const documents = new Map<TokenVersion, Cache<VersionKeys>>();

  function keySet(url: string): Cache<ReturnType<typeof createLocalJWKSet>> {
    let cache = keySets.get(url);
    if (!cache) {
      cache = createCache(async () => {
        const body = await readJson(url, 'The signing key set', timeoutMs);
        if (!isKeySet(body)) throw new SigningKeysUnavailableError(`The signing key set (${url}) has no "keys" array.`);
        try {
          return createLocalJWKSet(body);
        } catch {
          throw new SigningKeysUnavailableError(`The signing key set (${url}) is not a valid JSON Web Key Set.`);
        }
      }, now);
      keySets.set(url, cache);
    }
    return cache;
  }

  async function loadVersion(version: TokenVersion): Promise<VersionKeys> {
    const url = openIdConfigurationUrl(options.authority, options.tenantId, version);
    const body = await readJson(url, `The v${version} OpenID configuration`, timeoutMs);
    const doc = (typeof body === 'object' && body !== null ? body : {}) as { issuer?: unknown; jwks_uri?: unknown };
    const form = typeof doc.issuer === 'string' ? parseIssuerForm(doc.issuer) : undefined;
    if (!form || form.tenantId !== options.tenantId || form.version !== version || typeof doc.issuer !== 'string') {
      throw new SigningKeysUnavailableError(
        `The v${version} OpenID configuration (${url}) does not name a v${version} issuer of tenant ${options.tenantId}; check WATCHDOG_AUTH_AUTHORITY and WATCHDOG_AUTH_ISSUER.`,
      );
    }
    const jwksUri =
      options.jwksUrl ?? (typeof doc.jwks_uri === 'string' && acceptableUrl(doc.jwks_uri) ? doc.jwks_uri : undefined);
    if (!jwksUri)
      throw new SigningKeysUnavailableError(
        `The v${version} OpenID configuration (${url}) has no usable https jwks_uri.`,
      );
    const keys = keySet(jwksUri);
    const getKey: JWTVerifyGetKey = async (header, token) => {
      const lookup = await keys.get(MAX_AGE_MS);
      try {
        return await lookup(header, token);
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
        const attempt = keys.lastAttempt();
        if (attempt.loading || now() - attempt.at >= UNKNOWN_KEY_REREAD_MS) {
          // Perhaps a key published since the last read: read once more (an outage now is a 503).
          return (await keys.reload())(header, token);
        }
        if (attempt.failure)
          throw new SigningKeysUnavailableError(
            `The token's key id is not among the keys read before, and the last re-read failed: ${attempt.failure}`,
          );
        throw error;
      }
    };
    return { issuer: doc.issuer, getKey };
  }

  return {
    forVersion(version) {
      let cache = documents.get(version);
      if (!cache) {
        cache = createCache(() => loadVersion(version), now);
        documents.set(version, cache);
      }
      return cache.get(MAX_AGE_MS);
    },
  };
}

interface Cache<T> {
  get(maxAgeMs: number): Promise<T>;
  reload(): Promise<T>;
  /** When the last load started, whether one is running, and why the last finished one failed (if it did). */
  lastAttempt(): { at: number; loading: boolean; failure?: string };
}

/** One load at a time; a stale value is served while its re-read fails. */
function createCache<T>(load: () => Promise<T>, now: () => number): Cache<T> {
  let value: T | undefined;
  let loadedAt = Number.NEGATIVE_INFINITY;
  let attemptedAt = Number.NEGATIVE_INFINITY;
  let failure: string | undefined;
  let pending: Promise<T> | undefined;
  const reload = (): Promise<T> => {
    if (pending) return pending;
    attemptedAt = now();
    return (pending = load()
      .then(
        (v) => {
          value = v;
          loadedAt = now();
          failure = undefined;
          return v;
        },
        (error: unknown) => {
          failure = error instanceof Error ? error.message : String(error);
          throw error;
        },
      )
      .finally(() => {
        pending = undefined;
      }));
  };
  return {
    reload,
    lastAttempt: () => ({ at: attemptedAt, loading: pending !== undefined, failure }),
    async get(maxAgeMs) {
      if (value === undefined) return reload();
      if (now() - loadedAt < maxAgeMs) return value;
      try {
        return await reload();
      } catch {
        loadedAt = now() - maxAgeMs + RETRY_AFTER_FAILURE_MS;
        return value;
      }
    },
  };
}

async function readJson(url: string, what: string, timeoutMs: number): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'unreachable';
    throw new SigningKeysUnavailableError(`${what} (${url}) could not be read: ${reason}.`);
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new SigningKeysUnavailableError(`${what} (${url}) answered HTTP ${response.status}.`);
  }
  try {
    return await response.json();
  } catch {
    throw new SigningKeysUnavailableError(`${what} (${url}) is not JSON.`);
  }
}

function isKeySet(body: unknown): body is JSONWebKeySet {
  return typeof body === 'object' && body !== null && Array.isArray((body as { keys?: unknown }).keys);
}

function acceptableUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  } catch {
    return false;
  }
}
