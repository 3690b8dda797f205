import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAudiences } from '../../../lib/apiAudiences.js';
import { createTokenAuthenticator } from '../../../lib/auth/verifyAccessToken.js';
import { startEmulator, type RunningEmulator } from '../../../emulator/index.js';
import { WATCHDOG_API } from '../../../emulator/scenarios/baseTenant.js';
import { TENANT_ID, USERS } from '../../../emulator/scenarios/forgottenMigrations.js';

let emulator: RunningEmulator;
let now = new Date('2026-11-02T09:00:00Z');
const clock = { now: () => now };
const base = () => `${emulator.url}/${TENANT_ID}`;
const REDIRECT = 'https://127.0.0.1:7071/redirect';
const SCOPE = `api://${WATCHDOG_API.appId}/access_as_user openid profile`;

beforeAll(async () => {
  emulator = await startEmulator({ clock });
});
afterAll(async () => {
  await emulator.stop();
});

function authorizeParams(challenge: string, extra: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    client_id: WATCHDOG_API.appId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    response_mode: 'fragment',
    scope: SCOPE,
    state: 'st-1',
    nonce: 'n-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
}

/** Signs `who` in on the sign-in page's form; answers the code from the redirect and the PKCE verifier. */
async function signIn(who: { id: string }): Promise<{ code: string; verifier: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const form = authorizeParams(challenge);
  form.set('person', who.id);
  const answer = await fetch(`${base()}/oauth2/v2.0/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  expect(answer.status).toBe(302);
  const location = new URL(answer.headers.get('location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  const fragment = new URLSearchParams(location.hash.slice(1));
  expect(fragment.get('state')).toBe('st-1');
  return { code: fragment.get('code') ?? '', verifier };
}

const redeem = (code: string, verifier: string) =>
  fetch(`${base()}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: WATCHDOG_API.appId,
      redirect_uri: REDIRECT,
      code,
      code_verifier: verifier,
      scope: SCOPE,
    }),
  });

describe('the emulator as the tenant OpenID Connect provider', () => {
  it("lists the tenant's people on its sign-in page, those with app roles first, escaped, without script", async () => {
    const page = await fetch(`${base()}/oauth2/v2.0/authorize?${authorizeParams('x'.repeat(43)).toString()}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).not.toContain('<script');
    expect(html.indexOf(USERS.gradya.displayName)).toBeLessThan(html.indexOf(USERS.alexw.displayName));
    expect(html).toContain('Grant.Approve, Grant.Request');
  });

  it('issues RS256 tokens that the watchdog verifies through the discovery document and key set', async () => {
    const { code, verifier } = await signIn(USERS.gradya);
    const tokens = (await (await redeem(code, verifier)).json()) as {
      access_token: string;
      id_token: string;
      expires_in: number;
    };
    expect(tokens.expires_in).toBe(3600);
    const authenticate = createTokenAuthenticator({
      tenantId: TENANT_ID,
      authority: emulator.url,
      audiences: apiAudiences([WATCHDOG_API.appId]),
      clock,
    });
    const caller = await authenticate(new Headers({ authorization: `Bearer ${tokens.access_token}` }));
    expect(caller).toEqual({
      upn: USERS.gradya.userPrincipalName,
      oid: USERS.gradya.id,
      tid: TENANT_ID,
      roles: ['Grant.Request', 'Grant.Approve'],
      channel: {
        kind: 'api',
        oid: USERS.gradya.id,
        tid: TENANT_ID,
        issuer: `https://login.microsoftonline.com/${TENANT_ID}/v2.0`,
        appId: WATCHDOG_API.appId,
      },
    });
    const idClaims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(idClaims).toMatchObject({
      aud: WATCHDOG_API.appId,
      nonce: 'n-1',
      roles: ['Grant.Approve', 'Grant.Request'],
    });
    // An hour later on the tenant's clock the same token is refused as expired.
    now = new Date(now.getTime() + 3600_000 + 61_000);
    await expect(authenticate(new Headers({ authorization: `Bearer ${tokens.access_token}` }))).rejects.toThrow(
      /expired/,
    );
    now = new Date('2026-11-02T09:00:00Z');
  });

  it('redeems a code once, only with its PKCE verifier', async () => {
    const first = await signIn(USERS.lidiah);
    const wrong = await redeem(first.code, randomBytes(32).toString('base64url'));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
    // The failed attempt used the code up.
    expect((await redeem(first.code, first.verifier)).status).toBe(400);
    const second = await signIn(USERS.lidiah);
    expect((await redeem(second.code, second.verifier)).status).toBe(200);
    expect((await redeem(second.code, second.verifier)).status).toBe(400);
  });

  it('refuses a foreign redirect URI on its page, and answers login_required to a silent renewal', async () => {
    const foreign = await fetch(
      `${base()}/oauth2/v2.0/authorize?${authorizeParams('c', { redirect_uri: 'https://evil.example/cb' }).toString()}`,
      { redirect: 'manual' },
    );
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain('not registered');
    const silent = await fetch(
      `${base()}/oauth2/v2.0/authorize?${authorizeParams('c', { prompt: 'none' }).toString()}`,
      {
        redirect: 'manual',
      },
    );
    expect(silent.status).toBe(302);
    expect(new URLSearchParams(new URL(silent.headers.get('location') ?? '').hash.slice(1)).get('error')).toBe(
      'login_required',
    );
  });

  it('stops verifying tokens of a rotated key', async () => {
    const { code, verifier } = await signIn(USERS.meganb);
    const { access_token } = (await (await redeem(code, verifier)).json()) as { access_token: string };
    const authenticate = createTokenAuthenticator({
      tenantId: TENANT_ID,
      authority: emulator.url,
      audiences: apiAudiences([WATCHDOG_API.appId]),
      clock,
    });
    expect((await fetch(`${emulator.url}/_emulator/signing-key/rotate`, { method: 'POST' })).status).toBe(200);
    await expect(authenticate(new Headers({ authorization: `Bearer ${access_token}` }))).rejects.toThrow(
      /not signed by any key/,
    );
  });
});
