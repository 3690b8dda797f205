import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, SETTING_NAMES, SETTINGS, type Env, type Setting } from '../../lib/config.js';
import { findBicepFiles, loadBicepParser } from '../../scripts/checkBicep.js';
import { BicepFile, INFRA, REPO as repo, type Literal } from './bicepModel.js';

let main: BicepFile;
let others: BicepFile[];
let settings: [string, Node][];

/** Settings whose values Azure computes at deployment (ids, endpoints): stand-ins of the real shape. */
const computed: Env = {
  WATCHDOG_IDENTITY_CLIENT_ID: '0b0c2f0e-5d4c-4a36-9d7e-3c1f4b2a6e10',
  WATCHDOG_EMAIL_ENDPOINT: 'https://acs-abc123.unitedstates.communication.azure.com',
  WATCHDOG_EMAIL_SENDER: 'DoNotReply@4f6e2b8c-1d3a-4e5f-9a7b-0c2d4e6f8a1b.azurecomm.net',
  WATCHDOG_STORAGE_ACCOUNT: 'https://stabc123.table.core.windows.net',
  WATCHDOG_AUTH_ISSUER: 'https://login.microsoftonline.com/7c1f2e3d-4b5a-4c6d-8e9f-0a1b2c3d4e5f/v2.0',
  // The client id of the API app registration infra/modules/apiRegistration.bicep creates.
  WATCHDOG_AUTH_AUDIENCE: '3f2a9c4e-8b1d-4e6f-a7c2-5d9e0b1f4a63',
  // The Function App's default host name, which holds the deployment's unique suffix.
  WATCHDOG_WEB_URL: 'https://func-mie-watchdog-abc123.azurewebsites.net',
};
/**
 * Settings the deployment sets stricter than lib/config.ts's default, which stays lenient for existing
 * installations: approvals only through the HTTP API (docs/evidence.md).
 */
const DEPLOYED_STRICTER: Partial<Record<string, string>> = { WATCHDOG_CLI_DECISIONS: 'deny' };
const required = { tenantDomain: 'Contoso.onmicrosoft.com', alertRecipients: 'secops@contoso.com, soc@contoso.com' };

function deployedEnv(overrides: Record<string, Literal> = {}): Env {
  const values = main.defaults({ ...required, ...overrides });
  const env: Env = {};
  for (const [key, expr] of settings) {
    const v = main.evaluate(expr, values);
    env[key] = v === undefined ? computed[key] : String(v);
  }
  return env;
}

beforeAll(async () => {
  const parser = await loadBicepParser();
  main = BicepFile.load(parser, join(INFRA, 'main.bicep'));
  others = findBicepFiles(INFRA)
    .filter((f) => !f.endsWith('main.bicep'))
    .map((f) => BicepFile.load(parser, f));
  const object = main.variables.get('watchdogSettings');
  if (object?.type !== 'object') throw new Error('infra/main.bicep has no `var watchdogSettings = { ... }` object');
  settings = BicepFile.objectProperties(object);
});

