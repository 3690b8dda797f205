/**
 * Fault injection: slow, throttled, failing or dropped calls, per route, on an exact schedule or at a
 * seeded random rate, so retry and partial-read handling can be tested deterministically.
 */
import { asText } from './asText.js';
import { seededRandom } from './seededRandom.js';

export type Fault =
  /** Slows the call by `ms`, plus a seeded random share of `jitterMs` when given. */
  | { kind: 'latency'; ms: number; jitterMs?: number }
  /** 429 with Retry-After in seconds (fractions allowed, e.g. 0.05). */
  | { kind: 'throttle'; retryAfterSeconds: number }
  | { kind: 'error'; status: 500 | 502 | 503 | 504 }
  /** The connection is destroyed without a response. */
  | { kind: 'reset' }
  /**
   * The call is carried out, then its answer is lost on the way back: the caller sees this gateway
   * status, or a destroyed connection without one. What a write whose response never arrived looks like.
   */
  | { kind: 'lost-answer'; status?: 502 | 503 | 504 }
  /** Exchange only: the cmdlet runs as usual and its answer carries this text under `@adminapi.warnings`. */
  | { kind: 'warning'; message: string }
  /**
   * Notification endpoints only (teams:, webhook:, logs:): the service refuses the call with this 4xx (429 is
   * `throttle`), `{"error":{"code","message"}}`; what a deleted workflow, a receiver refusing or a rule refusing the
   * rows answers.
   */
  | { kind: 'refuse'; status: number; code?: string; message?: string };

export interface FaultRule {
  /**
   * Which calls: `exchange:<Cmdlet-Name>` or `exchange:*` (`compliance:` the same for Security & Compliance); `graph:<path pattern>` on the path without
   * the version (`*` matches one segment, `**` any number: `graph:/groups/*\/transitiveMembers`,
   * `graph:/$batch`); `email:send` or `email:poll`; `teams:post`, `webhook:post`, `logs:upload` (or `teams:*` ...);
   * `*` for everything.
   */
  route: string;
  fault: Fault;
  /** Only calls whose parameters have these values (Exchange cmdlet parameters, compared as text in any case). */
  parameters?: Record<string, string>;
  /**
   * Only requests inside a $batch (true), or only calls that are round trips of their own (false: plain calls and
   * the $batch envelope itself). Unset: both.
   */
  inBatch?: boolean;
  /** 1-based numbers of the matching calls that fail: [2, 3] = the 2nd and 3rd. */
  calls?: number[];
  /** Fail the first `times` matching calls. */
  times?: number;
  /** Fail each matching call with this probability, drawn from the seeded generator. */
  rate?: number;
}

export interface ActiveFaultRule extends FaultRule {
  id: string;
  /** Matching calls seen so far. */
  seen: number;
  /** Calls this rule made fail (or slowed). */
  fired: number;
}

/** The services the emulator answers for: the tenant's and the notification channels'. */
export type CallApi = 'exchange' | 'compliance' | 'graph' | 'email' | 'teams' | 'webhook' | 'logs';

const CHANNEL_ROUTE = /^(teams:(post|\*)|webhook:(post|\*)|logs:(upload|\*))$/;

export interface CallTarget {
  api: CallApi;
  /** Cmdlet name, graph path (no version, no query), `send` / `poll`, or `post` / `upload` of a notification endpoint. */
  name: string;
  /** The cmdlet's parameters, for rules that pick calls by them. */
  parameters?: Record<string, unknown>;
  /** Set for a request carried inside a $batch. */
  inBatch?: boolean;
}

