/**
 * The tenant as an OpenID Connect provider, shaped like the Microsoft identity platform's v2.0 endpoints
 * ("OpenID Connect on the Microsoft identity platform", "OAuth 2.0 authorization code flow"): a discovery
 * document, a key set, an authorize endpoint whose sign-in page lists the tenant's people, and a token
 * endpoint that redeems a code (PKCE S256 required, as for a single-page app) for an RS256 access token with
 * `scp` and `roles` and an ID token. The issuer is the worldwide cloud's, as a real tenant's tokens name it.
 *
 * Every app of the tenant accepts every loopback redirect URI; no refresh tokens are issued, so a session
 * lasts as long as its access token (an hour on the emulator clock).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignJWT, type JWTPayload } from 'jose';
import type { EmulatorContext } from '../context.js';
import type { Reply } from '../http.js';
import type { SeedServicePrincipal, SeedUser } from '../seed.js';
import { rolesOn, signInPeople } from './people.js';
import { errorPage, signInPage } from './signInPage.js';
import { newSigningKey, type SigningKey } from './signingKey.js';

export interface LoginState {
  /** Made on first use: an RSA key takes longer to make than the rest of the emulator takes to start. */
  key?: SigningKey;
  codes: Map<string, IssuedCode>;
}

function signingKey(ctx: EmulatorContext): SigningKey {
  return (ctx.login.key ??= newSigningKey());
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scopes: string[];
  api: SeedServicePrincipal;
  userId: string;
  nonce?: string;
  expiresAt: number;
}

const TOKEN_LIFETIME_S = 3600;
const CODE_LIFETIME_MS = 10 * 60_000;
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const LOGIN_PATH =
  /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys|oauth2\/v2\.0\/(?:authorize|token|logout))$/;

const issuerOf = (tenantId: string) => `https://login.microsoftonline.com/${tenantId}/v2.0`;

/** Where the browser reached the emulator: a proxy in front (the local web stack) says so in X-Forwarded-*. */
function publicOrigin(ctx: EmulatorContext, req: IncomingMessage): string {
  const proto = req.headers['x-forwarded-proto'];
  const host = req.headers['x-forwarded-host'] ?? req.headers.host;
  return typeof proto === 'string' && typeof host === 'string' ? `${proto}://${host}` : ctx.baseUrl;
}

const json = (status: number, body: unknown): Reply => ({
  status,
  headers: { 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' },
  body,
});
const html = (status: number, body: string): Reply => ({
  status,
  headers: {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  },
  body,
});
const oauthError = (error: string, description: string): Reply => json(400, { error, error_description: description });

function isLoopbackRedirect(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) &&
      url.hash === ''
    );
  } catch {
    return false;
  }
}

/** `api://{appId}/{scope}` or `{appId}/{scope}`: the API whose exposed scope it names. */
function resourceOf(ctx: EmulatorContext, scope: string): SeedServicePrincipal | undefined {
  const m = /^(?:api:\/\/)?([0-9a-f-]{36})\/([^/\s]+)$/i.exec(scope);
  if (!m?.[1] || !GUID.test(m[1])) return undefined;
  const sp = ctx.state.servicePrincipalByAppId(m[1].toLowerCase());
  return sp?.oauth2PermissionScopes?.some((s) => s.value === m[2]) ? sp : undefined;
}

type AuthorizeCheck =
  | { ok: true; clientId: string; redirectUri: string; scopes: string[]; api: SeedServicePrincipal }
  | { ok: false; reply: Reply };

