/**
 * The tenant emulator: one loopback HTTP server for the Exchange admin API, Microsoft Graph and
 * ACS Email, seeded from a scenario, with fault injection and a call log. Tests, the local demo and
 * the benchmarks all run against it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from './clock.js';
import { CallLog, type CallRecord } from './callLog.js';
import {
  newChannelState,
  resetChannelState,
  type DataCollectionRule,
  type LogsUpload,
  type TeamsPost,
  type WebhookDelivery,
} from './channels/channelState.js';
import { channelRoute } from './channels/route.js';
import { teamsWorkflowUrl } from './channels/teamsWorkflow.js';
import { EMULATOR_LOGS_RULE_ID, EMULATOR_LOGS_STREAM } from '../contract/emulator.js';
import type { EmulatorContext } from './context.js';
import { handleControl } from './control.js';
import { EMAIL_OPERATION, EMAIL_SEND, pollEmail, sendEmail, type SentEmail } from './email/route.js';
import { DEFAULT_EXCHANGE_BEHAVIOUR, validateExchangeBehaviour, type ExchangeBehaviour } from './exchange/behaviour.js';
import { EMAIL_SEND_LIMITS, EmailSendWindow, type EmailSendLimits } from './email/sendLimits.js';
import { COMPLIANCE_INVOKE, complianceInvoke } from './compliance/route.js';
import { exchangeBatch } from './exchange/batch.js';
import { EXCHANGE_BATCH, INVOKE_COMMAND, cmdletInput, invokeCommand } from './exchange/route.js';
import { faultReply } from './faultReply.js';
import { Faults, type CallTarget } from './faults.js';
import { handleLogin } from './login/route.js';
import { GRAPH_PATH, graphAuth, graphBatch, graphError, graphRequest } from './graph/route.js';
import { BodyTooLarge, parseJson, readBody, send, sleep, type Reply } from './http.js';
import { PageCache } from './pageCache.js';
import { scenarioSeed } from './scenarios/index.js';
import type { TenantSeed } from './seed.js';
import { TenantState } from './tenantState.js';

/** The access key of the emulator's ACS connection string (base64, development only). */
export const EMULATOR_ACCESS_KEY = Buffer.from('mie-watchdog-emulator-acs-access-key').toString('base64');

export interface EmulatorOptions {
  /** A scenario name ('forgotten-migrations' by default, 'empty', 'large') or a seed. */
  scenario?: string | TenantSeed;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Forces every paged answer (Exchange and Graph) down to this many items per page. */
  pageSize?: number;
  /** How long a write takes to change who can really export (the permission cache); default 0. */
  propagationDelayMs?: number;
  clock?: Clock;
  /** Seed of the random generator behind `rate` fault rules. */
  faultSeed?: number;
  /** Operation polls that answer Running before an email send reports Succeeded; default 1. */
  emailPollsUntilDone?: number;
  /** Exchange admin API hazards and wire variants; the defaults are the real service's (emulator/exchange/behaviour.ts). */
  exchange?: Partial<ExchangeBehaviour>;
  /** ACS Email send rate limits; default those of a custom domain (30 a minute, 100 an hour); 'none' turns them off. */
  emailLimits?: EmailSendLimits | 'none';
  /** The HMAC key the webhook receiver verifies with; default contract/emulator.ts's EMULATOR_WEBHOOK_SECRET. */
  webhookSecret?: string;
}

/** The notification endpoints: where they listen, and what each received. */
export interface ChannelEndpoints {
  /** A Teams Workflows webhook URL (WATCHDOG_TEAMS_WEBHOOK_URL). */
  teamsWebhookUrl: string;
  /** The generic webhook receiver (WATCHDOG_WEBHOOK_URL) and the secret it verifies with. */
  webhookUrl: string;
  webhookSecret: string;
  /** Logs Ingestion: the data collection endpoint, the rule's immutable id and its stream. */
  logsEndpoint: string;
  logsRuleId: string;
  logsStream: string;
  teams(): TeamsPost[];
  webhook(): WebhookDelivery[];
  logs(): LogsUpload[];
  /** Declares or replaces a data collection rule (a rule without the watchdog's stream rejects its rows). */
  setRule(immutableId: string, rule: DataCollectionRule): void;
}

