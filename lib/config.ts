/**
 * Every setting the watchdog reads, parsed and validated once at start-up.
 * The same names are CLI environment variables and Function App settings (infra/main.bicep sets them).
 * A bad value fails fast with a message that names the setting and what it accepts.
 */
import { isAudience } from './auth/apiAudiences.js';
import { defaultAuthority, parseIssuerForm } from './auth/entraIssuer.js';
import { parseDuration } from './duration.js';
import { parseInstant } from './instant.js';
import { isFlexConsumption } from './hostingPlan.js';

export type CredentialKind = 'managed-identity' | 'default' | 'emulator';
export type UnapprovedAction = 'alert' | 'revoke';
export type AuthMode = 'token' | 'easyauth';

export interface Config {
  tenant: string;
  exchangeUrl: string;
  graphUrl: string;
  credential: CredentialKind;
  /** Client id of the user-assigned managed identity; also the watchdog's own principal, never revoked. */
  identityClientId?: string;
  email: {
    connectionString?: string;
    endpoint?: string;
    sender: string;
    alertRecipients: string[];
    approverRecipients: string[];
  };
  /** tablePrefix starts every table name, so several watchdogs (or environments) can share one account. */
  storage: { connectionString?: string; tableEndpoint?: string; tablePrefix: string };
  grants: { minDurationMs: number; maxDurationMs: number; roleGroup?: string };
  unapproved: { action: UnapprovedAction; graceMs: number };
  /** Lower-cased UPNs or object ids that are never revoked and always alerted. */
  breakGlass: string[];
  schedules: { audit: string; revoke: string };
  revoke: { maxShare: number; maxCount: number; dryRun: boolean; reminderOffsetsMs: number[] };
  digestHourUtc: number;
  /** Name who made new findings' changes through Purview audit log queries (needs AuditLogsQuery-Exchange.Read.All). */
  auditLogQuery: boolean;
  /**
   * `issuer` as configured (either form); `tenantId` and `authority` (the login endpoint whose OpenID
   * configuration gives both issuers and their keys) follow from it unless WATCHDOG_AUTH_AUTHORITY says.
   */
  auth: {
    mode: AuthMode;
    audiences: string[];
    issuer?: string;
    tenantId?: string;
    authority?: string;
    jwksUrl?: string;
  };
  /** Local runs only: the instant the process clock starts at (then it runs at real speed). */
  localClockStart?: Date;
}

/** Every setting name, in one list: the infra parity test and the README table are checked against it. */
export const SETTING_NAMES = [
  'WATCHDOG_TENANT',
  'WATCHDOG_EXCHANGE_URL',
  'WATCHDOG_GRAPH_URL',
  'WATCHDOG_CREDENTIAL',
  'WATCHDOG_IDENTITY_CLIENT_ID',
  'WATCHDOG_EMAIL_CONNECTION_STRING',
  'WATCHDOG_EMAIL_ENDPOINT',
  'WATCHDOG_EMAIL_SENDER',
  'WATCHDOG_ALERT_RECIPIENTS',
  'WATCHDOG_APPROVER_RECIPIENTS',
  'WATCHDOG_STORAGE_CONNECTION_STRING',
  'WATCHDOG_STORAGE_ACCOUNT',
  'WATCHDOG_TABLE_PREFIX',
  'WATCHDOG_GRANT_MIN_DURATION',
  'WATCHDOG_GRANT_MAX_DURATION',
  'WATCHDOG_GRANT_ROLE_GROUP',
  'WATCHDOG_UNAPPROVED_ACTION',
  'WATCHDOG_UNAPPROVED_GRACE',
  'WATCHDOG_BREAK_GLASS',
  'WATCHDOG_AUDIT_SCHEDULE',
  'WATCHDOG_REVOKE_SCHEDULE',
  'WATCHDOG_REVOKE_MAX_SHARE',
  'WATCHDOG_REVOKE_MAX_COUNT',
  'WATCHDOG_DRY_RUN',
  'WATCHDOG_REMINDERS',
  'WATCHDOG_DIGEST_HOUR',
  'WATCHDOG_AUDIT_LOG_QUERY',
  'WATCHDOG_AUTH_MODE',
  'WATCHDOG_AUTH_AUDIENCE',
  'WATCHDOG_AUTH_ISSUER',
  'WATCHDOG_AUTH_AUTHORITY',
  'WATCHDOG_AUTH_JWKS_URL',
] as const;

