import { describe, expect, it } from 'vitest';
import {
  audienceList,
  bool,
  duration,
  durationList,
  emailAddress,
  emailConnectionString,
  emailList,
  endpoint,
  guid,
  issuer,
  number,
  oneOf,
  principalList,
  schedule,
  splitList,
  storageAccount,
  storageConnectionString,
  tablePrefix,
  tenantDomain,
  text,
  utcInstant,
  type Parsed,
} from '../../lib/settingParsers.js';
import { connectionStringEndpoint } from '../../lib/endpoints.js';

const TID = '5b7a2f3e-8c1d-4e6f-9a0b-1c2d3e4f5a6b';

function value<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new Error(`expected a value, got ${parsed.problems.join(' ')}`);
  return parsed.value;
}

function problems<T>(parsed: Parsed<T>): string {
  if (parsed.ok) throw new Error(`expected problems, got ${JSON.stringify(parsed.value)}`);
  return parsed.problems.join('\n');
}

describe('setting parsers', () => {
  it('text passes the text on', () => {
    expect(value(text('PST Migration Operators'))).toBe('PST Migration Operators');
  });

  it('oneOf accepts only the listed values and names them', () => {
    const parse = oneOf(['alert', 'revoke']);
    expect(value(parse('revoke'))).toBe('revoke');
    expect(problems(parse('Revoke'))).toBe("is 'Revoke'; accepted values: alert, revoke.");
  });

  it('endpoint takes https anywhere and http on loopback only, without trailing slashes', () => {
    expect(value(endpoint('https://outlook.office365.us//'))).toBe('https://outlook.office365.us');
    for (const local of ['http://127.0.0.1:7070', 'http://localhost:1', 'http://[::1]:2'])
      expect(value(endpoint(local))).toBe(local);
    expect(problems(endpoint('graph.microsoft.com'))).toMatch(/which is not an absolute URL/);
    expect(problems(endpoint('http://graph.microsoft.com'))).toMatch(/plain http is accepted only on loopback/);
    expect(problems(endpoint('ftp://graph.microsoft.com'))).toMatch(/use an https:\/\/ URL/);
  });

  it('guid takes a GUID in either case and says what it stands for', () => {
    expect(value(guid('the client id')(TID.toUpperCase()))).toBe(TID.toUpperCase());
    expect(problems(guid('the client id')('my-identity'))).toBe("is 'my-identity'; use the client id.");
  });

  it('tenantDomain lower-cases an initial domain', () => {
    expect(value(tenantDomain('Contoso.onmicrosoft.com'))).toBe('contoso.onmicrosoft.com');
    expect(problems(tenantDomain('Not A Domain'))).toMatch(/^is 'not a domain'; use the tenant's initial domain/);
  });

  it('emailAddress and emailList take addresses, a list separated by commas, semicolons or spaces', () => {
    expect(value(emailAddress('watchdog@alerts.contoso.com'))).toBe('watchdog@alerts.contoso.com');
    expect(problems(emailAddress('watchdog'))).toBe("is 'watchdog', which is not an email address.");
    expect(value(emailList('a@contoso.com; b@contoso.com,c@contoso.com d@contoso.com'))).toHaveLength(4);
    expect(problems(emailList('a@contoso.com, nobody, x@'))).toBe(
      "has 'nobody', which is not an email address.\nhas 'x@', which is not an email address.",
    );
    expect(problems(emailList(',;'))).toBe('is empty; give at least one email address.');
  });

  it('splitList drops empty entries', () => {
    expect(splitList(' a, ;b  c,')).toEqual(['a', 'b', 'c']);
  });

  it('emailConnectionString checks the endpoint in it and never echoes the key', () => {
    const good = 'endpoint=https://acs.communication.azure.com/;accesskey=SECRET1';
    expect(value(emailConnectionString(good))).toBe(good);
    expect(connectionStringEndpoint(good, 'email')).toBe('https://acs.communication.azure.com/');
    const remote = problems(emailConnectionString('endpoint=http://acs.example.com/;accesskey=SECRET2'));
    expect(remote).toMatch(/^endpoint is 'http:\/\/acs.example.com\/'; plain http/);
    expect(remote).not.toContain('SECRET2');
    expect(problems(emailConnectionString('accesskey=SECRET3'))).toBe(
      'endpoint has no endpoint=...; copy the connection string from the Communication Services resource (Keys).',
    );
  });

  it('storageConnectionString checks the table endpoint it implies and never echoes the key', () => {
    expect(value(storageConnectionString('UseDevelopmentStorage=true'))).toBe('UseDevelopmentStorage=true');
    expect(connectionStringEndpoint('UseDevelopmentStorage=true', 'table')).toBe(
      'http://127.0.0.1:10002/devstoreaccount1',
    );
    expect(connectionStringEndpoint('AccountName=st1;EndpointSuffix=core.usgovcloudapi.net', 'table')).toBe(
      'https://st1.table.core.usgovcloudapi.net',
    );
    const remote = problems(storageConnectionString('DefaultEndpointsProtocol=http;AccountName=x;AccountKey=SECRET4'));
    expect(remote).toMatch(/^table endpoint is 'http:\/\/x.table.core.windows.net'; plain http/);
    expect(remote).not.toContain('SECRET4');
    expect(problems(storageConnectionString('AccountKey=SECRET5'))).toBe(
      'table endpoint has neither AccountName nor TableEndpoint.',
    );
  });

  it('storageAccount gives the table endpoint of an account name, or takes the endpoint itself', () => {
    expect(value(storageAccount('stwatchdog01'))).toBe('https://stwatchdog01.table.core.windows.net');
    expect(value(storageAccount('https://st1.table.core.usgovcloudapi.net/'))).toBe(
      'https://st1.table.core.usgovcloudapi.net',
    );
    expect(problems(storageAccount('My_Account'))).toMatch(/^is 'My_Account'; use a storage account name/);
    expect(problems(storageAccount('http://st1.table.core.windows.net'))).toMatch(/plain http/);
  });

  it('tablePrefix takes a letter and up to 19 letters or digits', () => {
    expect(value(tablePrefix('mieProd2'))).toBe('mieProd2');
    for (const bad of ['mie-prod', '2mie', 'a'.repeat(21)]) expect(problems(tablePrefix(bad))).toMatch(/use a letter/);
  });

  it('duration and durationList take positive ISO 8601 durations without months or years', () => {
    expect(value(duration('PT1H'))).toBe(3_600_000);
    expect(value(duration('P1W'))).toBe(7 * 86_400_000);
    for (const bad of ['P1M', 'PT0S', '1h', 'P']) expect(problems(duration(bad))).toMatch(/positive ISO 8601/);
    expect(value(durationList('PT1H, PT24H,PT1H,'))).toEqual([86_400_000, 3_600_000]);
    expect(problems(durationList('PT24H,tomorrow,PT0S'))).toBe(
      [
        "has 'tomorrow'; use a comma-separated list of ISO 8601 durations (for example PT24H,PT1H).",
        "has 'PT0S'; use a comma-separated list of ISO 8601 durations (for example PT24H,PT1H).",
      ].join('\n'),
    );
  });

  it('number keeps to its range, and to whole numbers where asked', () => {
    expect(value(number(0, 1, { integer: false })('0.25'))).toBe(0.25);
    expect(problems(number(0, 1, { integer: false })('1.5'))).toBe("is '1.5'; use a number from 0 to 1.");
    expect(value(number(0, 23, { integer: true })('23'))).toBe(23);
    expect(problems(number(0, 23, { integer: true })('2.5'))).toBe("is '2.5'; use a whole number from 0 to 23.");
    expect(problems(number(0, 23, { integer: true })('eight'))).toMatch(/whole number/);
  });

  it('bool takes true/false, 1/0 and yes/no in any case', () => {
    for (const t of ['true', 'TRUE', '1', 'yes']) expect(value(bool(t))).toBe(true);
    for (const f of ['false', 'False', '0', 'no']) expect(value(bool(f))).toBe(false);
    expect(problems(bool('Maybe'))).toBe("is 'maybe'; accepted values: true, false.");
  });

  it('principalList takes UPNs and object ids, lower-cased', () => {
    expect(value(principalList(`BreakGlass1@Contoso.onmicrosoft.com, ${TID.toUpperCase()}`))).toEqual([
      'breakglass1@contoso.onmicrosoft.com',
      TID,
    ]);
    expect(problems(principalList('admin'))).toBe("has 'admin'; list UPNs or object ids, comma-separated.");
  });

  it('audienceList takes client ids and application ID URIs', () => {
    expect(value(audienceList(`${TID}, api://${TID}`))).toEqual([TID, `api://${TID}`]);
    expect(problems(audienceList('mie-watchdog'))).toMatch(/^has 'mie-watchdog'; list the API's client id/);
  });

  it('issuer takes either form of one tenant and gives its tenant and version', () => {
    expect(value(issuer(`https://sts.windows.net/${TID}/`)).form).toMatchObject({ tenantId: TID, version: '1.0' });
    expect(value(issuer(`https://login.microsoftonline.com/${TID}/v2.0`)).form).toMatchObject({ version: '2.0' });
    expect(problems(issuer('http://login.example.com/x'))).toMatch(/plain http/);
    expect(problems(issuer(`https://sts.windows.net/${TID}`))).toMatch(/either form/);
  });

  it('utcInstant takes a real calendar instant with a zone', () => {
    expect(value(utcInstant('2026-03-02T07:59:30Z')).toISOString()).toBe('2026-03-02T07:59:30.000Z');
    expect(problems(utcInstant('2026-02-30T07:00:00Z'))).toMatch(/use a UTC instant/);
  });

  it('schedule takes an NCRONTAB expression the Functions host accepts and that fires', () => {
    expect(value(schedule('0 */15 * * * *'))).toBe('0 */15 * * * *');
    expect(problems(schedule('0 99 banana * * *'))).toMatch(/^is '0 99 banana \* \* \*': minute 99/);
  });
});
