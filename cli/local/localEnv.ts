/**
 * The WATCHDOG_* settings of the embedded default: every endpoint on the local tenant emulator,
 * Table and Blob Storage on Azurite, and the emulator's fixed development credential.
 */
import type { Env } from '../../lib/config.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { WATCHDOG_API, WATCHDOG_APP } from '../../emulator/scenarios/baseTenant.js';
import { BREAK_GLASS, TENANT } from '../../emulator/scenarios/forgottenMigrations.js';

export interface LocalEnvOptions {
  emulator: Pick<RunningEmulator, 'url' | 'tenant' | 'emailConnectionString' | 'complianceUrl' | 'state' | 'channels'>;
  storageConnectionString: string;
  /**
   * Also send every notice to the emulator's Teams webhook, webhook receiver and Logs Ingestion endpoint (the demo
   * and `serve` do; tests ask for it where they test the channels).
   */
  channels?: boolean;
  /** Settings to add or replace (e.g. WATCHDOG_UNAPPROVED_ACTION). */
  overrides?: Env;
}

/** The settings that point the Teams, webhook and Logs channels at the emulator's endpoints (plain http on loopback). */
export function channelEnv(channels: RunningEmulator['channels']): Env {
  return {
    WATCHDOG_TEAMS_WEBHOOK_URL: channels.teamsWebhookUrl,
    WATCHDOG_WEBHOOK_URL: channels.webhookUrl,
    WATCHDOG_WEBHOOK_SECRET: channels.webhookSecret,
    WATCHDOG_LOGS_ENDPOINT: channels.logsEndpoint,
    WATCHDOG_LOGS_RULE_ID: channels.logsRuleId,
    WATCHDOG_LOGS_STREAM: channels.logsStream,
  };
}

/** The settings that point the watchdog's Exchange, Graph, compliance and email calls at the emulator, with its credential. */
export function emulatorEnv(
  emulator: Pick<RunningEmulator, 'url' | 'tenant' | 'emailConnectionString' | 'complianceUrl'>,
): Env {
  return {
    WATCHDOG_TENANT: emulator.tenant,
    WATCHDOG_EXCHANGE_URL: emulator.url,
    WATCHDOG_GRAPH_URL: emulator.url,
    WATCHDOG_COMPLIANCE_URL: emulator.complianceUrl,
    WATCHDOG_CREDENTIAL: 'emulator',
    WATCHDOG_EMAIL_CONNECTION_STRING: emulator.emailConnectionString,
  };
}

export function localEnv({ emulator, storageConnectionString, channels, overrides = {} }: LocalEnvOptions): Env {
  const tenant = emulator.tenant;
  const env: Env = {
    ...emulatorEnv(emulator),
    WATCHDOG_IDENTITY_CLIENT_ID: WATCHDOG_APP.appId,
    WATCHDOG_EMAIL_SENDER: `watchdog@${tenant}`,
    WATCHDOG_ALERT_RECIPIENTS: `security@${tenant}`,
    WATCHDOG_APPROVER_RECIPIENTS: `lidiah@${tenant}`,
    WATCHDOG_STORAGE_CONNECTION_STRING: storageConnectionString,
    // The emulated tenant's API registration, as azd provision wires it in Azure.
    WATCHDOG_AUTH_AUDIENCE: WATCHDOG_API.appId,
    WATCHDOG_AUTH_ISSUER: `https://login.microsoftonline.com/${emulator.state.tenantId}/v2.0`,
    // Signing keys are looked up on loopback only, as every endpoint of the local stack is.
    WATCHDOG_AUTH_AUTHORITY: emulator.url,
  };
  // The seed tenant's emergency access account is the demo's break-glass principal, and its watchdog holds the
  // Entra role that lets it read Purview's eDiscovery role groups.
  if (tenant === TENANT) {
    env.WATCHDOG_BREAK_GLASS = BREAK_GLASS.join(',');
    env.WATCHDOG_EDISCOVERY_AUDIT = 'true';
  }
  return { ...env, ...(channels ? channelEnv(emulator.channels) : {}), ...overrides };
}