/** Checks an authorization request; until the redirect URI is known good, errors are shown, never redirected. */
function checkAuthorize(ctx: EmulatorContext, p: URLSearchParams): AuthorizeCheck {
  const clientId = (p.get('client_id') ?? '').toLowerCase();
  if (!ctx.state.servicePrincipalByAppId(clientId))
    return {
      ok: false,
      reply: html(
        400,
        errorPage(
          'Unknown application',
          `No application with client id '${clientId}' is registered in ${ctx.state.tenant}.`,
        ),
      ),
    };
  const redirectUri = p.get('redirect_uri') ?? '';
  if (!isLoopbackRedirect(redirectUri))
    return {
      ok: false,
      reply: html(
        400,
        errorPage(
          'Redirect URI refused',
          `The redirect URI '${redirectUri}' is not registered: the emulator accepts http or https loopback addresses without a fragment.`,
        ),
      ),
    };
  const fail = (error: string, description: string): AuthorizeCheck => ({
    ok: false,
    reply: redirectWith(redirectUri, p.get('response_mode'), {
      error,
      error_description: description,
      state: p.get('state') ?? '',
    }),
  });
  if (p.get('response_type') !== 'code')
    return fail('unsupported_response_type', "Only response_type 'code' is supported.");
  if (p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge'))
    return fail('invalid_request', 'A code_challenge with code_challenge_method S256 is required (PKCE).');
  const scopes = (p.get('scope') ?? '').split(/\s+/).filter(Boolean);
  const resources = scopes.filter((s) => !OIDC_SCOPES.has(s));
  const apis = [...new Set(resources.map((s) => resourceOf(ctx, s)))];
  const api = apis[0];
  if (resources.length === 0 || apis.length !== 1 || !api)
    return fail(
      'invalid_scope',
      `Ask for exactly one API's exposed scope, such as api://<client id>/access_as_user; got '${resources.join(' ')}'.`,
    );
  if (p.get('prompt') === 'none')
    return fail('login_required', 'The emulator keeps no sign-in session: an interactive sign-in is required.');
  return { ok: true, clientId, redirectUri, scopes, api };
}

function redirectWith(redirectUri: string, mode: string | null, params: Record<string, string>): Reply {
  const encoded = new URLSearchParams(params).toString();
  const url =
    mode === 'query' ? `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${encoded}` : `${redirectUri}#${encoded}`;
  return { status: 302, headers: { Location: url, 'Cache-Control': 'no-store' } };
}

const AUTHORIZE_FIELDS = [
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
];

function authorize(
  ctx: EmulatorContext,
  method: string,
  tenantId: string,
  query: URLSearchParams,
  form: URLSearchParams,
): Reply {
  const p = method === 'POST' ? form : query;
  const checked = checkAuthorize(ctx, p);
  if (!checked.ok) return checked.reply;
  if (method === 'GET') {
    const fields = Object.fromEntries(
      AUTHORIZE_FIELDS.flatMap((f) => (p.get(f) === null ? [] : [[f, p.get(f) ?? '']])),
    );
    return html(
      200,
      signInPage({
        tenant: ctx.state.tenant,
        appName: checked.api.displayName,
        action: `/${tenantId}/oauth2/v2.0/authorize`,
        fields,
        people: signInPeople(ctx.state, checked.api),
      }),
    );
  }
  const user = ctx.state.users.get(form.get('person') ?? '');
  if (!user || user.accountEnabled === false)
    return html(400, errorPage('Unknown person', 'Choose one of the enabled people the sign-in page lists.'));
  const code = randomBytes(32).toString('base64url');
  ctx.login.codes.set(code, {
    clientId: checked.clientId,
    redirectUri: checked.redirectUri,
    challenge: p.get('code_challenge') ?? '',
    scopes: checked.scopes,
    api: checked.api,
    userId: user.id,
    nonce: p.get('nonce') ?? undefined,
    expiresAt: ctx.state.clock.now().getTime() + CODE_LIFETIME_MS,
  });
  return redirectWith(checked.redirectUri, p.get('response_mode'), { code, state: p.get('state') ?? '' });
}

async function sign(ctx: EmulatorContext, claims: JWTPayload): Promise<string> {
  const key = signingKey(ctx);
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid }).sign(key.privateKey);
}

function pairwiseSubject(user: SeedUser, appId: string): string {
  return createHash('sha256').update(`${user.id}:${appId}`).digest('base64url').slice(0, 43);
}

