/**
 * What one setting's text may be, as small parsers the settings table (lib/config.ts) names. A parser gets
 * the trimmed, non-empty text and gives the value or its problems, each phrased to follow the setting's name
 * ("is 'x'; use ..."), so that the table prefixes the name and one run reports every bad setting at once.
 */
import { isAudience } from './apiAudiences.js';
import { parseIssuerForm, type IssuerForm } from './auth/entraIssuer.js';
import { parseDuration } from './duration.js';
import { parseInstant } from './instant.js';
import { ncrontabProblem } from './ncrontab.js';
import { connectionStringEndpoint, isLoopbackHost } from './endpoints.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };
export type Parser<T> = (text: string) => Parsed<T>;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (...problems: string[]): Parsed<never> => ({ ok: false, problems });
/** Passes `value` on when `problems` is empty: for list parsers that check every entry. */
const unless = <T>(problems: string[], value: T): Parsed<T> => (problems.length ? bad(...problems) : ok(value));

const EMAIL =
  /^[^\s@<>(),;:"[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const DOMAIN = /^(?=.{4,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isLoopbackUrl(value: string): boolean {
  try {
    return isLoopbackHost(new URL(value).hostname);
  } catch {
    return false;
  }
}

/** Addresses and principals may be separated by commas, semicolons or white space. */
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

export const text: Parser<string> = ok;

/** An endpoint whose URL is itself a secret (a Teams Workflows URL carries its signature): problems never echo it. */
export const secretEndpoint: Parser<string> = (v) => {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return bad('is not an absolute URL (its value is not repeated here: it is a secret).');
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return ok(v);
  return bad(
    `uses ${url.protocol.replace(':', '')}; use an https:// URL (plain http is accepted only on loopback: 127.0.0.1, localhost, [::1]).`,
  );
};

/** Receivers hold the same key: long enough that it cannot be guessed (32 characters or more). */
export const webhookSecret: Parser<string> = (v) =>
  v.length >= 32 ? ok(v) : bad(`is ${v.length} characters long; use at least 32 (for example: openssl rand -hex 32).`);

export const dcrImmutableId: Parser<string> = (v) =>
  /^dcr-[0-9a-f]{32}$/i.test(v)
    ? ok(v)
    : bad(`is '${v}'; use the data collection rule's immutable id (dcr- and 32 hex digits, its immutableId property).`);

export const logsStream: Parser<string> = (v) =>
  /^Custom-[A-Za-z0-9_]{1,100}$/.test(v) ? ok(v) : bad(`is '${v}'; use the rule's input stream, Custom-<name>.`);

export function oneOf<T extends string>(allowed: readonly T[]): Parser<T> {
  return (v) =>
    (allowed as readonly string[]).includes(v) ? ok(v as T) : bad(`is '${v}'; accepted values: ${allowed.join(', ')}.`);
}

/** An https:// URL (http:// on loopback), without trailing slashes. */
export const endpoint: Parser<string> = (v) => {
  const problem = endpointProblem(v);
  return problem ? bad(problem) : ok(v.replace(/\/+$/, ''));
};

export function guid(what: string): Parser<string> {
  return (v) => (GUID.test(v) ? ok(v) : bad(`is '${v}'; use ${what}.`));
}

export const tenantDomain: Parser<string> = (v) => {
  const tenant = v.toLowerCase();
  return DOMAIN.test(tenant)
    ? ok(tenant)
    : bad(`is '${tenant}'; use the tenant's initial domain, for example contoso.onmicrosoft.com.`);
};

export const emailAddress: Parser<string> = (v) =>
  EMAIL.test(v) ? ok(v) : bad(`is '${v}', which is not an email address.`);

export const emailList: Parser<string[]> = (v) => {
  const list = splitList(v);
  const problems = list.filter((e) => !EMAIL.test(e)).map((e) => `has '${e}', which is not an email address.`);
  if (list.length === 0) problems.push('is empty; give at least one email address.');
  return unless(problems, list);
};

/** Secret: a problem names the endpoint in it, never the access key. */
export const emailConnectionString: Parser<string> = (v) => {
  const ep = connectionStringEndpoint(v, 'email');
  const problem = ep
    ? endpointProblem(ep)
    : 'has no endpoint=...; copy the connection string from the Communication Services resource (Keys).';
  return problem ? bad(`endpoint ${problem}`) : ok(v);
};

