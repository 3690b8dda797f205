import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { easyAuthAuthenticator } from '../../../lib/auth/easyAuthPrincipal.js';
import { MissingRoleError, requireRole, UnauthenticatedError, type Caller } from '../../../lib/caller.js';
import type { Authenticator } from '../../../lib/auth/authenticator.js';
import { SigningKeysUnavailableError } from '../../../lib/caller.js';
import { ManualClock } from '../../../lib/clock.js';
import { loadConfig } from '../../../lib/config.js';
import { createApiAuthenticator } from '../../../lib/runtime.js';
import {
  startTestIssuer,
  TEST_APP_ID_URI,
  TEST_CLIENT_ID,
  TEST_ISSUER,
  TEST_ISSUER_V1,
  TEST_TENANT_ID,
  CLIENT_APP_ID,
  type KeyFault,
  type TestIssuer,
  type TokenOverrides,
} from '../../support/tokens.js';

const clock = new ManualClock('2026-11-02T09:00:00Z');
const nowSec = () => Math.floor(clock.now().getTime() / 1000);
const megan = {
  upn: 'MeganB@Contoso.onmicrosoft.com',
  oid: '11111111-2222-3333-4444-555555555555',
  roles: ['Grant.Request', 'Something.Else'],
};
const OTHER_TENANT = '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d';

let issuer: TestIssuer;
let authenticate: Authenticator;

/** The settings besides the auth ones that loadConfig needs. */
const SETTINGS = {
  WATCHDOG_TENANT: 'contoso.onmicrosoft.com',
  WATCHDOG_EMAIL_ENDPOINT: 'https://acs.example.communication.azure.com',
  WATCHDOG_EMAIL_SENDER: 'watchdog@contoso.onmicrosoft.com',
  WATCHDOG_ALERT_RECIPIENTS: 'secops@contoso.onmicrosoft.com',
  WATCHDOG_STORAGE_ACCOUNT: 'stwatchdog01',
};

/** The authenticator exactly as the Function App builds it from its settings. */
function fromSettings(settings: Record<string, string>, at: ManualClock = clock): Authenticator {
  const config = loadConfig({
    ...SETTINGS,
    ...issuer.settings,
    ...settings,
  });
  return createApiAuthenticator(config.auth, at);
}

beforeAll(async () => {
  issuer = await startTestIssuer(() => clock.now());
  authenticate = fromSettings({});
});
afterAll(() => issuer.stop());

const bearer = (token: string) => new Headers({ authorization: `Bearer ${token}` });