/**
 * Variables of the local stack only, never app settings: accepted only with WATCHDOG_CREDENTIAL=emulator,
 * so a deployed watchdog always runs on the real clock.
 */
export const LOCAL_SETTING_NAMES = ['WATCHDOG_LOCAL_CLOCK'] as const;

export type SettingName = (typeof SETTING_NAMES)[number] | (typeof LOCAL_SETTING_NAMES)[number];
export type Env = Partial<Record<string, string | undefined>>;

/** Keys and signatures a connection string pasted into the wrong setting would otherwise echo into logs. */
export function redactSecrets(text: string): string {
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

const EMAIL =
  /^[^\s@<>(),;:"[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const DOMAIN = /^(?=.{4,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NCRONTAB = /^(\S+\s+){5}\S+$/;

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/** Field parsers share one problem list so that a single run reports every bad setting at once. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: SettingName): string | undefined {
    const v = this.env[name]?.trim();
    return v ? v : undefined;
  }

  required(name: SettingName, what: string): string {
    const v = this.raw(name);
    if (v === undefined) this.problems.push(`${name} is required: ${what}.`);
    return v ?? '';
  }

  oneOf<T extends string>(name: SettingName, allowed: readonly T[], fallback: T): T {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    this.problems.push(`${name} is '${v}'; accepted values: ${allowed.join(', ')}.`);
    return fallback;
  }

  endpoint(name: SettingName, fallback?: string): string | undefined {
    const v = this.raw(name) ?? fallback;
    if (v === undefined) return undefined;
    const problem = endpointProblem(v);
    if (problem) this.problems.push(`${name} ${problem}`);
    return v.replace(/\/+$/, '');
  }

  duration(name: SettingName, fallback: string): number {
    const v = this.raw(name) ?? fallback;
    const ms = parseDuration(v);
    if (ms === undefined || ms <= 0) {
      this.problems.push(
        `${name} is '${v}'; use a positive ISO 8601 duration in weeks, days, hours, minutes or seconds (for example PT1H, P7D).`,
      );
      return parseDuration(fallback) ?? 0;
    }
    return ms;
  }

  durations(name: SettingName, fallback: string): number[] {
    const v = this.raw(name) ?? fallback;
    const parts = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const out: number[] = [];
    for (const p of parts) {
      const ms = parseDuration(p);
      if (ms === undefined || ms <= 0)
        this.problems.push(
          `${name} has '${p}'; use a comma-separated list of ISO 8601 durations (for example PT24H,PT1H).`,
        );
      else out.push(ms);
    }
    return [...new Set(out)].sort((a, b) => b - a);
  }

  number(name: SettingName, fallback: number, min: number, max: number, integer: boolean): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      this.problems.push(`${name} is '${v}'; use ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}.`);
      return fallback;
    }
    return n;
  }

  bool(name: SettingName, fallback: boolean): boolean {
    const v = this.raw(name)?.toLowerCase();
    if (v === undefined) return fallback;
    if (['true', '1', 'yes'].includes(v)) return true;
    if (['false', '0', 'no'].includes(v)) return false;
    this.problems.push(`${name} is '${v}'; accepted values: true, false.`);
    return fallback;
  }

  emails(name: SettingName, fallback?: string[]): string[] {
    const v = this.raw(name);
    if (v === undefined) {
      if (!fallback) this.problems.push(`${name} is required: a comma-separated list of email addresses.`);
      return fallback ?? [];
    }
    const list = splitList(v);
    for (const e of list) if (!EMAIL.test(e)) this.problems.push(`${name} has '${e}', which is not an email address.`);
    if (list.length === 0) this.problems.push(`${name} is empty; give at least one email address.`);
    return list;
  }

  schedule(name: SettingName, fallback: string): string {
    const v = this.raw(name) ?? fallback;
    if (!NCRONTAB.test(v))
      this.problems.push(`${name} is '${v}'; use a six-field NCRONTAB expression (for example '0 */15 * * * *').`);
    return v;
  }
}

export function splitList(value: string): string[] {
  return value
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function endpointProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `is '${value}', which is not an absolute URL.`;
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  if (url.protocol === 'http:')
    return `is '${value}'; plain http is accepted only on loopback (127.0.0.1, localhost, [::1]), use https.`;
  return `is '${value}'; use an https:// URL.`;
}