/** Secret: a problem names the table endpoint in it, never the account key. */
export const storageConnectionString: Parser<string> = (v) => {
  const ep = connectionStringEndpoint(v, 'table');
  const problem = ep ? endpointProblem(ep) : 'has neither AccountName nor TableEndpoint.';
  return problem ? bad(`table endpoint ${problem}`) : ok(v);
};

/** An account name or its table endpoint URL; the value is the table endpoint. */
export const storageAccount: Parser<string> = (v) => {
  if (/^[a-z0-9]{3,24}$/.test(v)) return ok(`https://${v}.table.core.windows.net`);
  if (/^[a-z]+:\/\//i.test(v)) return endpoint(v);
  return bad(`is '${v}'; use a storage account name (3-24 lower-case letters and digits) or its table endpoint URL.`);
};

/** A blob container name (Naming and referencing containers): 3-63 lower-case letters, digits and single hyphens. */
export const containerName: Parser<string> = (v) =>
  /^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/.test(v)
    ? ok(v)
    : bad(
        `is '${v}'; use 3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.`,
      );

export const tablePrefix: Parser<string> = (v) =>
  /^[A-Za-z][A-Za-z0-9]{0,19}$/.test(v)
    ? ok(v)
    : bad(`is '${v}'; use a letter followed by up to 19 letters or digits.`);

function positiveMs(v: string): number | undefined {
  const ms = parseDuration(v);
  return ms !== undefined && ms > 0 ? ms : undefined;
}

/** A positive ISO 8601 duration, in milliseconds. */
export const duration: Parser<number> = (v) => {
  const ms = positiveMs(v);
  return ms === undefined
    ? bad(
        `is '${v}'; use a positive ISO 8601 duration in weeks, days, hours, minutes or seconds (for example PT1H, P7D).`,
      )
    : ok(ms);
};

/** Comma-separated durations: distinct, longest first. */
export const durationList: Parser<number[]> = (v) => {
  const parts = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const problems = parts
    .filter((p) => positiveMs(p) === undefined)
    .map((p) => `has '${p}'; use a comma-separated list of ISO 8601 durations (for example PT24H,PT1H).`);
  const ms = parts.map(positiveMs).filter((n): n is number => n !== undefined);
  return unless(
    problems,
    [...new Set(ms)].sort((a, b) => b - a),
  );
};

export function number(min: number, max: number, { integer }: { integer: boolean }): Parser<number> {
  return (v) => {
    const n = Number(v);
    return !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))
      ? bad(`is '${v}'; use ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}.`)
      : ok(n);
  };
}

export const bool: Parser<boolean> = (text) => {
  const v = text.toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return ok(true);
  if (['false', '0', 'no'].includes(v)) return ok(false);
  return bad(`is '${v}'; accepted values: true, false.`);
};

/** UPNs or object ids, lower-cased. */
export const principalList: Parser<string[]> = (v) => {
  const list = splitList(v).map((s) => s.toLowerCase());
  return unless(
    list
      .filter((b) => !EMAIL.test(b) && !GUID.test(b))
      .map((b) => `has '${b}'; list UPNs or object ids, comma-separated.`),
    list,
  );
};

export const audienceList: Parser<string[]> = (v) => {
  const list = splitList(v);
  return unless(
    list
      .filter((a) => !isAudience(a))
      .map(
        (a) =>
          `has '${a}'; list the API's client id (a GUID) and/or its application ID URI (api://...), comma-separated.`,
      ),
    list,
  );
};

/** The API tenant's Entra ID issuer in either form, and the tenant and token version it names. */
export const issuer: Parser<{ issuer: string; form: IssuerForm }> = (v) => {
  const problem = endpointProblem(v);
  if (problem) return bad(problem);
  const form = parseIssuerForm(v);
  return form
    ? ok({ issuer: v, form })
    : bad(
        `is '${v}'; give the API tenant's issuer in either form, https://login.microsoftonline.com/{tenant-id}/v2.0 or https://sts.windows.net/{tenant-id}/ (tenant id in lower case): tokens of both forms of that tenant are accepted.`,
      );
};

export const utcInstant: Parser<Date> = (v) => {
  const start = parseInstant(v);
  return start ? ok(new Date(start)) : bad(`is '${v}'; use a UTC instant such as 2026-03-02T07:59:00Z.`);
};

/** A timer schedule the Azure Functions host accepts and that fires (lib/ncrontab.ts). */
export const schedule: Parser<string> = (v) => {
  const problem = ncrontabProblem(v);
  return problem ? bad(problem) : ok(v);
};