export interface RunningEmulator {
  /** http://127.0.0.1:PORT, no trailing slash: the Exchange URL, the Graph URL and the ACS endpoint. */
  url: string;
  port: number;
  /** The tenant's initial domain. */
  tenant: string;
  /** ACS connection string for the emulator (`endpoint=<url>/;accesskey=<key>`). */
  emailConnectionString: string;
  /** The Security & Compliance admin API base (`<url>/compliance`): it redirects to its regional endpoint. */
  complianceUrl: string;
  faults: Faults;
  calls: CallLog;
  /** The Exchange behaviour in force; change its fields to switch a hazard or wire variant (reset() restores the options'). */
  readonly exchange: ExchangeBehaviour;
  /** The live tenant; replaced by reset(). */
  readonly state: TenantState;
  sentEmails(): SentEmail[];
  channels: ChannelEndpoints;
  /** Back to the scenario's seed: state, call log, faults, emails, channel recordings and the Exchange behaviour of the options. */
  reset(): void;
  stop(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const clock = options.clock ?? systemClock;
  const invalid = options.exchange && validateExchangeBehaviour(options.exchange);
  if (invalid) throw new Error(`Invalid exchange behaviour: ${invalid}.`);
  const makeState = () => new TenantState(scenarioSeed(options.scenario), clock, options.propagationDelayMs ?? 0);
  const ctx: EmulatorContext = {
    state: makeState(),
    faults: new Faults(options.faultSeed ?? 1),
    calls: new CallLog(),
    pages: new PageCache(),
    baseUrl: '',
    pageSize: options.pageSize,
    exchange: { ...DEFAULT_EXCHANGE_BEHAVIOUR, ...options.exchange },
    emailAccessKey: EMULATOR_ACCESS_KEY,
    login: { codes: new Map() },
    channels: newChannelState(options.webhookSecret),
    email: {
      sent: [],
      operations: new Map(),
      pollsUntilDone: options.emailPollsUntilDone ?? 1,
      window: new EmailSendWindow(
        options.emailLimits === 'none' ? undefined : (options.emailLimits ?? EMAIL_SEND_LIMITS.customDomain),
      ),
    },
  };
  const reset = () => {
    const delay = ctx.state.propagationDelayMs;
    ctx.state = makeState();
    ctx.state.propagationDelayMs = delay;
    ctx.calls.clear();
    ctx.faults.clear();
    ctx.email.sent.length = 0;
    ctx.email.operations.clear();
    ctx.login.codes.clear();
    Object.assign(ctx.exchange, DEFAULT_EXCHANGE_BEHAVIOUR, options.exchange);
    ctx.email.window.clear();
    resetChannelState(ctx.channels);
  };

  const server = createServer((req, res) => {
    handle(ctx, req, res, reset).catch((err: unknown) => {
      if (!res.headersSent)
        send(res, {
          status: 500,
          body: {
            error: {
              code: 'InternalServerError',
              message: `Emulator failure: ${err instanceof Error ? err.message : String(err)}`,
            },
          },
        });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  ctx.baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: ctx.baseUrl,
    port,
    get tenant() {
      return ctx.state.tenant;
    },
    emailConnectionString: `endpoint=${ctx.baseUrl}/;accesskey=${EMULATOR_ACCESS_KEY}`,
    complianceUrl: `${ctx.baseUrl}/compliance`,
    faults: ctx.faults,
    calls: ctx.calls,
    exchange: ctx.exchange,
    get state() {
      return ctx.state;
    },
    sentEmails: () => [...ctx.email.sent],
    channels: {
      teamsWebhookUrl: teamsWorkflowUrl(ctx.baseUrl),
      webhookUrl: `${ctx.baseUrl}/webhook/watchdog`,
      webhookSecret: ctx.channels.webhookSecret,
      logsEndpoint: ctx.baseUrl,
      logsRuleId: EMULATOR_LOGS_RULE_ID,
      logsStream: EMULATOR_LOGS_STREAM,
      teams: () => [...ctx.channels.teams],
      webhook: () => [...ctx.channels.webhook],
      logs: () => [...ctx.channels.logs],
      setRule: (id, rule) => void ctx.channels.rules.set(id, { ...rule, streams: [...rule.streams] }),
    },
    reset,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

interface Routed {
  target: CallTarget;
  parameters: Record<string, unknown>;
  run(warnings: string[]): Reply | Promise<Reply>;
}

async function handle(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  reset: () => void,
): Promise<void> {
  const url = new URL(req.url ?? '/', ctx.baseUrl);
  let raw: Buffer;
  try {
    raw = await readBody(req);
  } catch (err) {
    if (err instanceof BodyTooLarge)
      return send(res, { status: 413, body: { error: { code: 'RequestEntityTooLarge', message: err.message } } });
    throw err;
  }
  const parsed = parseJson(raw);
  const body = parsed.ok ? parsed.value : undefined;
  if (url.pathname.startsWith('/_emulator/'))
    return send(res, handleControl(ctx, req.method ?? 'GET', url, body, reset));
  const login = await handleLogin(ctx, req, url, raw);
  if (login) return send(res, login);

  const routed = route(ctx, req, url, raw, body);
  if (!routed)
    return send(res, {
      status: 404,
      body: { error: { code: 'NotFound', message: `The emulator serves no ${req.method} ${url.pathname}.` } },
    });

  const started = performance.now();
  const decision = ctx.faults.decide({ ...routed.target, parameters: routed.parameters });
  if (decision.latencyMs) await sleep(decision.latencyMs);
  const log = (status: number, fault?: string): CallRecord =>
    ctx.calls.record({
      at: ctx.state.clock.now().toISOString(),
      api: routed.target.api,
      method: req.method ?? 'GET',
      name: routed.target.name,
      parameters: routed.parameters,
      status,
      durationMs: performance.now() - started,
      ...(fault ? { fault } : {}),
    });
  if (decision.failure?.kind === 'reset') {
    log(0, 'reset');
    req.socket.destroy();
    return;
  }
  if (decision.failure?.kind === 'lost-answer') {
    const done = await routed.run(decision.warnings);
    const lost = decision.failure.status;
    // The call took effect (its own status is the log's); only the caller never learns it.
    log(done.status, 'lost-answer');
    if (lost === undefined) return void req.socket.destroy();
    return send(res, faultReply(routed.target.api, { kind: 'error', status: lost }));
  }
  const reply = decision.failure
    ? faultReply(routed.target.api, decision.failure)
    : await routed.run(decision.warnings);
  log(reply.status, decision.failure?.kind ?? (decision.warnings.length ? 'warning' : undefined));
  send(res, reply);
}

function route(ctx: EmulatorContext, req: IncomingMessage, url: URL, raw: Buffer, body: unknown): Routed | undefined {
  const method = req.method ?? 'GET';
  const batch = EXCHANGE_BATCH.exec(url.pathname);
  if (batch) {
    return {
      target: { api: 'exchange', name: '$batch' },
      parameters: {},
      run: () =>
        method === 'POST'
          ? exchangeBatch(ctx, req.headers, batch[1] as string, body)
          : { status: 405, body: { error: { code: 'MethodNotAllowed', message: '$batch takes POST.' } } },
    };
  }
  const exchange = INVOKE_COMMAND.exec(url.pathname);
  if (exchange) {
    const input = cmdletInput(body);
    return {
      target: { api: 'exchange', name: input?.name ?? 'InvokeCommand' },
      parameters: input?.parameters ?? {},
      run: (warnings) =>
        method === 'POST'
          ? invokeCommand(ctx, req.headers, url, exchange[1] as string, body, warnings)
          : { status: 405, body: { error: { code: 'MethodNotAllowed', message: 'InvokeCommand takes POST.' } } },
    };
  }
  const compliance = COMPLIANCE_INVOKE.exec(url.pathname);
  if (compliance) {
    const input = cmdletInput(body);
    return {
      target: { api: 'compliance', name: input?.name ?? 'InvokeCommand' },
      parameters: input?.parameters ?? {},
      run: (warnings) =>
        method === 'POST'
          ? complianceInvoke(ctx, req, url, compliance, body, warnings)
          : { status: 405, body: { error: { code: 'MethodNotAllowed', message: 'InvokeCommand takes POST.' } } },
    };
  }
  const graph = GRAPH_PATH.exec(url.pathname);
  if (graph) {
    const version = graph[1] as string;
    const path = graph[2] as string;
    return {
      target: { api: 'graph', name: path },
      parameters: Object.fromEntries(url.searchParams),
      run: () => {
        const denied = graphAuth(req);
        if (denied) return denied;
        if (path === '/$batch')
          return method === 'POST'
            ? graphBatch(ctx, version, body)
            : graphError(405, 'Request_BadRequest', '$batch takes POST.');
        if (method === 'POST' && raw.length > 0 && body === undefined)
          return graphError(400, 'BadRequest', 'The request body is not valid JSON.');
        return graphRequest(ctx, { method, version, path, query: url.searchParams, body });
      },
    };
  }
  if (EMAIL_SEND.test(url.pathname) && method === 'POST') {
    const operationId = req.headers['operation-id'];
    return {
      target: { api: 'email', name: 'send' },
      parameters: typeof operationId === 'string' ? { operationId } : {},
      run: () => sendEmail(ctx, req, url, raw, body),
    };
  }
  const op = EMAIL_OPERATION.exec(url.pathname);
  if (op && method === 'GET') {
    return {
      target: { api: 'email', name: 'poll' },
      parameters: { operationId: op[1] },
      run: () => pollEmail(ctx, req, url, op[1] as string),
    };
  }
  return channelRoute(ctx, req, url, raw, body);
}
