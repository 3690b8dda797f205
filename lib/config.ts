/**
 * Every setting the watchdog reads, in one table: its name, group, default, parser, documentation, secrecy and
 * whether it is a Function App setting (infra/main.bicep sets every one) or exists for the local stack only.
 * The same names are CLI environment variables. From the table follow SETTING_NAMES, validation (every bad
 * setting reported at once, naming it and what it accepts), the typed Config, and docs/settings.md
 * (`npm run docs:settings`; a test fails when the file and the table disagree).
 */
import { defaultAuthority } from './auth/entraIssuer.js';
import { COMPLIANCE_URL } from './domain.js';
import { connectionStringEndpoint } from './endpoints.js';
import { isFlexConsumption } from './hostingPlan.js';
import { parseRoutes, type RouteChannel, type Routes } from './notify/routes.js';
import type { ApiAuthSettings, AuthMode, EmailSettings } from './ports/index.js';
import {
  audienceList,
  bool,
  containerName,
  duration,
  durationList,
  emailAddress,
  emailConnectionString,
  dcrImmutableId,
  emailList,
  endpoint,
  guid,
  isLoopbackUrl,
  issuer,
  logsStream,
  number,
  oneOf,
  principalList,
  schedule,
  secretEndpoint,
  storageAccount,
  storageConnectionString,
  tablePrefix,
  tenantDomain,
  text,
  utcInstant,
  webhookSecret,
  type Parser,
} from './settingParsers.js';

export type CredentialKind = 'managed-identity' | 'default' | 'emulator';
export type UnapprovedAction = 'alert' | 'revoke';
export type CliDecisions = 'allow' | 'deny';

export interface Config {
  tenant: string;
  exchangeUrl: string;
  /** Independent Exchange calls travel together in admin API $batch requests. */
  exchangeBatch: boolean;
  graphUrl: string;
  credential: CredentialKind;
  /** Client id of the user-assigned managed identity; also the watchdog's own principal, never revoked. */
  identityClientId?: string;
  email: EmailSettings;
  /** How notices reach people besides email (lib/notify/). */
  notify: {
    webUrl?: string;
    teamsWebhookUrl?: string;
    webhook?: { url: string; secret: string };
    logs?: { endpoint: string; ruleId: string; stream: string };
    routes?: Routes;
  };
  /** tablePrefix starts every table name, so several watchdogs (or environments) can share one account. */
  /** anchorContainer: the blob container of the journal's write-once anchors (the table prefix names their blobs). */
  storage: { connectionString?: string; tableEndpoint?: string; tablePrefix: string; anchorContainer: string };
  /** cliDecisions: whether approvals made on the command line (operator-asserted identity) are accepted. */
  /** requestTtlMs: how long a request (or an extension) waits for a decision before it lapses. */
  grants: {
    minDurationMs: number;
    maxDurationMs: number;
    roleGroup?: string;
    cliDecisions: CliDecisions;
    requestTtlMs: number;
  };
  unapproved: { action: UnapprovedAction; graceMs: number };
  /** Lower-cased UPNs or object ids that are never revoked and always alerted. */
  breakGlass: string[];
  schedules: { audit: string; revoke: string };
  revoke: { maxShare: number; maxCount: number; dryRun: boolean; reminderOffsetsMs: number[] };
  digestHourUtc: number;
  /** Name who made new findings' changes through Purview audit log queries (needs AuditLogsQuery-Exchange.Read.All). */
  auditLogQuery: boolean;
  /** The usage ledger: which audit log records it reads (`off`: none), and how far each search reaches back. */
  usageLedger: { scope: 'off' | 'exchange' | 'all'; lookbackMs: number };
  /** Read the Purview eDiscovery Export door through Security & Compliance (needs an Entra role, docs/permissions.md). */
  ediscovery: { enabled: boolean; complianceUrl: string };
  /** How the HTTP API identifies callers (lib/ports/apiAuth.ts). */
  auth: ApiAuthSettings;
  /** Local runs only: the instant the process clock starts at (then it runs at real speed). */
  localClockStart?: Date;
  /** Local runs only: the login endpoint browsers sign in at, when it is not the one tokens are verified with. */
  localSignInAuthority?: string;
}

export const SETTING_GROUPS = [
  'Tenant and identity',
  'Email',
  'Notifications',
  'Storage',
  'Grants',
  'Audit',
  'Revocation',
  'HTTP API authentication',
  'Local stack only',
] as const;
type SettingGroup = (typeof SETTING_GROUPS)[number];

