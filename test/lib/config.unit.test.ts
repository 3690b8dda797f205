import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SETTING_NAMES, SETTINGS, type Env, type Setting } from '../../lib/config.js';

const base: Env = {
  WATCHDOG_TENANT: 'contoso.onmicrosoft.com',
  WATCHDOG_CREDENTIAL: 'managed-identity',
  WATCHDOG_EMAIL_ENDPOINT: 'https://acs-watchdog.europe.communication.azure.com',
  WATCHDOG_EMAIL_SENDER: 'watchdog@alerts.contoso.com',
  WATCHDOG_ALERT_RECIPIENTS: 'secops@contoso.com; soc@contoso.com',
  WATCHDOG_STORAGE_ACCOUNT: 'stwatchdog01',
};

function problems(env: Env, options: { api?: boolean } = {}): string[] {
  try {
    loadConfig(env, options);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('refuses easyauth on Flex Consumption, where App Service Authentication is not enforced, and keeps it elsewhere', () => {
    expect(problems({ ...base, WATCHDOG_AUTH_MODE: 'easyauth', WEBSITE_SKU: 'FlexConsumption' })).toEqual([
      expect.stringMatching(/WATCHDOG_AUTH_MODE=easyauth is refused on the Flex Consumption plan/),
    ]);
    expect(loadConfig({ ...base, WATCHDOG_AUTH_MODE: 'token', WEBSITE_SKU: 'FlexConsumption' }).auth.mode).toBe(
      'token',
    );
    expect(loadConfig({ ...base, WATCHDOG_AUTH_MODE: 'easyauth', WEBSITE_SKU: 'ElasticPremium' }).auth.mode).toBe(
      'easyauth',
    );
  });

  it('applies documented defaults', () => {
    const c = loadConfig(base);
    expect(c.exchangeUrl).toBe('https://outlook.office365.com');
    expect(c.graphUrl).toBe('https://graph.microsoft.com');
    expect(c.storage.tableEndpoint).toBe('https://stwatchdog01.table.core.windows.net');
    expect(c.storage.tablePrefix).toBe('mie');
    expect(c.email.alertRecipients).toEqual(['secops@contoso.com', 'soc@contoso.com']);
    expect(c.email.approverRecipients).toEqual(c.email.alertRecipients);
    expect(c.grants).toEqual({
      minDurationMs: 3_600_000,
      maxDurationMs: 30 * 86_400_000,
      roleGroup: undefined,
      cliDecisions: 'allow',
      requestTtlMs: 3 * 86_400_000,
    });
    expect(c.unapproved).toEqual({ action: 'alert', graceMs: 3_600_000 });
    expect(c.schedules).toEqual({ audit: '0 */15 * * * *', revoke: '0 */5 * * * *' });
    expect(c.revoke).toEqual({
      maxShare: 0.5,
      maxCount: 10,
      dryRun: false,
      reminderOffsetsMs: [86_400_000, 3_600_000],
    });
    expect(c.auth.mode).toBe('token');
    expect(c.auditLogQuery).toBe(false);
  });

  it('turns audit log attribution on with WATCHDOG_AUDIT_LOG_QUERY and rejects other values', () => {
    expect(loadConfig({ ...base, WATCHDOG_AUDIT_LOG_QUERY: 'true' }).auditLogQuery).toBe(true);
    expect(loadConfig({ ...base, WATCHDOG_AUDIT_LOG_QUERY: 'false' }).auditLogQuery).toBe(false);
    expect(problems({ ...base, WATCHDOG_AUDIT_LOG_QUERY: 'sometimes' })).toEqual([
      expect.stringMatching(/WATCHDOG_AUDIT_LOG_QUERY is 'sometimes'; accepted values: true, false/),
    ]);
  });

  it('accepts national cloud endpoints and lower-cases break-glass entries', () => {
    const c = loadConfig({
      ...base,
      WATCHDOG_EXCHANGE_URL: 'https://outlook.office365.us/',
      WATCHDOG_GRAPH_URL: 'https://graph.microsoft.us',
      WATCHDOG_STORAGE_ACCOUNT: 'https://stwatchdog01.table.core.usgovcloudapi.net',
      WATCHDOG_BREAK_GLASS: 'BreakGlass1@Contoso.onmicrosoft.com, 5b7a2f3e-8c1d-4e6f-9a0b-1c2d3e4f5a6b',
    });
    expect(c.exchangeUrl).toBe('https://outlook.office365.us');
    expect(c.storage.tableEndpoint).toBe('https://stwatchdog01.table.core.usgovcloudapi.net');
    expect(c.breakGlass).toEqual(['breakglass1@contoso.onmicrosoft.com', '5b7a2f3e-8c1d-4e6f-9a0b-1c2d3e4f5a6b']);
  });

  const bad: [string, Env, RegExp][] = [
    ['missing tenant', { ...base, WATCHDOG_TENANT: undefined }, /WATCHDOG_TENANT is required/],
    ['malformed tenant', { ...base, WATCHDOG_TENANT: 'not a domain' }, /WATCHDOG_TENANT is 'not a domain'/],
    [
      'unknown credential',
      { ...base, WATCHDOG_CREDENTIAL: 'password' },
      /WATCHDOG_CREDENTIAL is 'password'; accepted values: managed-identity, default, emulator/,
    ],
    [
      'http to a remote host',
      { ...base, WATCHDOG_EXCHANGE_URL: 'http://outlook.office365.com' },
      /WATCHDOG_EXCHANGE_URL .*plain http is accepted only on loopback/,
    ],
    [
      'not a URL',
      { ...base, WATCHDOG_GRAPH_URL: 'graph.microsoft.com' },
      /WATCHDOG_GRAPH_URL is 'graph.microsoft.com', which is not an absolute URL/,
    ],
    [
      'ftp scheme',
      { ...base, WATCHDOG_GRAPH_URL: 'ftp://graph.microsoft.com' },
      /WATCHDOG_GRAPH_URL .*use an https:\/\/ URL/,
    ],
    [
      'no email transport',
      { ...base, WATCHDOG_EMAIL_ENDPOINT: undefined },
      /WATCHDOG_EMAIL_CONNECTION_STRING or WATCHDOG_EMAIL_ENDPOINT is required/,
    ],
    [
      'both email transports',
      { ...base, WATCHDOG_EMAIL_CONNECTION_STRING: 'endpoint=https://x.communication.azure.com/;accesskey=abc' },
      /both set/,
    ],
    [
      'email connection string without endpoint',
      { ...base, WATCHDOG_EMAIL_ENDPOINT: undefined, WATCHDOG_EMAIL_CONNECTION_STRING: 'accesskey=abc' },
      /has no endpoint=/,
    ],
    [
      'bad sender',
      { ...base, WATCHDOG_EMAIL_SENDER: 'watchdog' },
      /WATCHDOG_EMAIL_SENDER is 'watchdog', which is not an email address/,
    ],
    ['missing recipients', { ...base, WATCHDOG_ALERT_RECIPIENTS: undefined }, /WATCHDOG_ALERT_RECIPIENTS is required/],
    [
      'bad recipient',
      { ...base, WATCHDOG_ALERT_RECIPIENTS: 'secops@contoso.com, nobody' },
      /WATCHDOG_ALERT_RECIPIENTS has 'nobody'/,
    ],
    [
      'no storage',
      { ...base, WATCHDOG_STORAGE_ACCOUNT: undefined },
      /WATCHDOG_STORAGE_CONNECTION_STRING or WATCHDOG_STORAGE_ACCOUNT is required/,
    ],
    [
      'both storage settings',
      { ...base, WATCHDOG_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' },
      /WATCHDOG_STORAGE_ACCOUNT are both set/,
    ],
    [
      'bad storage account',
      { ...base, WATCHDOG_STORAGE_ACCOUNT: 'My_Account' },
      /WATCHDOG_STORAGE_ACCOUNT is 'My_Account'/,
    ],
    [
      'remote http storage',
      {
        ...base,
        WATCHDOG_STORAGE_ACCOUNT: undefined,
        WATCHDOG_STORAGE_CONNECTION_STRING: 'DefaultEndpointsProtocol=http;AccountName=x;AccountKey=eA==',
      },
      /WATCHDOG_STORAGE_CONNECTION_STRING table endpoint .*plain http/,
    ],
    [
      'bad table prefix',
      { ...base, WATCHDOG_TABLE_PREFIX: 'mie-prod' },
      /WATCHDOG_TABLE_PREFIX is 'mie-prod'; use a letter followed by/,
    ],
    [
      'months in a duration',
      { ...base, WATCHDOG_GRANT_MAX_DURATION: 'P1M' },
      /WATCHDOG_GRANT_MAX_DURATION is 'P1M'; use a positive ISO 8601 duration/,
    ],
    [
      'min above max',
      { ...base, WATCHDOG_GRANT_MIN_DURATION: 'P10D', WATCHDOG_GRANT_MAX_DURATION: 'P1D' },
      /MIN_DURATION is longer than WATCHDOG_GRANT_MAX_DURATION/,
    ],
    [
      'unknown unapproved action',
      { ...base, WATCHDOG_UNAPPROVED_ACTION: 'delete' },
      /WATCHDOG_UNAPPROVED_ACTION is 'delete'; accepted values: alert, revoke/,
    ],
    ['bad break-glass entry', { ...base, WATCHDOG_BREAK_GLASS: 'admin' }, /WATCHDOG_BREAK_GLASS has 'admin'/],
    [
      'five-field cron',
      { ...base, WATCHDOG_AUDIT_SCHEDULE: '*/15 * * * *' },
      /WATCHDOG_AUDIT_SCHEDULE .*six-field NCRONTAB/,
    ],
    [
      'share above one',
      { ...base, WATCHDOG_REVOKE_MAX_SHARE: '1.5' },
      /WATCHDOG_REVOKE_MAX_SHARE is '1.5'; use a number from 0 to 1/,
    ],
    [
      'fractional count',
      { ...base, WATCHDOG_REVOKE_MAX_COUNT: '2.5' },
      /WATCHDOG_REVOKE_MAX_COUNT is '2.5'; use a whole number/,
    ],
    [
      'bad boolean',
      { ...base, WATCHDOG_DRY_RUN: 'maybe' },
      /WATCHDOG_DRY_RUN is 'maybe'; accepted values: true, false/,
    ],
    ['bad reminder', { ...base, WATCHDOG_REMINDERS: 'PT24H,tomorrow' }, /WATCHDOG_REMINDERS has 'tomorrow'/],
    ['bad digest hour', { ...base, WATCHDOG_DIGEST_HOUR: '24' }, /WATCHDOG_DIGEST_HOUR is '24'/],
    [
      'bad auth mode',
      { ...base, WATCHDOG_AUTH_MODE: 'none' },
      /WATCHDOG_AUTH_MODE is 'none'; accepted values: token, easyauth/,
    ],
    [
      'bad identity client id',
      { ...base, WATCHDOG_IDENTITY_CLIENT_ID: 'my-identity' },
      /WATCHDOG_IDENTITY_CLIENT_ID is 'my-identity'/,
    ],
  ];

  it.each(bad)('rejects %s with a message naming the setting', (_name, env, message) => {
    expect(problems(env).join('\n')).toMatch(message);
  });

  it('never echoes an access key from a connection string pasted into the wrong setting', () => {
    const text = problems({
      ...base,
      WATCHDOG_STORAGE_ACCOUNT:
        'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=SECRETKEY123==;EndpointSuffix=core.windows.net',
    }).join('\n');
    expect(text).toContain('WATCHDOG_STORAGE_ACCOUNT');
    expect(text).not.toContain('SECRETKEY123');
    const acs = problems({
      ...base,
      WATCHDOG_EMAIL_ENDPOINT: 'endpoint=https://x.communication.azure.com/;accesskey=SECRETACS==',
    }).join('\n');
    expect(acs).not.toContain('SECRETACS');
  });

  it('takes the API tenant from WATCHDOG_AUTH_ISSUER in either form, and the login endpoint of its cloud', () => {
    const tid = '5b7a2f3e-8c1d-4e6f-9a0b-1c2d3e4f5a6b';
    const v1 = loadConfig({ ...base, WATCHDOG_AUTH_ISSUER: `https://sts.windows.net/${tid}/` }).auth;
    expect(v1).toMatchObject({
      issuer: `https://sts.windows.net/${tid}/`,
      tenantId: tid,
      authority: 'https://login.microsoftonline.com',
    });
    expect(
      loadConfig({ ...base, WATCHDOG_AUTH_ISSUER: `https://login.microsoftonline.com/${tid}/v2.0` }).auth,
    ).toMatchObject({ tenantId: tid, authority: 'https://login.microsoftonline.com' });
    expect(
      loadConfig({ ...base, WATCHDOG_AUTH_ISSUER: `https://login.microsoftonline.us/${tid}/v2.0` }).auth.authority,
    ).toBe('https://login.microsoftonline.us');
    expect(
      loadConfig({
        ...base,
        WATCHDOG_AUTH_ISSUER: `https://login.microsoftonline.us/${tid}/v2.0`,
        WATCHDOG_AUTH_AUTHORITY: 'https://login.microsoftonline.us/',
      }).auth.authority,
    ).toBe('https://login.microsoftonline.us');
    expect(problems({ ...base, WATCHDOG_AUTH_ISSUER: 'http://login.example.com/x' }).join('\n')).toMatch(
      /WATCHDOG_AUTH_ISSUER .*plain http/,
    );
    for (const bad of [
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0',
      `https://sts.windows.net/${tid}`,
      `https://login.microsoftonline.com/${tid}/v2.0/`,
      `https://sts.windows.net/${tid.toUpperCase()}/`,
    ]) {
      expect(problems({ ...base, WATCHDOG_AUTH_ISSUER: bad }).join('\n')).toMatch(
        /WATCHDOG_AUTH_ISSUER is .* either form/,
      );
    }
  });

  it('reads WATCHDOG_AUTH_AUDIENCE as a list of client id and application ID URIs', () => {
    expect(
      loadConfig({
        ...base,
        WATCHDOG_AUTH_AUDIENCE: '9d3b6f0e-2a4c-4e7b-8f1a-5c6d7e8f9a0b, api://9d3b6f0e-2a4c-4e7b-8f1a-5c6d7e8f9a0b',
      }).auth.audiences,
    ).toHaveLength(2);
    expect(problems({ ...base, WATCHDOG_AUTH_AUDIENCE: 'mie-watchdog' }).join('\n')).toMatch(
      /WATCHDOG_AUTH_AUDIENCE has 'mie-watchdog'/,
    );
  });

  it('reports every problem at once', () => {
    expect(problems({}).length).toBeGreaterThanOrEqual(5);
  });

  it('refuses the emulator credential unless every endpoint is loopback', () => {
    const local: Env = {
      ...base,
      WATCHDOG_CREDENTIAL: 'emulator',
      WATCHDOG_EXCHANGE_URL: 'http://127.0.0.1:7001',
      WATCHDOG_GRAPH_URL: 'http://localhost:7001',
      WATCHDOG_EMAIL_ENDPOINT: undefined,
      WATCHDOG_EMAIL_CONNECTION_STRING: 'endpoint=http://[::1]:7001/;accesskey=ZW11bGF0b3I=',
      WATCHDOG_STORAGE_ACCOUNT: undefined,
      WATCHDOG_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
    };
    expect(loadConfig(local).credential).toBe('emulator');
    expect(problems({ ...local, WATCHDOG_GRAPH_URL: undefined }).join('\n')).toMatch(
      /WATCHDOG_CREDENTIAL=emulator is refused because WATCHDOG_GRAPH_URL \(https:\/\/graph.microsoft.com\) is not a loopback address/,
    );
    expect(
      problems({
        ...local,
        WATCHDOG_STORAGE_CONNECTION_STRING: undefined,
        WATCHDOG_STORAGE_ACCOUNT: 'stwatchdog01',
      }).join('\n'),
    ).toMatch(/refused because WATCHDOG_STORAGE_\*/);
    // The Logs channel sends the credential's token: with the emulator's, only to loopback.
    const logs = { WATCHDOG_LOGS_RULE_ID: 'dcr-0123456789abcdef0123456789abcdef' };
    expect(
      loadConfig({ ...local, ...logs, WATCHDOG_LOGS_ENDPOINT: 'http://127.0.0.1:7001' }).notify.logs,
    ).toBeDefined();
    expect(
      problems({ ...local, ...logs, WATCHDOG_LOGS_ENDPOINT: 'https://dce.westeurope-1.ingest.monitor.azure.com' }).join(
        '\n',
      ),
    ).toMatch(/refused because WATCHDOG_LOGS_ENDPOINT \(https:\/\/dce\.westeurope-1/);
    const pinned = loadConfig({ ...local, WATCHDOG_LOCAL_CLOCK: '2026-03-02T07:59:30Z' });
    expect(pinned.localClockStart?.toISOString()).toBe('2026-03-02T07:59:30.000Z');
    expect(problems({ ...local, WATCHDOG_LOCAL_CLOCK: '2026-02-30T07:00:00Z' }).join('\n')).toMatch(
      /WATCHDOG_LOCAL_CLOCK is '2026-02-30T07:00:00Z'/,
    );
  });

  it('never lets a deployed watchdog run on a shifted clock', () => {
    expect(loadConfig(base).localClockStart).toBeUndefined();
    expect(problems({ ...base, WATCHDOG_LOCAL_CLOCK: '2026-03-02T07:59:30Z' }).join('\n')).toMatch(
      /WATCHDOG_LOCAL_CLOCK is accepted only with WATCHDOG_CREDENTIAL=emulator/,
    );
  });

  it('lists every setting it reads', () => {
    expect(new Set(SETTING_NAMES).size).toBe(SETTING_NAMES.length);
    expect(SETTING_NAMES).toContain('WATCHDOG_UNAPPROVED_ACTION');
  });

  it('derives SETTING_NAMES from the table: every setting but the local-stack ones', () => {
    const entries = Object.entries(SETTINGS) as [string, Setting][];
    expect([...SETTING_NAMES]).toEqual(entries.filter(([, s]) => !s.localOnly).map(([n]) => n));
    expect(entries.filter(([, s]) => s.localOnly).map(([n]) => n)).toEqual([
      'WATCHDOG_LOCAL_CLOCK',
      'WATCHDOG_LOCAL_SIGN_IN_AUTHORITY',
    ]);
  });

  it('refuses a timer schedule the Functions host would refuse, naming the setting, at load', () => {
    expect(problems({ ...base, WATCHDOG_AUDIT_SCHEDULE: '0 99 banana * * *' })).toEqual([
      expect.stringMatching(
        /^WATCHDOG_AUDIT_SCHEDULE is '0 99 banana \* \* \*': minute 99 is out of range \(0-59\); hour 'banana' is not a number/,
      ),
    ]);
    expect(problems({ ...base, WATCHDOG_REVOKE_SCHEDULE: '@hourly' })).toEqual([
      expect.stringMatching(/^WATCHDOG_REVOKE_SCHEDULE is '@hourly', which has 1 field/),
    ]);
    expect(loadConfig({ ...base, WATCHDOG_REVOKE_SCHEDULE: '0 0 8 * * Mon-Fri' }).schedules.revoke).toBe(
      '0 0 8 * * Mon-Fri',
    );
  });

  it('reports every bad setting at once, each problem naming its setting', () => {
    const bad: Env = {
      WATCHDOG_TENANT: 'x',
      WATCHDOG_CREDENTIAL: 'password',
      WATCHDOG_EMAIL_ENDPOINT: 'http://acs.example.com',
      WATCHDOG_EMAIL_SENDER: 'watchdog',
      WATCHDOG_ALERT_RECIPIENTS: 'nobody',
      WATCHDOG_STORAGE_ACCOUNT: 'My_Account',
      WATCHDOG_GRANT_MIN_DURATION: 'P1M',
      WATCHDOG_AUDIT_SCHEDULE: '*/15 * * * *',
      WATCHDOG_REVOKE_MAX_SHARE: '2',
      WATCHDOG_AUTH_AUDIENCE: 'mie-watchdog',
      WATCHDOG_LOCAL_CLOCK: 'soon',
    };
    const found = problems(bad);
    expect(found).toHaveLength(Object.keys(bad).length);
    for (const name of Object.keys(bad))
      expect(
        found.filter((p) => p.startsWith(`${name} `)),
        name,
      ).toHaveLength(1);
    const names = Object.keys(SETTINGS);
    for (const p of problems({}))
      expect(
        names.some((n) => p.startsWith(n)),
        p,
      ).toBe(true);
  });

  it('refuses notice channels that are not https (loopback aside), half set up or routed without being set up', () => {
    expect(
      problems({
        ...base,
        WATCHDOG_TEAMS_WEBHOOK_URL: 'http://prod-12.westeurope.logic.azure.com/workflows/1?sig=TopSecretMarker42',
        WATCHDOG_WEBHOOK_URL: 'http://siem.contoso.example/hook',
        WATCHDOG_LOGS_RULE_ID: 'dcr-00000000000000000000000000000001',
        WATCHDOG_ROUTES: 'teams: * >= urgent; pager: *; logs: grant-*; webhook: nothing-*',
      }),
    ).toEqual([
      'WATCHDOG_TEAMS_WEBHOOK_URL uses http; use an https:// URL (plain http is accepted only on loopback: 127.0.0.1, localhost, [::1]).',
      "WATCHDOG_WEBHOOK_URL is 'http://siem.contoso.example/hook'; plain http is accepted only on loopback (127.0.0.1, localhost, [::1]), use https.",
      "WATCHDOG_ROUTES gives severity 'urgent' for teams; severities: info, low, medium, high, critical.",
      "WATCHDOG_ROUTES names channel 'pager'; channels: email, teams, webhook, logs.",
      "WATCHDOG_ROUTES names kind 'nothing-*' for webhook, which matches no notice kind (docs/notifications.md lists them).",
      'WATCHDOG_WEBHOOK_SECRET is required with WATCHDOG_WEBHOOK_URL: every webhook event is signed with the secret.',
      'WATCHDOG_LOGS_ENDPOINT is required with WATCHDOG_LOGS_RULE_ID: rows go to a data collection rule through its endpoint.',
    ]);
    expect(problems({ ...base, WATCHDOG_ROUTES: 'logs: *' })).toEqual([
      'WATCHDOG_ROUTES routes logs, but WATCHDOG_LOGS_ENDPOINT is not set.',
    ]);
    const ok = loadConfig({
      ...base,
      WATCHDOG_TEAMS_WEBHOOK_URL: 'http://127.0.0.1:7070/teams',
      WATCHDOG_WEBHOOK_URL: 'https://siem.contoso.example/hook',
      WATCHDOG_WEBHOOK_SECRET: 'x'.repeat(32),
      WATCHDOG_ROUTES: 'teams: * >= high; webhook: grant-*, drift',
    });
    expect(ok.notify.webhook?.url).toBe('https://siem.contoso.example/hook');
    expect([...(ok.notify.routes?.webhook?.kinds ?? [])]).toContain('grant-approved');
    expect(ok.notify.routes?.teams?.minSeverity).toBe('high');
  });

  it('never echoes the value of a secret setting in a problem', () => {
    const secrets = (Object.entries(SETTINGS) as [string, Setting][]).filter(([, s]) => s.secret).map(([n]) => n);
    expect(secrets.sort()).toEqual([
      'WATCHDOG_EMAIL_CONNECTION_STRING',
      'WATCHDOG_STORAGE_CONNECTION_STRING',
      'WATCHDOG_TEAMS_WEBHOOK_URL',
      'WATCHDOG_WEBHOOK_SECRET',
    ]);
    const values = [
      'TopSecretMarker42',
      'endpoint=http://remote.example.com/;accesskey=TopSecretMarker42',
      'DefaultEndpointsProtocol=http;AccountName=x;AccountKey=TopSecretMarker42',
      'password=TopSecretMarker42',
    ];
    for (const name of secrets)
      for (const value of values) {
        const text = problems({
          ...base,
          WATCHDOG_EMAIL_ENDPOINT: undefined,
          WATCHDOG_STORAGE_ACCOUNT: undefined,
          [name]: value,
        }).join('\n');
        expect(text, `${name}=${value}`).toContain(name);
        expect(text, `${name}=${value}`).not.toContain('TopSecretMarker42');
      }
  });

  it('where the HTTP API is served, checks the auth settings at start-up with the rest', () => {
    expect(problems({ ...base, WATCHDOG_TENANT: undefined }, { api: true })).toEqual([
      expect.stringMatching(/^WATCHDOG_TENANT is required/),
      expect.stringMatching(/^WATCHDOG_AUTH_MODE=token needs WATCHDOG_AUTH_ISSUER and WATCHDOG_AUTH_AUDIENCE/),
    ]);
    const tid = '5b7a2f3e-8c1d-4e6f-9a0b-1c2d3e4f5a6b';
    const api: Env = {
      ...base,
      WATCHDOG_AUTH_ISSUER: `https://login.microsoftonline.com/${tid}/v2.0`,
      WATCHDOG_AUTH_AUDIENCE: '9d3b6f0e-2a4c-4e7b-8f1a-5c6d7e8f9a0b',
    };
    expect(loadConfig(api, { api: true }).auth.tenantId).toBe(tid);
    expect(problems({ ...api, WATCHDOG_AUTH_AUDIENCE: undefined }, { api: true }).join('\n')).toMatch(
      /WATCHDOG_AUTH_MODE=token needs WATCHDOG_AUTH_AUDIENCE:/,
    );
    expect(problems({ ...api, WATCHDOG_AUTH_MODE: 'easyauth' }, { api: true }).join('\n')).toMatch(
      /App Service Authentication is not enabled on this app \(WEBSITE_AUTH_ENABLED is not True\)/,
    );
    expect(
      loadConfig({ ...api, WATCHDOG_AUTH_MODE: 'easyauth', WEBSITE_AUTH_ENABLED: 'True' }, { api: true }).auth.mode,
    ).toBe('easyauth');
    // The CLI serves no API: doctor reports incomplete auth settings instead of refusing to run.
    expect(loadConfig(base).auth).toMatchObject({ mode: 'token', audiences: [], tenantId: undefined });
  });
});