describe('Function App settings in infra/main.bicep', () => {
  it('sets exactly the settings lib/config.ts reads (SETTING_NAMES), each once', () => {
    const keys = settings.map(([k]) => k);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual([...SETTING_NAMES].sort());
  });

  it('sets no WATCHDOG_* name anywhere else in the Bicep files', () => {
    const inMain = main.allPropertyKeys().filter((k) => k.startsWith('WATCHDOG_'));
    expect(inMain.length).toBe(settings.length);
    expect(others.flatMap((f) => f.allPropertyKeys()).filter((k) => k.startsWith('WATCHDOG_'))).toEqual([]);
    const host = main.variables.get('hostSettings');
    expect(host && BicepFile.objectKeys(host).filter((k) => k.startsWith('WATCHDOG_'))).toEqual([]);
  });

  it('passes the watchdog settings to the Function App', () => {
    const app = main.modules.get('functionApp');
    const appSettings = app && BicepFile.property(app, ['params', 'appSettingsKeyValuePairs']);
    expect(appSettings?.text).toBe('union(hostSettings, watchdogSettings)');
    expect(app && BicepFile.property(app, ['params', 'functionAppConfig', 'runtime', 'version'])?.text).toBe("'22'");
  });

  it('uses identity-based storage and telemetry, no keys', () => {
    const host = main.variables.get('hostSettings');
    expect(host && BicepFile.objectKeys(host)).toEqual([
      'AzureWebJobsStorage__credential',
      'AzureWebJobsStorage__clientId',
      'AzureWebJobsStorage__blobServiceUri',
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
    ]);
    const env = deployedEnv();
    expect(env.WATCHDOG_CREDENTIAL).toBe('managed-identity');
    expect(env.WATCHDOG_STORAGE_CONNECTION_STRING).toBe('');
    expect(env.WATCHDOG_EMAIL_CONNECTION_STRING).toBe('');
    const storage = main.modules.get('storage');
    expect(storage && BicepFile.property(storage, ['params', 'allowSharedKeyAccess'])?.text).toBe('false');
  });

  it('only the Azure-computed settings are left to deployment time', () => {
    const values = main.defaults(required);
    const unresolved = settings.filter(([, expr]) => main.evaluate(expr, values) === undefined).map(([k]) => k);
    expect(unresolved.sort()).toEqual(Object.keys(computed).sort());
  });

  it('deploys defaults that lib/config.ts accepts, equal to its own defaults but for the deliberate ones', () => {
    const env = deployedEnv();
    const deployed = loadConfig(env);
    const bare = loadConfig({
      ...computed,
      ...DEPLOYED_STRICTER,
      WATCHDOG_TENANT: env.WATCHDOG_TENANT,
      WATCHDOG_ALERT_RECIPIENTS: env.WATCHDOG_ALERT_RECIPIENTS,
    });
    expect(deployed.tenant).toBe('contoso.onmicrosoft.com');
    expect({ ...deployed, identityClientId: undefined, email: undefined, storage: undefined, auth: undefined }).toEqual(
      {
        ...bare,
        identityClientId: undefined,
        email: undefined,
        storage: undefined,
        auth: undefined,
      },
    );
    expect(deployed.storage.tableEndpoint).toBe(computed.WATCHDOG_STORAGE_ACCOUNT);
    expect(deployed.email.endpoint).toBe(computed.WATCHDOG_EMAIL_ENDPOINT);
  });

  it('deploys each setting with a default at a value the table reads as that default, and no secret', () => {
    const env = deployedEnv();
    for (const [name, setting] of Object.entries(SETTINGS) as [string, Setting][]) {
      if (setting.localOnly) continue;
      const deployed = env[name] ?? '';
      if (setting.secret) expect(deployed, `${name} (identity-based in Azure)`).toBe('');
      if (setting.default === undefined || deployed === '') continue;
      const stricter = DEPLOYED_STRICTER[name];
      expect(setting.parse(deployed), name).toEqual(setting.parse(stricter ?? setting.default));
    }
  });

  it('deploys auth settings complete enough for the Function App, which checks them at start-up', () => {
    expect(loadConfig({ ...deployedEnv(), WEBSITE_SKU: 'FlexConsumption' }, { api: true }).auth).toMatchObject({
      mode: 'token',
      audiences: [computed.WATCHDOG_AUTH_AUDIENCE],
      tenantId: '7c1f2e3d-4b5a-4c6d-8e9f-0a1b2c3d4e5f',
    });
  });

  it('every @allowed value of a parameter that feeds a setting is accepted by lib/config.ts', () => {
    const feeding = [...main.params.values()].filter(
      (p) =>
        p.allowed &&
        settings.some(([, expr]) => expr.descendantsOfType('identifier').some((id) => id?.text === p.name)),
    );
    expect(feeding.map((p) => p.name).sort()).toEqual([
      'auditIntervalMinutes',
      'authMode',
      'cliDecisions',
      'revokeIntervalMinutes',
      'unapprovedAction',
      'usageLedger',
    ]);
    for (const p of feeding) {
      for (const value of p.allowed ?? []) {
        expect(() => loadConfig(deployedEnv({ [p.name]: value })), `${p.name}=${value}`).not.toThrow();
      }
    }
    expect(deployedEnv({ auditIntervalMinutes: 30 }).WATCHDOG_AUDIT_SCHEDULE).toBe('0 */30 * * * *');
    expect(deployedEnv({ dryRun: true }).WATCHDOG_DRY_RUN).toBe('true');
    expect(deployedEnv().WATCHDOG_AUDIT_LOG_QUERY).toBe('false');
    expect(loadConfig(deployedEnv({ auditLogQuery: true })).auditLogQuery).toBe(true);
    expect(deployedEnv({ emailSender: 'watchdog@alerts.contoso.com' }).WATCHDOG_EMAIL_SENDER).toBe(
      'watchdog@alerts.contoso.com',
    );
  });
});

describe('infra/main.parameters.json and azure.yaml', () => {
  const parameters = JSON.parse(readFileSync(join(repo, 'infra/main.parameters.json'), 'utf8')) as {
    parameters: Record<string, { value: unknown }>;
  };

  it('names only declared parameters and gives every required one a value (azd prompts when empty)', () => {
    const declared = [...main.params.keys()];
    expect(Object.keys(parameters.parameters).filter((n) => !declared.includes(n))).toEqual([]);
    const requiredParams = [...main.params.values()].filter((p) => !p.defaultValue).map((p) => p.name);
    expect(requiredParams.sort()).toEqual(['alertRecipients', 'environmentName', 'location', 'tenantDomain']);
    for (const name of requiredParams) expect(parameters.parameters[name], name).toBeDefined();
  });

  it('maps azd environment variables only to free-form strings, where an empty value means the default', () => {
    // azd passes an unset variable as an empty string: fine for strings (lib/config.ts treats empty
    // as unset), fatal for @allowed, int and bool parameters.
    for (const [name, { value }] of Object.entries(parameters.parameters)) {
      if (typeof value !== 'string' || !value.includes('${')) continue;
      const p = main.params.get(name);
      expect(p?.type, name).toBe('string');
      expect(p?.allowed, name).toBeUndefined();
    }
  });

  it('deploys the azd service to the Function App tagged with its name, on the Flex Consumption plan', () => {
    const yaml = readFileSync(join(repo, 'azure.yaml'), 'utf8');
    const service = /^services:\n {2}([\w-]+):\n((?: {4}.*\n)+)/m.exec(yaml);
    expect(service?.[1]).toBe('watchdog');
    expect(service?.[2]).toMatch(/^ {4}host: function$/m);
    const app = main.modules.get('functionApp');
    expect(app && BicepFile.property(app, ['params', 'tags'])?.text).toContain("'azd-service-name': 'watchdog'");
    const plan = main.modules.get('plan');
    expect(plan && BicepFile.property(plan, ['params', 'sku', 'tier'])?.text).toBe("'FlexConsumption'");
  });
});