interface SettingBase<T> {
  group: SettingGroup;
  /** Markdown for docs/settings.md. */
  doc: string;
  parse: Parser<T>;
  /** Connection strings: a problem never echoes the value (keys), docs/settings.md marks it. */
  secret?: true;
  /** Read only with WATCHDOG_CREDENTIAL=emulator on the local stack; never an app setting. */
  localOnly?: true;
}

/** When unset (empty counts as unset): the default text is parsed as if set, a required one is a problem. */
type Presence =
  | { default: string; required?: never; unset?: never }
  | { required: string; default?: never; unset?: never }
  | { unset: string; default?: never; required?: never };

export type Setting<T = unknown> = SettingBase<T> & Presence;

/** Sort by meaning (docs/settings.md follows this order): an entry's parser names what it accepts. */
export const SETTINGS = {
  WATCHDOG_TENANT: {
    group: 'Tenant and identity',
    required: "the tenant's initial domain, for example contoso.onmicrosoft.com",
    parse: tenantDomain,
    doc: "the tenant's initial domain, e.g. `contoso.onmicrosoft.com`",
  },
  WATCHDOG_EXCHANGE_URL: {
    group: 'Tenant and identity',
    default: 'https://outlook.office365.com',
    parse: endpoint,
    doc: 'Exchange Online admin API base (national clouds: their Exchange URL)',
  },
  WATCHDOG_EXCHANGE_BATCH: {
    group: 'Tenant and identity',
    default: 'true',
    parse: bool,
    doc: 'send independent Exchange cmdlets together, up to 10 in one admin API $batch request (false: one request each)',
  },
  WATCHDOG_COMPLIANCE_URL: {
    group: 'Tenant and identity',
    default: COMPLIANCE_URL,
    parse: endpoint,
    doc: 'Security & Compliance PowerShell admin API base, read with `WATCHDOG_EDISCOVERY_AUDIT=true` (national clouds: their compliance URL); its regional redirect is followed',
  },
  WATCHDOG_GRAPH_URL: {
    group: 'Tenant and identity',
    default: 'https://graph.microsoft.com',
    parse: endpoint,
    doc: 'Microsoft Graph base (national clouds: their Graph URL)',
  },
  WATCHDOG_CREDENTIAL: {
    group: 'Tenant and identity',
    default: 'managed-identity',
    parse: oneOf<CredentialKind>(['managed-identity', 'default', 'emulator']),
    doc: '`managed-identity` (Azure), `default` (DefaultAzureCredential, e.g. Azure CLI login) or `emulator` (fixed development token; refused unless every endpoint is loopback)',
  },
  WATCHDOG_IDENTITY_CLIENT_ID: {
    group: 'Tenant and identity',
    unset: '(none: system-assigned)',
    parse: guid('the client id (a GUID) of the user-assigned managed identity'),
    doc: 'client id of the user-assigned managed identity; the watchdog never revokes its own principal',
  },
  WATCHDOG_EMAIL_CONNECTION_STRING: {
    group: 'Email',
    unset: '(none)',
    secret: true,
    parse: emailConnectionString,
    doc: 'Azure Communication Services connection string (one of this or the endpoint)',
  },
  WATCHDOG_EMAIL_ENDPOINT: {
    group: 'Email',
    unset: '(none)',
    parse: endpoint,
    doc: 'ACS endpoint, used with the managed identity',
  },
  WATCHDOG_EMAIL_SENDER: {
    group: 'Email',
    required: 'the verified sender address of the Communication Services email domain',
    parse: emailAddress,
    doc: 'verified sender address of the ACS email domain',
  },
  WATCHDOG_ALERT_RECIPIENTS: {
    group: 'Email',
    required: 'a comma-separated list of email addresses',
    parse: emailList,
    doc: 'security team addresses, comma-separated',
  },
  WATCHDOG_APPROVER_RECIPIENTS: {
    group: 'Email',
    unset: 'the alert recipients',
    parse: emailList,
    doc: 'who is told about new grant requests',
  },
  WATCHDOG_WEB_URL: {
    group: 'Notifications',
    unset: '(none: notices carry no links)',
    parse: endpoint,
    doc: "the web app's URL (the Function App's, set by infra/main.bicep): every notice links to its page there (a request to its approval, a drift alert to Holders now, a grant notice to the grant)",
  },
  WATCHDOG_TEAMS_WEBHOOK_URL: {
    group: 'Notifications',
    unset: '(none: no Teams)',
    secret: true,
    parse: secretEndpoint,
    doc: 'Microsoft Teams Workflows webhook URL ("Post to a channel when a webhook request is received"): every routed notice as an Adaptive Card. The URL carries its own signature: keep it secret',
  },
  WATCHDOG_WEBHOOK_URL: {
    group: 'Notifications',
    unset: '(none: no webhook)',
    parse: endpoint,
    doc: 'generic webhook: every routed notice as one signed JSON event ([docs/notifications.md](notifications.md) has the schema and how to verify it); needs `WATCHDOG_WEBHOOK_SECRET`',
  },
  WATCHDOG_WEBHOOK_SECRET: {
    group: 'Notifications',
    unset: '(none)',
    secret: true,
    parse: webhookSecret,
    doc: 'the HMAC-SHA256 key the webhook events are signed with (at least 32 characters); the receiver holds the same',
  },
  WATCHDOG_LOGS_ENDPOINT: {
    group: 'Notifications',
    unset: '(none: no Azure Monitor Logs)',
    parse: endpoint,
    doc: 'Logs Ingestion URL of the data collection endpoint (infra/main.bicep with `enableLogsIngestion`): notices as rows of `MieWatchdog_CL`, sent with the managed identity; needs `WATCHDOG_LOGS_RULE_ID`',
  },
  WATCHDOG_LOGS_RULE_ID: {
    group: 'Notifications',
    unset: '(none)',
    parse: dcrImmutableId,
    doc: "the data collection rule's immutable id (`dcr-` and 32 hex digits)",
  },
  WATCHDOG_LOGS_STREAM: {
    group: 'Notifications',
    default: 'Custom-MieWatchdog_CL',
    parse: logsStream,
    doc: "the data collection rule's input stream",
  },
  WATCHDOG_ROUTES: {
    group: 'Notifications',
    unset: '(none: every channel takes every notice)',
    parse: parseRoutes,
    doc: 'which notices each channel takes: `channel: kinds [>= severity]` separated by `;`, channels `email`, `teams`, `webhook`, `logs`, kinds by name or glob (`grant-*`, `*`), e.g. `teams: * >= high; logs: *` ([docs/notifications.md](notifications.md))',
  },
  WATCHDOG_STORAGE_CONNECTION_STRING: {
    group: 'Storage',
    unset: '(none)',
    secret: true,
    parse: storageConnectionString,
    doc: 'Table Storage connection string (one of this or the account)',
  },
  WATCHDOG_STORAGE_ACCOUNT: {
    group: 'Storage',
    unset: '(none)',
    parse: storageAccount,
    doc: 'storage account name or table endpoint URL, used with the managed identity',
  },
  WATCHDOG_TABLE_PREFIX: {
    group: 'Storage',
    default: 'mie',
    parse: tablePrefix,
    doc: 'starts every table name (`mieGrants`, `mieJournal`, ...), so several watchdogs can share one account',
  },
  WATCHDOG_ANCHOR_CONTAINER: {
    group: 'Storage',
    default: 'journal-anchors',
    parse: containerName,
    doc: "blob container of the journal's write-once anchors (append blobs `{prefix}/journal-anchors-NNNNNN.ndjson`), on the same account: infra/main.bicep creates it with a time-based, version-level immutability policy; locally Azurite's blob service, which does not emulate immutability (see [evidence](evidence.md#write-once-anchors))",
  },
  WATCHDOG_GRANT_MIN_DURATION: {
    group: 'Grants',
    default: 'PT1H',
    parse: duration,
    doc: 'shortest grant (ISO 8601; weeks, days, hours, minutes, seconds)',
  },
  WATCHDOG_GRANT_MAX_DURATION: {
    group: 'Grants',
    default: 'P30D',
    parse: duration,
    doc: 'longest grant, extensions included per approval',
  },
  WATCHDOG_GRANT_ROLE_GROUP: {
    group: 'Grants',
    unset: '(none: direct assignment)',
    parse: text,
    doc: 'grant by membership of this dedicated role group instead of a direct assignment',
  },
  WATCHDOG_CLI_DECISIONS: {
    group: 'Grants',
    default: 'allow',
    parse: oneOf<CliDecisions>(['allow', 'deny']),
    doc: '`deny`: approve, deny and adopt only through the HTTP API (a verified token), never on the command line, whose approver is a name the operator types (journaled as channel `cli`, operator-asserted); `allow` (the default, for existing deployments) accepts both. `deny` is recommended; infra/main.bicep sets it',
  },
  WATCHDOG_REQUEST_TTL: {
    group: 'Grants',
    default: 'P3D',
    parse: duration,
    doc: 'how long a request or an extension request waits for a decision: after it the request lapses (status `lapsed`; a lapsed extension leaves the grant as it was), the requester and the approvers are told, and nobody can approve it any more',
  },
  WATCHDOG_REMINDERS: {
    group: 'Grants',
    default: 'PT24H,PT1H',
    parse: durationList,
    doc: 'reminders before a grant expires',
  },
  WATCHDOG_AUDIT_SCHEDULE: {
    group: 'Audit',
    default: '0 */15 * * * *',
    parse: schedule,
    doc: 'NCRONTAB schedule of `auditTimer` (see [Timer schedules](#timer-schedules))',
  },
  WATCHDOG_UNAPPROVED_ACTION: {
    group: 'Audit',
    default: 'alert',
    parse: oneOf<UnapprovedAction>(['alert', 'revoke']),
    doc: '`alert` or `revoke` for holders without an approved grant',
  },
  WATCHDOG_UNAPPROVED_GRACE: {
    group: 'Audit',
    default: 'PT1H',
    parse: duration,
    doc: 'how long an unapproved holder is left alone before `revoke` removes it',
  },
  WATCHDOG_BREAK_GLASS: {
    group: 'Audit',
    unset: '(none)',
    parse: principalList,
    doc: 'UPNs or object ids that are never revoked and always reported',
  },
  WATCHDOG_DIGEST_HOUR: {
    group: 'Audit',
    default: '8',
    parse: number(0, 23, { integer: true }),
    doc: 'UTC hour of the daily digest of open findings',
  },
  WATCHDOG_AUDIT_LOG_QUERY: {
    group: 'Audit',
    default: 'false',
    parse: bool,
    doc: "`true`: name who made new findings' changes from the Purview audit log (needs `AuditLogsQuery-Exchange.Read.All`)",
  },
  WATCHDOG_USAGE_LEDGER: {
    group: 'Audit',
    default: 'off',
    parse: oneOf<'off' | 'exchange' | 'all'>(['off', 'exchange', 'all']),
    doc: 'what the power was used for, from the Purview audit log after each audit (best effort, docs/evidence.md): `exchange` reads Exchange records (role changes, Get/Restore-RecoverableItems, New-MailboxImportRequest, MailItemsAccessed by export apps; needs `AuditLogsQuery-Exchange.Read.All`), `all` adds eDiscovery exports (needs `AuditLogsQuery.Read.All`)',
  },
  WATCHDOG_USAGE_LOOKBACK: {
    group: 'Audit',
    default: 'PT24H',
    parse: duration,
    doc: 'how far each usage ledger search reaches back before where the last one ended: records reach the audit log up to hours late, so searches overlap by this much',
  },
  WATCHDOG_EDISCOVERY_AUDIT: {
    group: 'Audit',
    default: 'false',
    parse: bool,
    doc: '`true`: also report members of the Purview role groups with the eDiscovery Export role (eDiscovery Manager, eDiscovery Administrator, custom ones), read through Security & Compliance PowerShell; the identity then needs the Microsoft Entra role Global Reader (`Grant-WatchdogPermissions.ps1 -IncludeEdiscovery`). A failed read fails the audit',
  },
  WATCHDOG_REVOKE_SCHEDULE: {
    group: 'Revocation',
    default: '0 */5 * * * *',
    parse: schedule,
    doc: 'NCRONTAB schedule of `revokeExpired` (see [Timer schedules](#timer-schedules))',
  },
  WATCHDOG_REVOKE_MAX_SHARE: {
    group: 'Revocation',
    default: '0.5',
    parse: number(0, 1, { integer: false }),
    doc: 'a run that would remove more than this share of current holders removes nothing and alerts',
  },
  WATCHDOG_REVOKE_MAX_COUNT: {
    group: 'Revocation',
    default: '10',
    parse: number(0, 100_000, { integer: true }),
    doc: 'the same guard as an absolute count',
  },
  WATCHDOG_DRY_RUN: {
    group: 'Revocation',
    default: 'false',
    parse: bool,
    doc: 'report what revocation would do without doing it',
  },
  WATCHDOG_AUTH_MODE: {
    group: 'HTTP API authentication',
    default: 'token',
    parse: oneOf<AuthMode>(['token', 'easyauth']),
    doc: 'HTTP callers: `token` (verify the Entra ID bearer token in code) or `easyauth` (App Service Authentication; refused on Flex Consumption)',
  },
  WATCHDOG_AUTH_AUDIENCE: {
    group: 'HTTP API authentication',
    unset: '(none)',
    parse: audienceList,
    doc: "the API's client id and/or application ID URI, comma-separated (token mode; `api://{client id}` and the client id imply each other); the client id alone in `easyauth` mode",
  },
  WATCHDOG_AUTH_ISSUER: {
    group: 'HTTP API authentication',
    unset: '(none)',
    parse: issuer,
    doc: "the API tenant's issuer in either form, `https://login.microsoftonline.com/{tenant-id}/v2.0` or `https://sts.windows.net/{tenant-id}/`: tokens of both forms of that tenant are accepted (token mode); in `easyauth` mode, only principals of that tenant",
  },
  WATCHDOG_AUTH_AUTHORITY: {
    group: 'HTTP API authentication',
    unset: 'derived from the issuer',
    parse: endpoint,
    doc: "login endpoint whose OpenID configuration gives both issuers and their signing keys (`https://login.microsoftonline.com` for either worldwide form, else the issuer's host)",
  },
  WATCHDOG_AUTH_JWKS_URL: {
    group: 'HTTP API authentication',
    unset: "the OpenID configuration's `jwks_uri`",
    parse: endpoint,
    doc: 'signing keys from this URL instead',
  },
  WATCHDOG_LOCAL_CLOCK: {
    group: 'Local stack only',
    unset: '(none: the real clock)',
    localOnly: true,
    parse: utcInstant,
    doc: 'a UTC instant such as `2026-03-02T07:59:30Z`: the process clock starts there and runs at real speed, so tests and scripted runs do not depend on the time of day',
  },
  WATCHDOG_LOCAL_SIGN_IN_AUTHORITY: {
    group: 'Local stack only',
    unset: 'WATCHDOG_AUTH_AUTHORITY',
    localOnly: true,
    parse: endpoint,
    doc: "login endpoint the web app's browser sign-in uses: `mie-watchdog serve` sets its own HTTPS origin, which passes sign-in on to the tenant emulator (MSAL accepts only an https authority)",
  },
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;
type AppSettingName = { [K in SettingName]: (typeof SETTINGS)[K] extends { localOnly: true } ? never : K }[SettingName];

/** Every app setting: infra/main.bicep, local.settings.sample.json and docs/settings.md are checked against it. */
export const SETTING_NAMES = (Object.keys(SETTINGS) as SettingName[]).filter(
  (name): name is AppSettingName => !(SETTINGS[name] as Setting).localOnly,
);

type ValueOf<S> = S extends { parse: Parser<infer T> } ? (S extends { unset: string } ? T | undefined : T) : never;
type Values = { -readonly [K in SettingName]: ValueOf<(typeof SETTINGS)[K]> };
/** A setting that is unset or invalid (already reported) is undefined here. */
type Checked = Partial<Values>;

export type Env = Partial<Record<string, string | undefined>>;

/** Keys and signatures a connection string pasted into the wrong setting would otherwise echo into logs. */
function redactSecrets(text: string): string {
  return text.replace(
    /\b(AccountKey|accesskey|SharedAccessSignature|SharedAccessKey|sig)=[^;'"\s&]+/gi,
    '$1=(redacted)',
  );
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    const safe = problems.map(redactSecrets);
    super(`Invalid watchdog settings:\n${safe.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = safe;
    this.name = 'ConfigError';
  }
}

function authOf(v: Checked): Omit<ApiAuthSettings, 'mode'> {
  const form = v.WATCHDOG_AUTH_ISSUER?.form;
  return {
    audiences: v.WATCHDOG_AUTH_AUDIENCE ?? [],
    issuer: v.WATCHDOG_AUTH_ISSUER?.issuer,
    tenantId: form?.tenantId,
    authority: v.WATCHDOG_AUTH_AUTHORITY ?? (form ? defaultAuthority(form) : undefined),
    jwksUrl: v.WATCHDOG_AUTH_JWKS_URL,
  };
}

/**
 * What keeps the HTTP API from identifying callers with these auth settings on this platform (App Service
 * Authentication sets WEBSITE_AUTH_ENABLED when it runs in front of the app, which is what makes its principal
 * header trustworthy: it strips incoming copies). Checked at start-up where the API is served, and again by
 * the composition root before it builds the authenticator (lib/runtime.ts createApiAuthenticator).
 */
export function apiAuthProblems(auth: ApiAuthSettings, platform: Env): string[] {
  if (auth.mode === 'easyauth') {
    return platform.WEBSITE_AUTH_ENABLED?.toLowerCase() === 'true'
      ? []
      : [
          'WATCHDOG_AUTH_MODE=easyauth, but App Service Authentication is not enabled on this app (WEBSITE_AUTH_ENABLED is not True): without it anyone could send the principal header. Enable authentication with "Require authentication", or use WATCHDOG_AUTH_MODE=token.',
        ];
  }
  const missing = [
    (!auth.tenantId || !auth.authority) && 'WATCHDOG_AUTH_ISSUER',
    auth.audiences.length === 0 && 'WATCHDOG_AUTH_AUDIENCE',
  ].filter(Boolean);
  return missing.length
    ? [
        `WATCHDOG_AUTH_MODE=token needs ${missing.join(' and ')}: the Entra ID issuer of the API's tenant and the API's client id or application ID URI that tokens are issued for.`,
      ]
    : [];
}

interface Rule {
  /** Markdown for docs/settings.md. */
  doc: string;
  /** Checked only where the HTTP API is served (loadConfig with `api`). */
  apiOnly?: true;
  check(v: Checked, isSet: (name: SettingName) => boolean, env: Env): string[];
}

function exactlyOne(a: SettingName, b: SettingName, purpose: string, identityNote: string): Rule {
  return {
    doc: `Exactly one of \`${a}\` and \`${b}\` (${purpose}).`,
    check: (_v, isSet) => {
      if (!isSet(a) && !isSet(b)) return [`${a} or ${b} is required: ${purpose}.`];
      if (isSet(a) && isSet(b)) return [`${a} and ${b} are both set; set only one (${identityNote}).`];
      return [];
    },
  };
}

/** Checks across settings, run once every setting has been read. */
/** Two settings that only work together. */
function together(a: SettingName, b: SettingName, why: string): Rule {
  return {
    doc: `\`${a}\` and \`${b}\` are set together (${why}).`,
    check: (_v, isSet) =>
      isSet(a) === isSet(b) ? [] : [`${isSet(a) ? b : a} is required with ${isSet(a) ? a : b}: ${why}.`],
  };
}

const CHANNEL_SETTING = {
  teams: 'WATCHDOG_TEAMS_WEBHOOK_URL',
  webhook: 'WATCHDOG_WEBHOOK_URL',
  logs: 'WATCHDOG_LOGS_ENDPOINT',
} as const;

export const RULES: readonly Rule[] = [
  together('WATCHDOG_WEBHOOK_URL', 'WATCHDOG_WEBHOOK_SECRET', 'every webhook event is signed with the secret'),
  together('WATCHDOG_LOGS_ENDPOINT', 'WATCHDOG_LOGS_RULE_ID', 'rows go to a data collection rule through its endpoint'),
  {
    doc: '`WATCHDOG_ROUTES` routes only channels that are set up.',
    check: (v, isSet) =>
      (Object.keys(v.WATCHDOG_ROUTES ?? {}) as RouteChannel[])
        .filter((c): c is keyof typeof CHANNEL_SETTING => c !== 'email' && !isSet(CHANNEL_SETTING[c]))
        .map((c) => `WATCHDOG_ROUTES routes ${c}, but ${CHANNEL_SETTING[c]} is not set.`),
  },
  exactlyOne(
    'WATCHDOG_EMAIL_CONNECTION_STRING',
    'WATCHDOG_EMAIL_ENDPOINT',
    'the Azure Communication Services resource that sends alerts',
    'the endpoint uses the managed identity',
  ),
  exactlyOne(
    'WATCHDOG_STORAGE_CONNECTION_STRING',
    'WATCHDOG_STORAGE_ACCOUNT',
    'where grants, snapshots and the journal are kept',
    'the account uses the managed identity',
  ),
  {
    doc: '`WATCHDOG_GRANT_MIN_DURATION` is at most `WATCHDOG_GRANT_MAX_DURATION`.',
    check: (v) =>
      v.WATCHDOG_GRANT_MIN_DURATION !== undefined &&
      v.WATCHDOG_GRANT_MAX_DURATION !== undefined &&
      v.WATCHDOG_GRANT_MIN_DURATION > v.WATCHDOG_GRANT_MAX_DURATION
        ? ['WATCHDOG_GRANT_MIN_DURATION is longer than WATCHDOG_GRANT_MAX_DURATION.']
        : [],
  },
  // Flex Consumption does not enforce App Service Authentication ("EasyAuth isn't currently supported. Unauthenticated
  // callers currently aren't blocked", Flex Consumption plan considerations): the principal header could be forged there.
  {
    doc: '`WATCHDOG_AUTH_MODE=easyauth` is refused on the Flex Consumption plan (`WEBSITE_SKU=FlexConsumption`), which does not enforce App Service Authentication.',
    check: (v, _isSet, env) =>
      v.WATCHDOG_AUTH_MODE === 'easyauth' && isFlexConsumption(env)
        ? [
            'WATCHDOG_AUTH_MODE=easyauth is refused on the Flex Consumption plan (WEBSITE_SKU=FlexConsumption): the platform does not enforce App Service Authentication there, so anyone could send the principal header; use token.',
          ]
        : [],
  },
  {
    doc: 'Where the HTTP API is served (the Function App): `token` mode needs `WATCHDOG_AUTH_ISSUER` and `WATCHDOG_AUTH_AUDIENCE`; `easyauth` mode needs App Service Authentication enabled (`WEBSITE_AUTH_ENABLED=True`). The CLI does not serve the API: there `doctor` reports these instead.',
    apiOnly: true,
    check: (v, _isSet, env) =>
      v.WATCHDOG_AUTH_MODE === undefined ? [] : apiAuthProblems({ mode: v.WATCHDOG_AUTH_MODE, ...authOf(v) }, env),
  },
  {
    doc: '`WATCHDOG_LOCAL_CLOCK` is accepted only with `WATCHDOG_CREDENTIAL=emulator`, so a deployed watchdog always runs on the real clock.',
    check: (v) =>
      v.WATCHDOG_LOCAL_CLOCK && v.WATCHDOG_CREDENTIAL !== 'emulator'
        ? [
            'WATCHDOG_LOCAL_CLOCK is accepted only with WATCHDOG_CREDENTIAL=emulator (the local stack); a deployed watchdog runs on the real clock.',
          ]
        : [],
  },
  {
    doc: '`WATCHDOG_CREDENTIAL=emulator` is refused unless every endpoint (Exchange, Graph, email, storage, Logs Ingestion, auth authority and keys) is loopback.',
    check: (v) => {
      if (v.WATCHDOG_CREDENTIAL !== 'emulator') return [];
      const cs = v.WATCHDOG_STORAGE_CONNECTION_STRING;
      const email = v.WATCHDOG_EMAIL_CONNECTION_STRING;
      const auth = authOf(v);
      const endpoints: [string, string | undefined][] = [
        ['WATCHDOG_EXCHANGE_URL', v.WATCHDOG_EXCHANGE_URL],
        ['WATCHDOG_GRAPH_URL', v.WATCHDOG_GRAPH_URL],
        ['WATCHDOG_COMPLIANCE_URL', v.WATCHDOG_EDISCOVERY_AUDIT ? v.WATCHDOG_COMPLIANCE_URL : undefined],
        ['WATCHDOG_EMAIL_*', email ? connectionStringEndpoint(email, 'email') : v.WATCHDOG_EMAIL_ENDPOINT],
        ['WATCHDOG_STORAGE_*', cs ? connectionStringEndpoint(cs, 'table') : v.WATCHDOG_STORAGE_ACCOUNT],
        // The Logs channel sends the credential's token too; the webhook and Teams carry none.
        ['WATCHDOG_LOGS_ENDPOINT', v.WATCHDOG_LOGS_ENDPOINT],
        ['WATCHDOG_AUTH_AUTHORITY', auth.authority],
        ['WATCHDOG_AUTH_JWKS_URL', auth.jwksUrl],
      ];
      return endpoints
        .filter(([, ep]) => ep && !isLoopbackUrl(ep))
        .map(
          ([name, ep]) =>
            `WATCHDOG_CREDENTIAL=emulator is refused because ${name} (${ep}) is not a loopback address; the emulator token only works against a local tenant emulator.`,
        );
    },
  },
];

export interface LoadOptions {
  /** The process serves the HTTP API (the Function App): the auth settings must then be complete too. */
  api?: boolean;
}

/** Reads every setting of the table from `env`; throws one ConfigError naming every bad setting. */
export function loadConfig(env: Env = process.env, options: LoadOptions = {}): Config {
  const raw = (name: SettingName) => env[name]?.trim() || undefined;
  const values: Checked = {};
  const problems: string[] = [];
  for (const [name, setting] of Object.entries(SETTINGS) as [SettingName, Setting][]) {
    const text = raw(name) ?? setting.default;
    if (text === undefined) {
      if (setting.required) problems.push(`${name} is required: ${setting.required}.`);
      continue;
    }
    const parsed = setting.parse(text);
    if (parsed.ok) (values as Record<string, unknown>)[name] = parsed.value;
    else problems.push(...parsed.problems.map((p) => `${name} ${p}`));
  }
  for (const rule of RULES) {
    if (!rule.apiOnly || options.api) problems.push(...rule.check(values, (name) => raw(name) !== undefined, env));
  }
  if (problems.length) throw new ConfigError(problems);
  // Every required setting and every default parsed, or a problem was reported above.
  return toConfig(values as Values);
}

function toConfig(v: Values): Config {
  return {
    tenant: v.WATCHDOG_TENANT,
    exchangeUrl: v.WATCHDOG_EXCHANGE_URL,
    exchangeBatch: v.WATCHDOG_EXCHANGE_BATCH,
    graphUrl: v.WATCHDOG_GRAPH_URL,
    credential: v.WATCHDOG_CREDENTIAL,
    identityClientId: v.WATCHDOG_IDENTITY_CLIENT_ID,
    email: {
      connectionString: v.WATCHDOG_EMAIL_CONNECTION_STRING,
      endpoint: v.WATCHDOG_EMAIL_ENDPOINT,
      sender: v.WATCHDOG_EMAIL_SENDER,
      alertRecipients: v.WATCHDOG_ALERT_RECIPIENTS,
      approverRecipients: v.WATCHDOG_APPROVER_RECIPIENTS ?? v.WATCHDOG_ALERT_RECIPIENTS,
    },
    notify: {
      webUrl: v.WATCHDOG_WEB_URL,
      teamsWebhookUrl: v.WATCHDOG_TEAMS_WEBHOOK_URL,
      webhook:
        v.WATCHDOG_WEBHOOK_URL && v.WATCHDOG_WEBHOOK_SECRET
          ? { url: v.WATCHDOG_WEBHOOK_URL, secret: v.WATCHDOG_WEBHOOK_SECRET }
          : undefined,
      logs:
        v.WATCHDOG_LOGS_ENDPOINT && v.WATCHDOG_LOGS_RULE_ID
          ? { endpoint: v.WATCHDOG_LOGS_ENDPOINT, ruleId: v.WATCHDOG_LOGS_RULE_ID, stream: v.WATCHDOG_LOGS_STREAM }
          : undefined,
      routes: v.WATCHDOG_ROUTES,
    },
    storage: {
      connectionString: v.WATCHDOG_STORAGE_CONNECTION_STRING,
      tableEndpoint: v.WATCHDOG_STORAGE_ACCOUNT,
      tablePrefix: v.WATCHDOG_TABLE_PREFIX,
      anchorContainer: v.WATCHDOG_ANCHOR_CONTAINER,
    },
    grants: {
      minDurationMs: v.WATCHDOG_GRANT_MIN_DURATION,
      maxDurationMs: v.WATCHDOG_GRANT_MAX_DURATION,
      roleGroup: v.WATCHDOG_GRANT_ROLE_GROUP,
      cliDecisions: v.WATCHDOG_CLI_DECISIONS,
      requestTtlMs: v.WATCHDOG_REQUEST_TTL,
    },
    unapproved: { action: v.WATCHDOG_UNAPPROVED_ACTION, graceMs: v.WATCHDOG_UNAPPROVED_GRACE },
    breakGlass: v.WATCHDOG_BREAK_GLASS ?? [],
    schedules: { audit: v.WATCHDOG_AUDIT_SCHEDULE, revoke: v.WATCHDOG_REVOKE_SCHEDULE },
    revoke: {
      maxShare: v.WATCHDOG_REVOKE_MAX_SHARE,
      maxCount: v.WATCHDOG_REVOKE_MAX_COUNT,
      dryRun: v.WATCHDOG_DRY_RUN,
      reminderOffsetsMs: v.WATCHDOG_REMINDERS,
    },
    digestHourUtc: v.WATCHDOG_DIGEST_HOUR,
    auditLogQuery: v.WATCHDOG_AUDIT_LOG_QUERY,
    usageLedger: { scope: v.WATCHDOG_USAGE_LEDGER, lookbackMs: v.WATCHDOG_USAGE_LOOKBACK },
    ediscovery: { enabled: v.WATCHDOG_EDISCOVERY_AUDIT, complianceUrl: v.WATCHDOG_COMPLIANCE_URL },
    auth: { mode: v.WATCHDOG_AUTH_MODE, ...authOf(v) },
    localClockStart: v.WATCHDOG_LOCAL_CLOCK,
    localSignInAuthority: v.WATCHDOG_LOCAL_SIGN_IN_AUTHORITY,
  };
}
