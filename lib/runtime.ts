/**
 * The composition root: the one place that builds the production adapters behind the ports from the settings.
 * Functions and the CLI call it once per process; jobs receive the parts they need and never see a concrete
 * adapter. createRuntime builds everything; openEvidence only Table Storage, for the evidence jobs;
 * createApiAuthenticator the HTTP API's authenticator.
 */
import type { TokenCredential } from '@azure/identity';
import { AppendBlobClient, type BlobAuth } from './blob/appendBlobClient.js';
import { createBlobAnchorLog } from './blob/blobAnchorLog.js';
import { createAuthenticator, type Authenticator } from './auth/authenticator.js';
import { apiAuthProblems, ConfigError, type Config, type Env } from './config.js';
import { clockFor } from './clock.js';
import { createCredential } from './credential.js';
import { ComplianceClient } from './exchange/complianceClient.js';
import { ExchangeAdminClient } from './exchange/exchangeAdminClient.js';
import { GraphDirectory } from './graph/graphDirectory.js';
import type { RetryPolicy } from './http/retryPolicy.js';
import { AcsMailer } from './mail/acsMailer.js';
import type { AuditOptions } from './audit/runAudit.js';
import { anchoredJournal } from './evidence/anchoredJournal.js';
import type { EvidenceDeps } from './evidence/evidenceDeps.js';
import type { NotifyDeps } from './notify/sendNotice.js';
import { logsChannel } from './channels/logsChannel.js';
import { teamsChannel } from './channels/teamsChannel.js';
import { webhookChannel } from './channels/webhookChannel.js';
import {
  blobEndpointOfTableEndpoint,
  connectionStringEndpoint,
  connectionStringParts,
  DEVELOPMENT_ACCOUNT,
} from './endpoints.js';
import {
  StoreError,
  type AnchorLog,
  type ApiAuthSettings,
  type Clock,
  type ComplianceRoleGroups,
  type Directory,
  type ExchangeRbac,
  type Logger,
  type Mailer,
  type NoticeChannel,
} from './ports/index.js';
import { openStore, storeOn, type OpenedStore } from './tableStorage/openStore.js';
import type { TableAccess } from './tableStorage/tableAccess.js';

export interface Runtime {
  config: Config;
  clock: Clock;
  logger: Logger;
  exchange: ExchangeRbac;
  directory: Directory;
  /** Purview role groups, only with WATCHDOG_EDISCOVERY_AUDIT=true. */
  compliance?: ComplianceRoleGroups;
  mailer: Mailer;
  /** The journal (store.journal) anchors its head here after every append. */
  anchors: AnchorLog;
  store: OpenedStore;
  notify: NotifyDeps;
}

export interface RuntimeOptions {
  clock?: Clock;
  /** Prefix of every table name instead of WATCHDOG_TABLE_PREFIX; tests use a fresh one each. */
  tablePrefix?: string;
  logger?: Logger;
  /** Retry and timeout policy of Exchange and Graph calls; tests shrink the waits. */
  http?: Partial<RetryPolicy>;
  /** Table access instead of one opened from the settings (tests wrap one to fail requests). */
  tables?: TableAccess;
  /** Retries of the Teams, webhook and Logs Ingestion posts; tests shrink the waits. */
  channels?: Partial<RetryPolicy>;
  /** ACS Email status poll interval and pipeline retry delay, in milliseconds. */
  mail?: { pollIntervalMs?: number; retryDelayMs?: number; maxRetries?: number; maxRetryAfterMs?: number };
}

/** Logs one line per event on stderr; callers never pass secrets or tokens. */
export const stderrLogger: Logger = {
  info: (message, properties) => writeLine('info', message, properties),
  warn: (message, properties) => writeLine('warn', message, properties),
  error: (message, properties) => writeLine('error', message, properties),
};

function writeLine(level: string, message: string, properties?: Record<string, unknown>): void {
  process.stderr.write(`${level}: ${message}${properties ? ` ${JSON.stringify(properties)}` : ''}\n`);
}

export function createRuntime(config: Config, options: RuntimeOptions = {}): Runtime {
  const clock = options.clock ?? clockFor(config);
  const logger = options.logger ?? stderrLogger;
  const credential = createCredential(config);
  const tables = options.tables
    ? storeOn(options.tables, clock)
    : openTableStore(config, clock, options.tablePrefix, () => credential);
  const anchors = openAnchorLog(config, options.tablePrefix, () => credential);
  const store = { ...tables, journal: anchoredJournal(tables.journal, anchors, clock, logger) };
  const exchange = new ExchangeAdminClient({
    exchangeUrl: config.exchangeUrl,
    tenant: config.tenant,
    credential,
    policy: options.http,
    logger,
    batch: config.exchangeBatch,
  });
  const directory = new GraphDirectory({ graphUrl: config.graphUrl, credential, policy: options.http, logger });
  const compliance = config.ediscovery.enabled
    ? new ComplianceClient({
        complianceUrl: config.ediscovery.complianceUrl,
        tenant: config.tenant,
        credential,
        policy: options.http,
        logger,
      })
    : undefined;
  const mailer = new AcsMailer({
    connectionString: config.email.connectionString,
    endpoint: config.email.endpoint,
    credential,
    sender: config.email.sender,
    outbox: store.sentMail,
    clock,
    logger,
    pollIntervalMs: options.mail?.pollIntervalMs,
    retryDelayMs: options.mail?.retryDelayMs,
    maxRetries: options.mail?.maxRetries,
    maxRetryAfterMs: options.mail?.maxRetryAfterMs,
  });
  const notify = {
    ...noticeChannels(config, { outbox: store.sentMail, clock, logger, credential }, options.channels),
    logger,
  };
  return { config, clock, logger, exchange, directory, compliance, mailer, anchors, store, notify };
}

