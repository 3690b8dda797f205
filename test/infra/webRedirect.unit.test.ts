/**
 * The web app signs in out of the box: infra/main.bicep registers, as the app registration's SPA redirect URIs,
 * exactly the addresses MSAL uses in web/src/auth.ts, on the origin WATCHDOG_WEB_URL names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BicepFile, REPO as repo, loadInfra } from './bicepModel.js';

let main: BicepFile;

beforeAll(async () => {
  [main] = (await loadInfra('main.bicep')) as [BicepFile];
});

describe('the web app registration in infra/main.bicep', () => {
  it('registers where MSAL finishes a sign-in and where a sign-out returns, unless MIE_WEB_REDIRECT_URIS says otherwise', () => {
    const auth = readFileSync(join(repo, 'web/src/auth.ts'), 'utf8');
    expect(auth).toContain('redirectUri: `${location.origin}/redirect`');
    expect(auth).toContain('postLogoutRedirectUri: `${location.origin}/`');

    const defaults = main.variables.get('defaultSpaRedirectUris');
    expect(defaults?.type).toBe('array');
    expect(defaults?.namedChildren.map((n) => n?.text)).toEqual(["'${webAppBase}/redirect'", "'${webAppBase}/'"]);
    // The origin is the web app's URL, without the trailing slash a custom one may be given with.
    expect(main.variables.get('webAppUrl')?.text).toBe(
      "!empty(webUrl) ? webUrl : 'https://${functionAppName}.azurewebsites.net'",
    );
    expect(main.variables.get('webAppBase')?.text).toContain("endsWith(webAppUrl, '/')");

    const registration = main.modules.get('apiRegistration');
    const spa = registration && BicepFile.property(registration, ['params', 'spaRedirectUris']);
    expect(spa?.text).toBe(
      "empty(webRedirectUris) ? defaultSpaRedirectUris : map(split(webRedirectUris, ','), u => trim(u))",
    );
    const settings = main.variables.get('watchdogSettings');
    expect(settings && BicepFile.property(settings, ['WATCHDOG_WEB_URL'])?.text).toBe('webAppUrl');
  });
});
