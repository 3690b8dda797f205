import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { createAuthenticator } from '../../lib/auth/authenticator.js';
import { easyAuthAuthenticator } from '../../lib/auth/easyAuthPrincipal.js';
import { MissingRoleError, requireRole, UnauthenticatedError, type Caller } from '../../lib/auth/identity.js';
import { createTokenAuthenticator } from '../../lib/auth/verifyAccessToken.js';
import type { Authenticator } from '../../lib/auth/authenticator.js';
import { ManualClock } from '../../lib/clock.js';
import { startTestIssuer, TEST_AUDIENCE, TEST_ISSUER, type TestIssuer } from './support/tokens.js';

const clock = new ManualClock('2026-11-02T09:00:00Z');
const nowSec = () => Math.floor(clock.now().getTime() / 1000);
const megan = { upn: 'MeganB@Contoso.onmicrosoft.com', oid: '11111111-2222-3333-4444-555555555555', roles: ['Grant.Request', 'Something.Else'] };

let issuer: TestIssuer;
let authenticate: Authenticator;

beforeAll(async () => {
  issuer = await startTestIssuer(() => clock.now());
  authenticate = createTokenAuthenticator({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, jwksUrl: issuer.jwksUrl, clock });
});
afterAll(() => issuer.stop());

const bearer = (token: string) => new Headers({ authorization: `Bearer ${token}` });