/** The endpoint a connection string points at (ACS `endpoint=`, storage `TableEndpoint=` or account name). */
export function connectionStringEndpoint(connectionString: string, kind: 'email' | 'table'): string | undefined {
  const parts = new Map<string, string>();
  for (const piece of connectionString.split(';')) {
    const eq = piece.indexOf('=');
    if (eq > 0) parts.set(piece.slice(0, eq).trim().toLowerCase(), piece.slice(eq + 1).trim());
  }
  if (kind === 'email') return parts.get('endpoint');
  if (parts.get('usedevelopmentstorage')?.toLowerCase() === 'true') return 'http://127.0.0.1:10002/devstoreaccount1';
  const explicit = parts.get('tableendpoint');
  if (explicit) return explicit;
  const account = parts.get('accountname');
  if (!account) return undefined;
  const protocol = parts.get('defaultendpointsprotocol') ?? 'https';
  const suffix = parts.get('endpointsuffix') ?? 'core.windows.net';
  return `${protocol}://${account}.table.${suffix}`;
}

export function loadConfig(env: Env = process.env): Config {
  const r = new Reader(env);

  const tenant = r
    .required('WATCHDOG_TENANT', "the tenant's initial domain, for example contoso.onmicrosoft.com")
    .toLowerCase();
  if (tenant && !DOMAIN.test(tenant))
    r.problems.push(
      `WATCHDOG_TENANT is '${tenant}'; use the tenant's initial domain, for example contoso.onmicrosoft.com.`,
    );

  const exchangeUrl = r.endpoint('WATCHDOG_EXCHANGE_URL', 'https://outlook.office365.com') ?? '';
  const graphUrl = r.endpoint('WATCHDOG_GRAPH_URL', 'https://graph.microsoft.com') ?? '';
  const credential = r.oneOf<CredentialKind>(
    'WATCHDOG_CREDENTIAL',
    ['managed-identity', 'default', 'emulator'],
    'managed-identity',
  );
  const identityClientId = r.raw('WATCHDOG_IDENTITY_CLIENT_ID');
  if (identityClientId && !GUID.test(identityClientId))
    r.problems.push(
      `WATCHDOG_IDENTITY_CLIENT_ID is '${identityClientId}'; use the client id (a GUID) of the user-assigned managed identity.`,
    );

  const emailConnectionString = r.raw('WATCHDOG_EMAIL_CONNECTION_STRING');
  const emailEndpoint = r.endpoint('WATCHDOG_EMAIL_ENDPOINT');
  if (!emailConnectionString && !emailEndpoint) {
    r.problems.push(
      'WATCHDOG_EMAIL_CONNECTION_STRING or WATCHDOG_EMAIL_ENDPOINT is required: the Azure Communication Services resource that sends alerts.',
    );
  }
  if (emailConnectionString && emailEndpoint) {
    r.problems.push(
      'WATCHDOG_EMAIL_CONNECTION_STRING and WATCHDOG_EMAIL_ENDPOINT are both set; set only one (the endpoint uses the managed identity).',
    );
  }
  const emailCsEndpoint = emailConnectionString ? connectionStringEndpoint(emailConnectionString, 'email') : undefined;
  if (emailConnectionString) {
    const problem = emailCsEndpoint
      ? endpointProblem(emailCsEndpoint)
      : 'has no endpoint=...; copy the connection string from the Communication Services resource (Keys).';
    if (problem) r.problems.push(`WATCHDOG_EMAIL_CONNECTION_STRING endpoint ${problem}`);
  }
  const sender = r.required(
    'WATCHDOG_EMAIL_SENDER',
    'the verified sender address of the Communication Services email domain',
  );
  if (sender && !EMAIL.test(sender))
    r.problems.push(`WATCHDOG_EMAIL_SENDER is '${sender}', which is not an email address.`);
  const alertRecipients = r.emails('WATCHDOG_ALERT_RECIPIENTS');
  const approverRecipients = r.emails('WATCHDOG_APPROVER_RECIPIENTS', alertRecipients);

  const storageConnectionString = r.raw('WATCHDOG_STORAGE_CONNECTION_STRING');
  const storageAccount = r.raw('WATCHDOG_STORAGE_ACCOUNT');
  let tableEndpoint: string | undefined;
  if (!storageConnectionString && !storageAccount) {
    r.problems.push(
      'WATCHDOG_STORAGE_CONNECTION_STRING or WATCHDOG_STORAGE_ACCOUNT is required: where grants, snapshots and the journal are kept.',
    );
  } else if (storageConnectionString && storageAccount) {
    r.problems.push(
      'WATCHDOG_STORAGE_CONNECTION_STRING and WATCHDOG_STORAGE_ACCOUNT are both set; set only one (the account uses the managed identity).',
    );
  } else if (storageConnectionString) {
    const ep = connectionStringEndpoint(storageConnectionString, 'table');
    const problem = ep ? endpointProblem(ep) : 'has neither AccountName nor TableEndpoint.';
    if (problem) r.problems.push(`WATCHDOG_STORAGE_CONNECTION_STRING table endpoint ${problem}`);
  } else if (storageAccount) {
    if (/^[a-z0-9]{3,24}$/.test(storageAccount)) tableEndpoint = `https://${storageAccount}.table.core.windows.net`;
    else if (/^[a-z]+:\/\//i.test(storageAccount)) tableEndpoint = r.endpoint('WATCHDOG_STORAGE_ACCOUNT');
    else
      r.problems.push(
        `WATCHDOG_STORAGE_ACCOUNT is '${storageAccount}'; use a storage account name (3-24 lower-case letters and digits) or its table endpoint URL.`,
      );
  }

  const tablePrefix = r.raw('WATCHDOG_TABLE_PREFIX') ?? 'mie';
  if (!/^[A-Za-z][A-Za-z0-9]{0,19}$/.test(tablePrefix)) {
    r.problems.push(`WATCHDOG_TABLE_PREFIX is '${tablePrefix}'; use a letter followed by up to 19 letters or digits.`);
  }

  const minDurationMs = r.duration('WATCHDOG_GRANT_MIN_DURATION', 'PT1H');
  const maxDurationMs = r.duration('WATCHDOG_GRANT_MAX_DURATION', 'P30D');
  if (minDurationMs > maxDurationMs)
    r.problems.push('WATCHDOG_GRANT_MIN_DURATION is longer than WATCHDOG_GRANT_MAX_DURATION.');
  const roleGroup = r.raw('WATCHDOG_GRANT_ROLE_GROUP');

  const action = r.oneOf<UnapprovedAction>('WATCHDOG_UNAPPROVED_ACTION', ['alert', 'revoke'], 'alert');
  const graceMs = r.duration('WATCHDOG_UNAPPROVED_GRACE', 'PT1H');
  const breakGlass = splitList(r.raw('WATCHDOG_BREAK_GLASS') ?? '').map((s) => s.toLowerCase());
  for (const b of breakGlass) {
    if (!EMAIL.test(b) && !GUID.test(b))
      r.problems.push(`WATCHDOG_BREAK_GLASS has '${b}'; list UPNs or object ids, comma-separated.`);
  }

  const schedules = {
    audit: r.schedule('WATCHDOG_AUDIT_SCHEDULE', '0 */15 * * * *'),
    revoke: r.schedule('WATCHDOG_REVOKE_SCHEDULE', '0 */5 * * * *'),
  };
  const revoke = {
    maxShare: r.number('WATCHDOG_REVOKE_MAX_SHARE', 0.5, 0, 1, false),
    maxCount: r.number('WATCHDOG_REVOKE_MAX_COUNT', 10, 0, 100_000, true),
    dryRun: r.bool('WATCHDOG_DRY_RUN', false),
    reminderOffsetsMs: r.durations('WATCHDOG_REMINDERS', 'PT24H,PT1H'),
  };
  const digestHourUtc = r.number('WATCHDOG_DIGEST_HOUR', 8, 0, 23, true);
  const auditLogQuery = r.bool('WATCHDOG_AUDIT_LOG_QUERY', false);

  const authMode = r.oneOf<AuthMode>('WATCHDOG_AUTH_MODE', ['token', 'easyauth'], 'token');
  // Flex Consumption does not enforce App Service Authentication ("EasyAuth isn't currently supported. Unauthenticated
  // callers currently aren't blocked", Flex Consumption plan considerations): the principal header could be forged there.
  if (authMode === 'easyauth' && isFlexConsumption(env)) {
    r.problems.push(
      'WATCHDOG_AUTH_MODE=easyauth is refused on the Flex Consumption plan (WEBSITE_SKU=FlexConsumption): the platform does not enforce App Service Authentication there, so anyone could send the principal header; use token.',
    );
  }
  const audiences = splitList(r.raw('WATCHDOG_AUTH_AUDIENCE') ?? '');
  for (const a of audiences) {
    if (!isAudience(a))
      r.problems.push(
        `WATCHDOG_AUTH_AUDIENCE has '${a}'; list the API's client id (a GUID) and/or its application ID URI (api://...), comma-separated.`,
      );
  }
  const issuer = r.raw('WATCHDOG_AUTH_ISSUER');
  const issuerProblem = issuer ? endpointProblem(issuer) : undefined;
  const issuerForm = issuer ? parseIssuerForm(issuer) : undefined;
  if (issuerProblem) r.problems.push(`WATCHDOG_AUTH_ISSUER ${issuerProblem}`);
  else if (issuer && !issuerForm) {
    r.problems.push(
      `WATCHDOG_AUTH_ISSUER is '${issuer}'; give the API tenant's issuer in either form, https://login.microsoftonline.com/{tenant-id}/v2.0 or https://sts.windows.net/{tenant-id}/ (tenant id in lower case): tokens of both forms of that tenant are accepted.`,
    );
  }
  const authority = r.endpoint('WATCHDOG_AUTH_AUTHORITY') ?? (issuerForm ? defaultAuthority(issuerForm) : undefined);
  const jwksUrl = r.endpoint('WATCHDOG_AUTH_JWKS_URL');

  const localClockRaw = r.raw('WATCHDOG_LOCAL_CLOCK');
  let localClockStart: Date | undefined;
  if (localClockRaw !== undefined) {
    const start = parseInstant(localClockRaw);
    localClockStart = start ? new Date(start) : undefined;
    if (!localClockStart)
      r.problems.push(`WATCHDOG_LOCAL_CLOCK is '${localClockRaw}'; use a UTC instant such as 2026-03-02T07:59:00Z.`);
    else if (credential !== 'emulator')
      r.problems.push(
        'WATCHDOG_LOCAL_CLOCK is accepted only with WATCHDOG_CREDENTIAL=emulator (the local stack); a deployed watchdog runs on the real clock.',
      );
  }

  if (credential === 'emulator') {
    const endpoints: [string, string | undefined][] = [
      ['WATCHDOG_EXCHANGE_URL', exchangeUrl],
      ['WATCHDOG_GRAPH_URL', graphUrl],
      ['WATCHDOG_EMAIL_*', emailCsEndpoint ?? emailEndpoint],
      [
        'WATCHDOG_STORAGE_*',
        storageConnectionString ? connectionStringEndpoint(storageConnectionString, 'table') : tableEndpoint,
      ],
      ['WATCHDOG_AUTH_AUTHORITY', authority],
      ['WATCHDOG_AUTH_JWKS_URL', jwksUrl],
    ];
    for (const [name, ep] of endpoints) {
      if (ep && !isLoopbackUrl(ep)) {
        r.problems.push(
          `WATCHDOG_CREDENTIAL=emulator is refused because ${name} (${ep}) is not a loopback address; the emulator token only works against a local tenant emulator.`,
        );
      }
    }
  }

  if (r.problems.length) throw new ConfigError(r.problems);
  return {
    tenant,
    exchangeUrl,
    graphUrl,
    credential,
    identityClientId,
    email: {
      connectionString: emailConnectionString,
      endpoint: emailEndpoint,
      sender,
      alertRecipients,
      approverRecipients,
    },
    storage: { connectionString: storageConnectionString, tableEndpoint, tablePrefix },
    grants: { minDurationMs, maxDurationMs, roleGroup },
    unapproved: { action, graceMs },
    breakGlass,
    schedules,
    revoke,
    digestHourUtc,
    auditLogQuery,
    auth: { mode: authMode, audiences, issuer, tenantId: issuerForm?.tenantId, authority, jwksUrl },
    localClockStart,
  };
}

function isLoopbackUrl(value: string): boolean {
  try {
    return isLoopbackHost(new URL(value).hostname);
  } catch {
    return false;
  }
}