function unsigned(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

describe('access token verification (OpenID configuration and keys over loopback)', () => {
  /** The caller, with the channel that says how it was verified: the token's oid, tid, issuer and client app. */
  const expectedFor = (version: '1.0' | '2.0' = '2.0'): Caller => ({
    upn: 'meganb@contoso.onmicrosoft.com',
    oid: megan.oid,
    tid: TEST_TENANT_ID,
    roles: ['Grant.Request'],
    channel: {
      kind: 'api',
      oid: megan.oid,
      tid: TEST_TENANT_ID,
      issuer: version === '1.0' ? TEST_ISSUER_V1 : TEST_ISSUER,
      appId: CLIENT_APP_ID,
    },
  });
  const expected = expectedFor();

  it('accepts a v2.0 token (preferred_username, audience the client id) and derives the caller: normalised UPN, oid, tid, known app roles only', async () => {
    expect(await authenticate(bearer(await issuer.token(megan)))).toEqual(expected);
    expect(issuer.fetches()).toBeGreaterThan(0);
  });

  it('accepts a v1.0 token (iss https://sts.windows.net/{tid}/, upn, audience the application ID URI)', async () => {
    const token = await issuer.token(megan, { version: '1.0' });
    expect(await authenticate(bearer(token))).toEqual(expectedFor('1.0'));
  });

  it.each([
    ['v1.0 with the client id as audience', { version: '1.0', audience: TEST_CLIENT_ID }],
    [
      'v1.0 with unique_name only',
      { version: '1.0', omitUpn: true, claims: { unique_name: 'MeganB@contoso.onmicrosoft.com' } },
    ],
    ['v2.0 with an optional upn claim only', { omitUpn: true, claims: { upn: 'MeganB@contoso.onmicrosoft.com' } }],
  ] as const)('accepts %s', async (_name, overrides) => {
    const version = 'version' in overrides ? overrides.version : '2.0';
    expect(await authenticate(bearer(await issuer.token(megan, overrides)))).toEqual(expectedFor(version));
  });

  it('a WATCHDOG_AUTH_ISSUER in either form accepts tokens of both forms of that tenant', async () => {
    for (const configured of [TEST_ISSUER, TEST_ISSUER_V1]) {
      const auth = fromSettings({ WATCHDOG_AUTH_ISSUER: configured });
      for (const version of ['1.0', '2.0'] as const)
        expect((await auth(bearer(await issuer.token(megan, { version })))).oid).toBe(megan.oid);
    }
  });

  it('accepts a custom application ID URI listed beside the client id', async () => {
    const auth = fromSettings({ WATCHDOG_AUTH_AUDIENCE: `${TEST_CLIENT_ID},https://watchdog.contoso.com/api` });
    await expect(
      auth(bearer(await issuer.token(megan, { version: '1.0', audience: 'https://watchdog.contoso.com/api' }))),
    ).resolves.toBeTruthy();
    await expect(
      auth(bearer(await issuer.token(megan, { version: '1.0', audience: TEST_APP_ID_URI }))),
    ).resolves.toBeTruthy();
  });

  it('normalises the name claim: trimmed, NFKC (fullwidth letters), lower-cased', async () => {
    for (const name of [
      ' MeganB@contoso.onmicrosoft.com',
      'ＭｅｇａｎＢ@contoso.onmicrosoft.com',
      'meganb@contoso.onmicrosoft.com\t',
    ]) {
      expect((await authenticate(bearer(await issuer.token({ ...megan, upn: name })))).upn).toBe(
        'meganb@contoso.onmicrosoft.com',
      );
    }
  });

  /** Headers with megan's token and `overrides`, made when the case runs (the issuer starts in beforeAll). */
  const meganWith = (overrides: TokenOverrides) => async () => bearer(await issuer.token(megan, overrides));
  /** Headers with a token of megan under another user name. */
  const meganNamed = (upn: string) => async () => bearer(await issuer.token({ ...megan, upn }));
  const refused: [string, () => Promise<Headers>, RegExp][] = [
    ['no Authorization header', async () => new Headers(), /Authorization: Bearer/],
    ['a Basic scheme', async () => new Headers({ authorization: 'Basic bWVnYW46cHc=' }), /Authorization: Bearer/],
    ['a malformed token', async () => bearer('not-a-jwt'), /not a valid token|could not be verified/],
    ['another issuer', meganWith({ issuer: 'https://login.microsoftonline.com/other/v2.0' }), /claim 'iss'/],
    [
      'another tenant (v2.0 issuer)',
      meganWith({
        issuer: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`,
        claims: { tid: OTHER_TENANT },
      }),
      /claim 'iss'/,
    ],
    [
      'another tenant (v1.0 issuer)',
      meganWith({
        version: '1.0',
        issuer: `https://sts.windows.net/${OTHER_TENANT}/`,
        claims: { tid: OTHER_TENANT },
      }),
      /claim 'iss'/,
    ],
    ["another tenant's tid under this tenant's issuer", meganWith({ claims: { tid: OTHER_TENANT } }), /claim 'tid'/],
    ['the v2.0 issuer with a trailing slash', meganWith({ issuer: `${TEST_ISSUER}/` }), /claim 'iss'/],
    [
      'the v1.0 issuer without its trailing slash',
      meganWith({ version: '1.0', issuer: TEST_ISSUER_V1.slice(0, -1) }),
      /claim 'iss'/,
    ],
    [
      'the v1.0 form on the login host',
      meganWith({ version: '1.0', issuer: `https://login.microsoftonline.com/${TEST_TENANT_ID}/` }),
      /claim 'iss'/,
    ],
    [
      'the v1.0 form on login.windows.net',
      meganWith({ version: '1.0', issuer: `https://login.windows.net/${TEST_TENANT_ID}/` }),
      /claim 'iss'/,
    ],
    [
      'the v2.0 form on the sts host',
      meganWith({ issuer: `https://sts.windows.net/${TEST_TENANT_ID}/v2.0` }),
      /claim 'iss'/,
    ],
    [
      'the tenant id in upper case',
      meganWith({
        issuer: TEST_ISSUER.toUpperCase()
          .replace('HTTPS://LOGIN.MICROSOFTONLINE.COM', 'https://login.microsoftonline.com')
          .replace('/V2.0', '/v2.0'),
      }),
      /claim 'iss'/,
    ],
    [
      'the tenant named by domain',
      meganWith({ issuer: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0' }),
      /claim 'iss'/,
    ],
    ['a v2.0 issuer on a ver 1.0 token', meganWith({ claims: { ver: '1.0' } }), /claim 'ver'/],
    ['a v1.0 token without scp', meganWith({ version: '1.0', claims: { scp: undefined } }), /no scp claim/],
    [
      'a v1.0 token for another resource',
      meganWith({ version: '1.0', audience: 'https://graph.microsoft.com' }),
      /claim 'aud'/,
    ],
    ['a token without an object id', meganWith({ claims: { oid: undefined } }), /no object id/],
    ['a name with a zero-width space', meganNamed('megan\u200bb@contoso.onmicrosoft.com'), /zero-width/],
    [
      'a name with a variation selector (invisible, not a format character)',
      meganNamed('meganb\ufe0f@contoso.onmicrosoft.com'),
      /zero-width/,
    ],
    ['a name with a combining grapheme joiner', meganNamed('megan\u034fb@contoso.onmicrosoft.com'), /zero-width/],
    ['a name with a Hangul filler', meganNamed('meganb\u3164@contoso.onmicrosoft.com'), /zero-width/],
    ['a name with a trailing NUL', meganNamed('meganb@contoso.onmicrosoft.com\u0000'), /zero-width/],
    ['another audience', meganWith({ audience: 'api://someone-else' }), /claim 'aud'/],
    [
      'an expired token',
      async () =>
        bearer(await issuer.token(megan, { iat: nowSec() - 7200, nbf: nowSec() - 7200, exp: nowSec() - 3600 })),
      /expired/,
    ],
    [
      'a token not yet valid (nbf)',
      async () => bearer(await issuer.token(megan, { nbf: nowSec() + 3600, exp: nowSec() + 7200 })),
      /claim 'nbf'/,
    ],
    [
      'a key the issuer does not publish',
      async () => bearer(await issuer.foreignToken(megan)),
      /signature does not verify/,
    ],
    ['an unknown key id', meganWith({ kid: 'rotated-away' }), /not signed by any key/],
    [
      'alg none',
      async () =>
        bearer(
          unsigned({
            iss: TEST_ISSUER,
            aud: TEST_CLIENT_ID,
            preferred_username: 'meganb@contoso.onmicrosoft.com',
            exp: nowSec() + 600,
            iat: nowSec(),
          }),
        ),
      /not a valid token|algorithm/,
    ],
    [
      'a symmetric HS256 token',
      async () =>
        bearer(
          await new SignJWT({ preferred_username: 'meganb@contoso.onmicrosoft.com', roles: ['Grant.Approve'] })
            .setProtectedHeader({ alg: 'HS256', kid: 'test-key-1' })
            .setIssuer(TEST_ISSUER)
            .setAudience(TEST_CLIENT_ID)
            .setIssuedAt(nowSec())
            .setExpirationTime(nowSec() + 600)
            .sign(new TextEncoder().encode('a-shared-secret-that-nobody-should-accept')),
        ),
      /algorithm is not allowed/,
    ],
    [
      'an app-only token without a user name',
      meganWith({ omitUpn: true, claims: { idtyp: 'app' } }),
      /app-only tokens/,
    ],
    [
      'an ID token (right audience and roles, but no scope)',
      meganWith({ claims: { scp: undefined, nonce: 'n-1' } }),
      /not a delegated access token .*no scp claim/,
    ],
    [
      'a tampered payload',
      async () => {
        const [h, , s] = (await issuer.token(megan)).split('.');
        const forged = Buffer.from(
          JSON.stringify({
            iss: TEST_ISSUER,
            aud: TEST_CLIENT_ID,
            preferred_username: 'lidiah@contoso.onmicrosoft.com',
            roles: ['Grant.Approve'],
            exp: nowSec() + 600,
            iat: nowSec(),
          }),
        ).toString('base64url');
        return bearer(`${h}.${forged}.${s}`);
      },
      /signature does not verify/,
    ],
  ];

  it.each(refused)('refuses %s with UnauthenticatedError', async (_name, headers, message) => {
    const error = await authenticate(await headers()).then(
      () => undefined,
      (e: unknown) => e,
    );
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
    await expect(fromSettings({}, later)(bearer(token))).rejects.toThrow(/expired/);
  });
});

describe('signing key outage', () => {
  const outage = (error: unknown) => expect(error).toBeInstanceOf(SigningKeysUnavailableError);

  /**
   * An authenticator on a clock of its own that has verified a token (so it holds the keys), megan's tokens issued on
   * that clock, and `attempt`: the authentication of one of them, or what it threw.
   */
  async function holdingKeys() {
    const at = new ManualClock(clock.now());
    const auth = fromSettings({}, at);
    await expect(auth(bearer(await issuer.token(megan)))).resolves.toBeTruthy();
    const signedNow = async (overrides: TokenOverrides = {}) =>
      bearer(await issuer.token(megan, { ...overrides, iat: Math.floor(at.now().getTime() / 1000) }));
    const attempt = async (overrides: TokenOverrides = {}) => auth(await signedNow(overrides)).catch((e: unknown) => e);
    return { at, auth, signedNow, attempt };
  }

  /** Runs `body` while the issuer answers `fault` on each of `targets`; they answer normally again after, pass or fail. */
  async function whileFailing(targets: ('keys' | 'metadata')[], fault: KeyFault, body: () => Promise<void>) {
    for (const target of targets) issuer.fault(target, fault);
    try {
      await body();
    } finally {
      for (const target of targets) issuer.fault(target, undefined);
    }
  }

  it.each([
    ['keys', 'status-500', /answered HTTP 500/],
    ['keys', 'bad-json', /is not JSON/],
    ['keys', 'no-keys', /no "keys" array/],
    ['metadata', 'status-500', /OpenID configuration .* answered HTTP 500/],
    ['metadata', 'bad-json', /OpenID configuration .* is not JSON/],
  ] as const)('%s answering %s: a valid token is an outage, not a refusal', async (target, fault, message) => {
    await whileFailing([target], fault, async () => {
      const error = await fromSettings({})(bearer(await issuer.token(megan))).catch((e: unknown) => e);
      outage(error);
      expect((error as Error).message).toMatch(message);
    });
  });

  it('an unreachable login endpoint is an outage too', async () => {
    const closed = await startTestIssuer(() => clock.now());
    await closed.stop();
    const error = await fromSettings({ WATCHDOG_AUTH_AUTHORITY: closed.authority })(
      bearer(await issuer.token(megan)),
    ).catch((e: unknown) => e);
    outage(error);
    expect((error as Error).message).toMatch(/could not be read: unreachable/);
  });

  it('keeps using the keys it has while a re-read fails, and reads again after a day', async () => {
    const { at, auth, signedNow } = await holdingKeys();
    await whileFailing(['keys', 'metadata'], 'status-500', async () => {
      at.advance(25 * 3600_000);
      const before = issuer.requests();
      await expect(auth(await signedNow())).resolves.toBeTruthy();
      expect(issuer.requests()).toBeGreaterThan(before);
    });
  });

  it('a key id it does not know makes one early re-read, at most every five minutes', async () => {
    const { at, attempt } = await holdingKeys();
    const before = issuer.fetches();
    const rotated = () => attempt({ kid: 'rotated-in' });
    expect(await rotated()).toBeInstanceOf(UnauthenticatedError);
    expect(issuer.fetches()).toBe(before);
    at.advance(6 * 60_000);
    expect(await rotated()).toBeInstanceOf(UnauthenticatedError);
    expect(issuer.fetches()).toBe(before + 1);
    expect(await rotated()).toBeInstanceOf(UnauthenticatedError);
    expect(issuer.fetches()).toBe(before + 1);
  });

  it('while the key set is down, tokens with made-up key ids make one re-read per five minutes, not one per request, and each is an outage', async () => {
    const { at, auth, signedNow, attempt } = await holdingKeys();
    at.advance(6 * 60_000);
    await whileFailing(['keys'], 'status-500', async () => {
      const before = issuer.fetches();
      for (let i = 0; i < 20; i++) outage(await attempt({ kid: `made-up-${i}` }));
      expect(issuer.fetches()).toBe(before + 1);
      // A known key id still verifies from the keys in hand, without a read.
      await expect(auth(await signedNow())).resolves.toBeTruthy();
      expect(issuer.fetches()).toBe(before + 1);
      at.advance(6 * 60_000);
      outage(await attempt({ kid: 'made-up-later' }));
      expect(issuer.fetches()).toBe(before + 2);
      issuer.fault('keys', undefined);
      at.advance(6 * 60_000);
      expect(await attempt({ kid: 'made-up-after' })).toBeInstanceOf(UnauthenticatedError);
      expect(issuer.fetches()).toBe(before + 3);
    });
  });

  it('a day-old key set that cannot be re-read is not re-read again for every made-up key id', async () => {
    const { at, attempt } = await holdingKeys();
    at.advance(25 * 3600_000);
    await whileFailing(['keys'], 'status-500', async () => {
      const before = issuer.fetches();
      for (let i = 0; i < 10; i++) outage(await attempt({ kid: `made-up-${i}` }));
      expect(issuer.fetches()).toBe(before + 1);
    });
  });
});

describe('App Service Authentication principal', () => {
  const encode = (principal: unknown) =>
    new Headers({ 'x-ms-client-principal': Buffer.from(JSON.stringify(principal)).toString('base64') });

  it('reads UPN, oid and roles from X-MS-CLIENT-PRINCIPAL', async () => {
    const caller = await easyAuthAuthenticator(
      encode({
        auth_typ: 'aad',
        name_typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
        role_typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
        claims: [
          { typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn', val: 'LidiaH@contoso.onmicrosoft.com' },
          {
            typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
            val: '0C0E0000-0000-4000-8000-00000000000C',
          },
          { typ: 'http://schemas.microsoft.com/identity/claims/tenantid', val: TEST_TENANT_ID },
          { typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', val: 'Grant.Approve' },
          { typ: 'roles', val: 'Audit.Read' },
        ],
      }),
    );
    expect(caller).toEqual({
      upn: 'lidiah@contoso.onmicrosoft.com',
      oid: '0c0e0000-0000-4000-8000-00000000000c',
      tid: TEST_TENANT_ID,
      roles: ['Grant.Approve', 'Audit.Read'],
      channel: { kind: 'easyauth', oid: '0c0e0000-0000-4000-8000-00000000000c', tid: TEST_TENANT_ID },
    });
  });

  it('with WATCHDOG_AUTH_ISSUER set, a principal signed in to another tenant (a multi-tenant sign-in) is refused', async () => {
    const config = loadConfig({
      ...SETTINGS,
      WATCHDOG_AUTH_MODE: 'easyauth',
      WATCHDOG_AUTH_AUDIENCE: TEST_CLIENT_ID,
      WATCHDOG_AUTH_ISSUER: TEST_ISSUER_V1,
    });
    const auth = createApiAuthenticator(config.auth, clock, { WEBSITE_AUTH_ENABLED: 'True' });
    const principal = (tid: string | undefined) =>
      encode({
        auth_typ: 'aad',
        claims: [
          { typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn', val: 'mallory@fabrikam.onmicrosoft.com' },
          {
            typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
            val: '0c0e0000-0000-4000-8000-00000000000d',
          },
          ...(tid ? [{ typ: 'http://schemas.microsoft.com/identity/claims/tenantid', val: tid }] : []),
          { typ: 'roles', val: 'Grant.Approve' },
        ],
      });
    await expect(auth(principal(OTHER_TENANT))).rejects.toThrow(/tenant/);
    await expect(auth(principal(undefined))).rejects.toBeInstanceOf(UnauthenticatedError);
    expect((await auth(principal(TEST_TENANT_ID))).tid).toBe(TEST_TENANT_ID);
  });

  /** Claims of an approver that name no object id. */
  const APPROVER_WITHOUT_OID = [
    { typ: 'upn', val: 'lidiah@contoso.onmicrosoft.com' },
    { typ: 'roles', val: 'Grant.Approve' },
  ];

  it.each([
    ['no header', new Headers()],
    ['not base64 JSON', new Headers({ 'x-ms-client-principal': '%%%' })],
    ['no claims', encode({ auth_typ: 'aad' })],
    ['no user name', encode({ auth_typ: 'aad', claims: [{ typ: 'roles', val: 'Grant.Approve' }] })],
    ['no object id', encode({ auth_typ: 'aad', claims: APPROVER_WITHOUT_OID })],
    ['another identity provider', encode({ auth_typ: 'github', claims: APPROVER_WITHOUT_OID })],
  ])('refuses %s', async (_name, headers) => {
    await expect(easyAuthAuthenticator(headers)).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});

describe('authenticator selection and roles', () => {
  it('token mode without issuer and audience is a settings error that names them', () => {
    expect(() => createApiAuthenticator({ mode: 'token', audiences: [] }, clock)).toThrow(
      /WATCHDOG_AUTH_ISSUER and WATCHDOG_AUTH_AUDIENCE/,
    );
    expect(createApiAuthenticator({ mode: 'easyauth', audiences: [] }, clock, { WEBSITE_AUTH_ENABLED: 'True' })).toBe(
      easyAuthAuthenticator,
    );
  });

  it('refuses easyauth mode unless the platform says App Service Authentication is on (else the header could be forged)', () => {
    expect(() => createApiAuthenticator({ mode: 'easyauth', audiences: [] }, clock, {})).toThrow(
      /App Service Authentication is not enabled/,
    );
    expect(() =>
      createApiAuthenticator({ mode: 'easyauth', audiences: [] }, clock, { WEBSITE_AUTH_ENABLED: 'False' }),
    ).toThrow(/WEBSITE_AUTH_ENABLED/);
  });

  it('requireRole names the missing app role', () => {
    const caller: Caller = { upn: 'a@contoso.onmicrosoft.com', roles: ['Audit.Read'] };
    expect(() => requireRole(caller, 'Audit.Read')).not.toThrow();
    expect(() => requireRole(caller, 'Grant.Approve')).toThrow(MissingRoleError);
    expect(() => requireRole(caller, 'Grant.Approve')).toThrow(/'Grant.Approve'/);
  });
});