function unsigned(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

describe('access token verification (JWKS over loopback)', () => {
  it('accepts a valid token and derives the caller: lower-cased UPN, oid, known app roles only', async () => {
    const caller = await authenticate(bearer(await issuer.token(megan)));
    expect(caller).toEqual<Caller>({ upn: 'meganb@contoso.onmicrosoft.com', oid: megan.oid, roles: ['Grant.Request'] });
    expect(issuer.fetches()).toBeGreaterThan(0);
  });

  it('reads a v1 token upn claim when preferred_username is absent', async () => {
    const token = await issuer.token(megan, { omitUpn: true, claims: { upn: 'MeganB@contoso.onmicrosoft.com' } });
    expect((await authenticate(bearer(token))).upn).toBe('meganb@contoso.onmicrosoft.com');
  });

  const refused: [string, () => Promise<Headers>, RegExp][] = [
    ['no Authorization header', async () => new Headers(), /Authorization: Bearer/],
    ['a Basic scheme', async () => new Headers({ authorization: 'Basic bWVnYW46cHc=' }), /Authorization: Bearer/],
    ['a malformed token', async () => bearer('not-a-jwt'), /not a valid token|could not be verified/],
    ['another issuer', async () => bearer(await issuer.token(megan, { issuer: 'https://login.microsoftonline.com/other/v2.0' })), /claim 'iss'/],
    ['another audience', async () => bearer(await issuer.token(megan, { audience: 'api://someone-else' })), /claim 'aud'/],
    ['an expired token', async () => bearer(await issuer.token(megan, { iat: nowSec() - 7200, nbf: nowSec() - 7200, exp: nowSec() - 3600 })), /expired/],
    ['a token not yet valid (nbf)', async () => bearer(await issuer.token(megan, { nbf: nowSec() + 3600, exp: nowSec() + 7200 })), /claim 'nbf'/],
    ['a key the issuer does not publish', async () => bearer(await issuer.foreignToken(megan)), /signature does not verify/],
    ['an unknown key id', async () => bearer(await issuer.token(megan, { kid: 'rotated-away' })), /not signed by any key/],
    ['alg none', async () => bearer(unsigned({ iss: TEST_ISSUER, aud: TEST_AUDIENCE, preferred_username: 'meganb@contoso.onmicrosoft.com', exp: nowSec() + 600, iat: nowSec() })), /not a valid token|algorithm/],
    [
      'a symmetric HS256 token',
      async () =>
        bearer(
          await new SignJWT({ preferred_username: 'meganb@contoso.onmicrosoft.com', roles: ['Grant.Approve'] })
            .setProtectedHeader({ alg: 'HS256', kid: 'test-key-1' })
            .setIssuer(TEST_ISSUER)
            .setAudience(TEST_AUDIENCE)
            .setIssuedAt(nowSec())
            .setExpirationTime(nowSec() + 600)
            .sign(new TextEncoder().encode('a-shared-secret-that-nobody-should-accept')),
        ),
      /algorithm is not allowed/,
    ],
    ['an app-only token without a user name', async () => bearer(await issuer.token(megan, { omitUpn: true, claims: { idtyp: 'app' } })), /app-only tokens/],
    ['an ID token (right audience and roles, but no scope)', async () => bearer(await issuer.token(megan, { claims: { scp: undefined, nonce: 'n-1' } })), /not a delegated access token .*no scp claim/],
    [
      'a tampered payload',
      async () => {
        const [h, , s] = (await issuer.token(megan)).split('.');
        const forged = Buffer.from(JSON.stringify({ iss: TEST_ISSUER, aud: TEST_AUDIENCE, preferred_username: 'lidiah@contoso.onmicrosoft.com', roles: ['Grant.Approve'], exp: nowSec() + 600, iat: nowSec() })).toString('base64url');
        return bearer(`${h}.${forged}.${s}`);
      },
      /signature does not verify/,
    ],
  ];

  it.each(refused)('refuses %s with UnauthenticatedError', async (_name, headers, message) => {
    const error = await authenticate(await headers()).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect((error as Error).message).toMatch(message);
  });

  it('never echoes the token in its error', async () => {
    const token = await issuer.token(megan, { audience: 'api://someone-else' });
    const error = (await authenticate(bearer(token)).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain(token.split('.')[1]);
  });

  it('follows the injected clock: a token valid now is expired an hour and two minutes later', async () => {
    const token = await issuer.token(megan);
    await expect(authenticate(bearer(token))).resolves.toBeTruthy();
    const later = new ManualClock(new Date(clock.now().getTime() + 3_720_000));
    const lateAuth = createTokenAuthenticator({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, jwksUrl: issuer.jwksUrl, clock: later });
    await expect(lateAuth(bearer(token))).rejects.toThrow(/expired/);
  });
});

describe('App Service Authentication principal', () => {
  const encode = (principal: unknown) => new Headers({ 'x-ms-client-principal': Buffer.from(JSON.stringify(principal)).toString('base64') });

  it('reads UPN, oid and roles from X-MS-CLIENT-PRINCIPAL', async () => {
    const caller = await easyAuthAuthenticator(
      encode({
        auth_typ: 'aad',
        name_typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
        role_typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
        claims: [
          { typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn', val: 'LidiaH@contoso.onmicrosoft.com' },
          { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: 'oid-lidia' },
          { typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', val: 'Grant.Approve' },
          { typ: 'roles', val: 'Audit.Read' },
        ],
      }),
    );
    expect(caller).toEqual({ upn: 'lidiah@contoso.onmicrosoft.com', oid: 'oid-lidia', roles: ['Grant.Approve', 'Audit.Read'] });
  });

  it.each([
    ['no header', new Headers()],
    ['not base64 JSON', new Headers({ 'x-ms-client-principal': '%%%' })],
    ['no claims', encode({ auth_typ: 'aad' })],
    ['no user name', encode({ auth_typ: 'aad', claims: [{ typ: 'roles', val: 'Grant.Approve' }] })],
    ['another identity provider', encode({ auth_typ: 'github', claims: [{ typ: 'upn', val: 'lidiah@contoso.onmicrosoft.com' }, { typ: 'roles', val: 'Grant.Approve' }] })],
  ])('refuses %s', async (_name, headers) => {
    await expect(easyAuthAuthenticator(headers)).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});

describe('authenticator selection and roles', () => {
  it('token mode without issuer and audience is a settings error that names them', () => {
    expect(() => createAuthenticator({ mode: 'token' }, clock)).toThrow(/WATCHDOG_AUTH_ISSUER and WATCHDOG_AUTH_AUDIENCE and WATCHDOG_AUTH_JWKS_URL/);
    expect(createAuthenticator({ mode: 'easyauth' }, clock, { WEBSITE_AUTH_ENABLED: 'True' })).toBe(easyAuthAuthenticator);
  });

  it('refuses easyauth mode unless the platform says App Service Authentication is on (else the header could be forged)', () => {
    expect(() => createAuthenticator({ mode: 'easyauth' }, clock, {})).toThrow(/App Service Authentication is not enabled/);
    expect(() => createAuthenticator({ mode: 'easyauth' }, clock, { WEBSITE_AUTH_ENABLED: 'False' })).toThrow(/WEBSITE_AUTH_ENABLED/);
  });

  it('requireRole names the missing app role', () => {
    const caller: Caller = { upn: 'a@contoso.onmicrosoft.com', roles: ['Audit.Read'] };
    expect(() => requireRole(caller, 'Audit.Read')).not.toThrow();
    expect(() => requireRole(caller, 'Grant.Approve')).toThrow(MissingRoleError);
    expect(() => requireRole(caller, 'Grant.Approve')).toThrow(/'Grant.Approve'/);
  });
});