async function token(ctx: EmulatorContext, form: URLSearchParams): Promise<Reply> {
  const grantType = form.get('grant_type');
  if (grantType !== 'authorization_code')
    return oauthError(
      grantType === 'refresh_token' ? 'invalid_grant' : 'unsupported_grant_type',
      'The emulator redeems authorization codes only (it issues no refresh tokens): sign in again.',
    );
  const code = form.get('code') ?? '';
  const issued = ctx.login.codes.get(code);
  // A code is good once, whatever happens next (RFC 6749 section 4.1.2).
  ctx.login.codes.delete(code);
  const now = ctx.state.clock.now().getTime();
  if (!issued || issued.expiresAt <= now)
    return oauthError('invalid_grant', 'The authorization code is unknown, used or expired.');
  if (
    (form.get('client_id') ?? '').toLowerCase() !== issued.clientId ||
    form.get('redirect_uri') !== issued.redirectUri
  )
    return oauthError('invalid_grant', 'client_id and redirect_uri must be those of the authorization request.');
  const verifier = form.get('code_verifier') ?? '';
  if (createHash('sha256').update(verifier).digest('base64url') !== issued.challenge)
    return oauthError('invalid_grant', 'The code_verifier does not match the code_challenge (PKCE).');
  const user = ctx.state.users.get(issued.userId);
  if (!user) return oauthError('invalid_grant', 'The signed-in user no longer exists.');
  const tenantId = ctx.state.tenantId;
  const iat = Math.floor(now / 1000);
  const common = {
    iss: issuerOf(tenantId),
    iat,
    nbf: iat,
    exp: iat + TOKEN_LIFETIME_S,
    tid: tenantId,
    oid: user.id,
    ver: '2.0',
  };
  const roles = rolesOn(ctx.state, issued.api, user.id);
  const apiScopes = issued.scopes.filter((s) => !OIDC_SCOPES.has(s));
  const accessToken = await sign(ctx, {
    ...common,
    aud: issued.api.appId,
    sub: pairwiseSubject(user, issued.api.appId),
    azp: issued.clientId,
    azpacr: '0',
    name: user.displayName,
    preferred_username: user.userPrincipalName,
    scp: apiScopes.map((s) => s.slice(s.lastIndexOf('/') + 1)).join(' '),
    ...(roles.length ? { roles } : {}),
    uti: randomUUID(),
  });
  const idToken = await sign(ctx, {
    ...common,
    aud: issued.clientId,
    sub: pairwiseSubject(user, issued.clientId),
    name: user.displayName,
    preferred_username: user.userPrincipalName,
    // The app's own roles go in its ID token too (one registration serves the SPA and the API).
    ...(issued.clientId === issued.api.appId && roles.length ? { roles } : {}),
    ...(issued.nonce ? { nonce: issued.nonce } : {}),
  });
  return json(200, {
    token_type: 'Bearer',
    scope: apiScopes.join(' '),
    expires_in: TOKEN_LIFETIME_S,
    ext_expires_in: TOKEN_LIFETIME_S,
    access_token: accessToken,
    id_token: idToken,
    client_info: Buffer.from(JSON.stringify({ uid: user.id, utid: tenantId })).toString('base64url'),
  });
}

function discovery(ctx: EmulatorContext, origin: string, tenantId: string): Reply {
  const base = `${origin}/${tenantId}`;
  return json(200, {
    issuer: issuerOf(tenantId),
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/oauth2/v2.0/token`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    token_endpoint_auth_methods_supported: ['none'],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'nbf',
      'name',
      'nonce',
      'oid',
      'tid',
      'preferred_username',
      'ver',
    ],
    tenant_region_scope: 'WW',
    cloud_instance_name: 'microsoftonline.com',
  });
}

function logout(query: URLSearchParams): Reply {
  const back = query.get('post_logout_redirect_uri');
  if (back && isLoopbackRedirect(back))
    return { status: 302, headers: { Location: back, 'Cache-Control': 'no-store' } };
  return html(200, errorPage('Signed out', 'You are signed out of the tenant emulator.'));
}

export async function handleLogin(
  ctx: EmulatorContext,
  req: IncomingMessage,
  url: URL,
  raw: Buffer,
): Promise<Reply | undefined> {
  const m = LOGIN_PATH.exec(url.pathname);
  if (!m) return undefined;
  const tenant = m[1] ?? '';
  if (tenant.toLowerCase() !== ctx.state.tenantId && tenant.toLowerCase() !== ctx.state.tenant.toLowerCase())
    return oauthError('invalid_tenant', `Tenant '${tenant}' is not this emulator's (${ctx.state.tenantId}).`);
  const tenantId = ctx.state.tenantId;
  const method = req.method ?? 'GET';
  const form = new URLSearchParams(method === 'POST' ? raw.toString('utf8') : '');
  const endpoint = m[2] ?? '';
  if (endpoint.endsWith('openid-configuration')) return discovery(ctx, publicOrigin(ctx, req), tenantId);
  if (endpoint.endsWith('keys')) return json(200, { keys: [signingKey(ctx).publicJwk] });
  if (endpoint.endsWith('authorize')) return authorize(ctx, method, tenantId, url.searchParams, form);
  if (endpoint.endsWith('logout')) return logout(url.searchParams);
  if (method !== 'POST') return oauthError('invalid_request', 'The token endpoint takes POST.');
  return token(ctx, form);
}