/** Faults that apply to one call: accumulated latency and warnings, then at most one failure. */
export interface FaultDecision {
  latencyMs: number;
  warnings: string[];
  failure?: Exclude<Fault, { kind: 'latency' | 'warning' }>;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

function globToRegExp(pattern: string): RegExp {
  const parts = pattern.split(/(\*\*|\*)/).map((p) => (p === '**' ? '.*' : p === '*' ? '[^/]+' : escapeRegExp(p)));
  return new RegExp(`^${parts.join('')}$`, 'i');
}

export function validateFaultRule(rule: unknown): string | undefined {
  if (!rule || typeof rule !== 'object') return 'a fault rule is an object with route and fault';
  const r = rule as Partial<FaultRule>;
  if (
    typeof r.route !== 'string' ||
    !(/^(\*|exchange:.+|compliance:.+|graph:\/.*|email:(send|poll|\*))$/.test(r.route) || CHANNEL_ROUTE.test(r.route))
  ) {
    return "route must be '*', 'exchange:<Cmdlet|*>', 'compliance:<Cmdlet|*>', 'graph:/<path pattern>', 'email:send|poll|*', 'teams:post|*', 'webhook:post|*' or 'logs:upload|*'";
  }
  const f = r.fault as Partial<Fault> | undefined;
  if (!f || typeof f !== 'object') return 'fault is required';
  if (f.kind === 'latency' && !(typeof f.ms === 'number' && f.ms >= 0)) return 'latency needs ms >= 0';
  else if (f.kind === 'latency' && f.jitterMs !== undefined && !(typeof f.jitterMs === 'number' && f.jitterMs >= 0))
    return 'latency jitterMs must be >= 0';
  else if (f.kind === 'throttle' && !(typeof f.retryAfterSeconds === 'number' && f.retryAfterSeconds >= 0))
    return 'throttle needs retryAfterSeconds >= 0';
  else if (f.kind === 'error' && ![500, 502, 503, 504].includes(f.status as number))
    return 'error needs status 500, 502, 503 or 504';
  else if (f.kind === 'lost-answer' && f.status !== undefined && ![502, 503, 504].includes(f.status))
    return 'lost-answer takes status 502, 503 or 504, or none for a dropped connection';
  else if (f.kind === 'warning' && !(typeof f.message === 'string' && f.message.trim() !== ''))
    return 'warning needs a message';
  else if (f.kind === 'warning' && !r.route.startsWith('exchange:'))
    return 'warning faults apply to exchange routes only';
  else if (f.kind === 'refuse' && !CHANNEL_ROUTE.test(r.route))
    return 'refuse faults apply to teams:, webhook: and logs: routes only';
  else if (
    f.kind === 'refuse' &&
    !(Number.isInteger(f.status) && (f.status as number) >= 400 && (f.status as number) < 500 && f.status !== 429)
  )
    return 'refuse needs a 4xx status other than 429 (that is throttle)';
  else if (f.kind === 'refuse' && [f.code, f.message].some((t) => t !== undefined && typeof t !== 'string'))
    return 'refuse code and message are text';
  else if (!['latency', 'throttle', 'error', 'reset', 'lost-answer', 'warning', 'refuse'].includes(f.kind as string))
    return 'fault.kind must be latency, throttle, error, reset, lost-answer, warning or refuse';
  if (
    r.parameters !== undefined &&
    !(
      r.parameters &&
      typeof r.parameters === 'object' &&
      Object.values(r.parameters).every((v) => typeof v === 'string')
    )
  ) {
    return 'parameters maps parameter names to text values';
  }
  if (r.inBatch !== undefined && typeof r.inBatch !== 'boolean') return 'inBatch is true or false';
  const schedules = [r.calls, r.times, r.rate].filter((x) => x !== undefined).length;
  if (schedules > 1) return 'give at most one of calls, times and rate';
  if (r.calls !== undefined && !(Array.isArray(r.calls) && r.calls.every((n) => Number.isInteger(n) && n >= 1)))
    return 'calls is a list of 1-based call numbers';
  if (r.times !== undefined && !(Number.isInteger(r.times) && r.times >= 0)) return 'times is a whole number';
  if (r.rate !== undefined && !(typeof r.rate === 'number' && r.rate >= 0 && r.rate <= 1))
    return 'rate is a probability from 0 to 1';
  return undefined;
}

export class Faults {
  private rules: (ActiveFaultRule & { matcher: (t: CallTarget) => boolean })[] = [];
  private nextId = 1;
  private random: () => number;

  constructor(seed = 1) {
    this.random = seededRandom(seed);
  }

  /** Restarts the random sequence: the same seed and calls give the same failures. */
  seed(seed: number): void {
    this.random = seededRandom(seed);
  }

  add(rule: FaultRule): string {
    const problem = validateFaultRule(rule);
    if (problem) throw new Error(`Invalid fault rule: ${problem}.`);
    const id = `f${this.nextId++}`;
    const route = matcherFor(rule.route);
    const wanted = Object.entries(rule.parameters ?? {});
    const matcher = (t: CallTarget) =>
      route(t) &&
      (rule.inBatch === undefined || rule.inBatch === !!t.inBatch) &&
      wanted.every(([name, value]) => asText(t.parameters?.[name]).toLowerCase() === value.toLowerCase());
    this.rules.push({ ...rule, id, seen: 0, fired: 0, matcher });
    return id;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): ActiveFaultRule[] {
    return this.rules.map(({ matcher: _matcher, ...r }) => ({ ...r }));
  }

  /** Counts the call against every matching rule and says what to do to it. */
  decide(target: CallTarget): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, warnings: [] };
    for (const rule of this.rules) {
      if (!rule.matcher(target)) continue;
      rule.seen++;
      const fires =
        rule.calls !== undefined
          ? rule.calls.includes(rule.seen)
          : rule.times !== undefined
            ? rule.seen <= rule.times
            : rule.rate !== undefined
              ? this.random() < rule.rate
              : true;
      if (!fires) continue;
      if (rule.fault.kind === 'latency') {
        rule.fired++;
        decision.latencyMs += rule.fault.ms + (rule.fault.jitterMs ? this.random() * rule.fault.jitterMs : 0);
      } else if (rule.fault.kind === 'warning') {
        rule.fired++;
        decision.warnings.push(rule.fault.message);
      } else if (!decision.failure) {
        rule.fired++;
        decision.failure = rule.fault;
      }
    }
    return decision;
  }
}

function matcherFor(route: string): (t: CallTarget) => boolean {
  if (route === '*') return () => true;
  const colon = route.indexOf(':');
  const api = route.slice(0, colon);
  const what = route.slice(colon + 1);
  if (api === 'exchange' || api === 'compliance')
    return (t) => t.api === api && (what === '*' || t.name.toLowerCase() === what.toLowerCase());
  if (api !== 'graph') return (t) => t.api === api && (what === '*' || t.name === what);
  const re = globToRegExp(what);
  return (t) => t.api === 'graph' && re.test(t.name);
}