/** The channels besides email the settings configure (each through the outbox), with the web URL and the routes. */
function noticeChannels(
  config: Config,
  deps: { outbox: OpenedStore['sentMail']; clock: Clock; logger: Logger; credential: TokenCredential },
  policy: RuntimeOptions['channels'],
): Omit<NotifyDeps, 'logger'> {
  const { webUrl, teamsWebhookUrl, webhook, logs, routes } = config.notify;
  const base = { outbox: deps.outbox, clock: deps.clock, logger: deps.logger, policy };
  const channels: NoticeChannel[] = [
    ...(teamsWebhookUrl ? [teamsChannel({ ...base, url: teamsWebhookUrl })] : []),
    ...(webhook ? [webhookChannel({ ...base, ...webhook })] : []),
    ...(logs ? [logsChannel({ ...base, ...logs, credential: deps.credential })] : []),
  ];
  return { webUrl, routes, channels };
}

/**
 * What the evidence jobs read: only Table Storage. Exports and verification never call Exchange, Graph or
 * email, so they keep working (and prove history) when those are unreachable.
 */
export function openEvidence(config: Config, options: { clock?: Clock; tablePrefix?: string } = {}): EvidenceDeps {
  const clock = options.clock ?? clockFor(config);
  const credential = () => createCredential(config);
  const store = openTableStore(config, clock, options.tablePrefix, credential);
  return {
    journalRows: store.journalRows,
    grants: store.grants,
    usage: store.usage,
    anchors: openAnchorLog(config, options.tablePrefix, credential),
    clock,
  };
}

/** Where the blob service of the storage account is, and how to sign requests to it. */
function blobAccess(config: Config, credential: () => TokenCredential): { endpoint: string; auth: BlobAuth } {
  const { connectionString, tableEndpoint } = config.storage;
  if (connectionString) {
    const parts = connectionStringParts(connectionString);
    const development = parts.get('usedevelopmentstorage')?.toLowerCase() === 'true';
    const account = development ? DEVELOPMENT_ACCOUNT.name : parts.get('accountname');
    const key = development ? DEVELOPMENT_ACCOUNT.key : parts.get('accountkey');
    const endpoint = connectionStringEndpoint(connectionString, 'blob');
    if (!account || !key || !endpoint)
      throw new Error(
        'WATCHDOG_STORAGE_CONNECTION_STRING needs AccountName, AccountKey and a blob endpoint (BlobEndpoint, or the account name) for the journal anchors.',
      );
    return { endpoint, auth: { kind: 'shared-key', account, key } };
  }
  const endpoint = tableEndpoint && blobEndpointOfTableEndpoint(tableEndpoint);
  if (!endpoint)
    throw new Error(
      `WATCHDOG_STORAGE_ACCOUNT (${tableEndpoint ?? 'unset'}) is not a storage account name or a *.table.* endpoint, so the blob endpoint of the journal anchors cannot be derived.`,
    );
  return { endpoint, auth: { kind: 'token', credential: credential() } };
}

/**
 * The journal's anchor log: append blobs named by the table prefix in WATCHDOG_ANCHOR_CONTAINER. Storage settings
 * that name no blob service leave the runs working and the anchors failing with the reason: each run logs it as an
 * error and verify reports the anchors unavailable (exit 1).
 */
function openAnchorLog(config: Config, tablePrefix: string | undefined, credential: () => TokenCredential): AnchorLog {
  let access: ReturnType<typeof blobAccess>;
  try {
    access = blobAccess(config, credential);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      location: `container ${config.storage.anchorContainer} (no blob endpoint)`,
      record: () => Promise.reject(new StoreError(reason)),
      read: () => ({
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new StoreError(reason)) }),
      }),
    };
  }
  const { endpoint, auth } = access;
  const container = config.storage.anchorContainer;
  const client = new AppendBlobClient({ endpoint, container, auth });
  return createBlobAnchorLog(client, {
    prefix: tablePrefix ?? config.storage.tablePrefix,
    location: `container ${container} of ${endpoint}`,
  });
}

/** The stores on the account the settings name: by connection string, or by endpoint with the identity. */
function openTableStore(
  config: Config,
  clock: Clock,
  tablePrefix: string | undefined,
  credential: () => TokenCredential,
): OpenedStore {
  const { connectionString, tableEndpoint } = config.storage;
  const prefix = tablePrefix ?? config.storage.tablePrefix;
  return openStore(
    connectionString ? { connectionString, prefix } : { tableEndpoint, credential: credential(), prefix },
    clock,
  );
}

/**
 * The HTTP API's authenticator. `platform` is the App Service environment: WEBSITE_AUTH_ENABLED says App Service
 * Authentication runs in front of the app. Settings that cannot identify callers there are a ConfigError (the
 * same check the Function App makes at start-up), so no authenticator trusts a header nothing vouches for.
 */
export function createApiAuthenticator(
  auth: ApiAuthSettings,
  clock: Clock,
  platform: Env = process.env,
): Authenticator {
  const problems = apiAuthProblems(auth, platform);
  if (problems.length) throw new ConfigError(problems);
  return createAuthenticator(auth, clock);
}

/** The audit job's options from the settings. */
export function auditOptions(config: Config): AuditOptions {
  return {
    tenant: config.tenant,
    alertRecipients: config.email.alertRecipients,
    breakGlass: config.breakGlass,
    digestHourUtc: config.digestHourUtc,
    auditLogQuery: config.auditLogQuery,
    ...(config.usageLedger.scope !== 'off'
      ? {
          usageLedger: {
            scope: config.usageLedger.scope,
            lookbackMs: config.usageLedger.lookbackMs,
            selfIds: config.identityClientId ? [config.identityClientId] : [],
          },
        }
      : {}),
  };
}
