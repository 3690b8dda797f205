/**
 * `/_emulator/...`: drives a running emulator over HTTP (e.g. one started from the CLI) the same way
 * code drives RunningEmulator: faults, the call log, sent emails, propagation and the clock.
 */
import type { CallFilter } from './callLog.js';
import { validateRule, type DataCollectionRule } from './channels/channelState.js';
import type { EmulatorContext } from './context.js';
import { validateExchangeBehaviour } from './exchange/behaviour.js';
import { validateFaultRule, type FaultRule } from './faults.js';
import type { Reply } from './http.js';
import { EXCHANGE_ONLINE_APP_ID, GRAPH_APP_ID } from '../contract/microsoft.js';
import { newSigningKey } from './login/signingKey.js';
import { actAs, appendAuditRecord } from './auditActivity.js';

const ok = (body: unknown, status = 200): Reply => ({ status, body });
const problem = (status: number, message: string): Reply => ({
  status,
  body: { error: { code: status === 404 ? 'NotFound' : 'BadRequest', message } },
});

const CALL_APIS = new Set(['exchange', 'compliance', 'graph', 'email', 'teams', 'webhook', 'logs']);

const RESOURCE_APPS: Record<string, string> = { graph: GRAPH_APP_ID, exchange: EXCHANGE_ONLINE_APP_ID };

/**
 * Takes one permission away from the watchdog's app, as an administrator could: an application permission
 * (`{"api":"graph"|"exchange","appRole":"User.Read.All"}`, the app role assignment is deleted), or an Exchange
 * role entry (`{"roleEntry":"Role Management\\New-ManagementRoleAssignment"}`, `*` for every role). The services
 * then answer as they do for a missing permission: Graph 403 Authorization_RequestDenied, Exchange 401.
 */
function withdrawPermission(ctx: EmulatorContext, b: Record<string, unknown>): Reply {
  if (typeof b.roleEntry === 'string') {
    const cut = b.roleEntry.lastIndexOf('\\');
    if (cut <= 0 || cut === b.roleEntry.length - 1)
      return problem(400, 'roleEntry must be "<role>\\<cmdlet>" (role may be *).');
    ctx.state.withdrawnRoleEntries.add(b.roleEntry.toLowerCase());
    return ok({ withdrawn: b.roleEntry });
  }
  const resource = typeof b.api === 'string' ? RESOURCE_APPS[b.api] : undefined;
  if (!resource || typeof b.appRole !== 'string')
    return problem(400, 'Send {"api":"graph"|"exchange","appRole":"<value>"} or {"roleEntry":"<role>\\<cmdlet>"}.');
  if (!ctx.state.withdrawCallerAppRole(resource, b.appRole))
    return problem(404, `The watchdog's app does not hold ${b.appRole} on ${String(b.api)}.`);
  return ok({ withdrawn: b.appRole });
}

interface SettableClock {
  advance?(ms: number): unknown;
  set?(at: Date | string): unknown;
}

export function handleControl(ctx: EmulatorContext, method: string, url: URL, body: unknown, reset: () => void): Reply {
  const path = url.pathname.replace(/^\/_emulator/, '');
  const key = `${method} ${path.replace(/^\/faults\/[^/]+$/, '/faults/{id}').replace(/^\/channels\/logs\/rules\/[^/]+$/, '/channels/logs/rules/{id}')}`;
  const b = (body ?? {}) as Record<string, unknown>;
  switch (key) {
    case 'GET /health':
      return ok({
        ok: true,
        tenant: ctx.state.tenant,
        tenantId: ctx.state.tenantId,
        now: ctx.state.clock.now().toISOString(),
      });
    case 'GET /calls': {
      const filter: CallFilter = {};
      const api = url.searchParams.get('api');
      const name = url.searchParams.get('name');
      if (api && CALL_APIS.has(api)) filter.api = api as CallFilter['api'];
      if (name) filter.name = name;
      return ok({ value: ctx.calls.where(filter) });
    }
    case 'DELETE /calls':
      ctx.calls.clear();
      return ok({ cleared: true });
    case 'GET /faults':
      return ok({ value: ctx.faults.list() });
    case 'POST /faults': {
      const invalid = validateFaultRule(body);
      if (invalid) return problem(400, `Invalid fault rule: ${invalid}.`);
      return ok({ id: ctx.faults.add(body as FaultRule) }, 201);
    }
    case 'DELETE /faults':
      ctx.faults.clear();
      return ok({ cleared: true });
    case 'DELETE /faults/{id}': {
      const id = decodeURIComponent(path.slice('/faults/'.length));
      return ctx.faults.remove(id) ? ok({ removed: id }) : problem(404, `No fault rule '${id}'.`);
    }
    case 'POST /faults/seed':
      if (!Number.isInteger(b.seed)) return problem(400, 'seed must be a whole number.');
      ctx.faults.seed(b.seed as number);
      return ok({ seed: b.seed });
    case 'GET /exchange':
      return ok(ctx.exchange);
    case 'PUT /exchange': {
      const invalid = validateExchangeBehaviour(body);
      if (invalid) return problem(400, `Invalid exchange behaviour: ${invalid}.`);
      Object.assign(ctx.exchange, body);
      return ok(ctx.exchange);
    }
    case 'GET /emails':
      return ok({ value: ctx.email.sent });
    case 'GET /channels/teams':
      return ok({ value: ctx.channels.teams });
    case 'GET /channels/webhook':
      return ok({ value: ctx.channels.webhook });
    case 'GET /channels/logs':
      return ok({ value: ctx.channels.logs });
    case 'GET /channels/logs/rules':
      return ok({ value: Object.fromEntries(ctx.channels.rules) });
    case 'PUT /channels/logs/rules/{id}': {
      const invalid = validateRule(body);
      if (invalid) return problem(400, `Invalid data collection rule: ${invalid}.`);
      const rule = body as DataCollectionRule;
      const id = decodeURIComponent(path.slice('/channels/logs/rules/'.length));
      ctx.channels.rules.set(id, { streams: [...rule.streams], publisher: rule.publisher ?? true });
      return ok({ [id]: ctx.channels.rules.get(id) });
    }
    case 'GET /can-export': {
      const principal = url.searchParams.get('principal');
      if (!principal) return problem(400, 'principal (UPN, object id or appId) is required.');
      const atText = url.searchParams.get('at');
      const at = atText ? new Date(atText) : ctx.state.clock.now();
      if (Number.isNaN(at.getTime())) return problem(400, `at '${atText}' is not an ISO 8601 time.`);
      const paths = ctx.state.exportPaths(principal, at);
      return ok({
        principal,
        at: at.toISOString(),
        canExport: paths.length > 0,
        paths,
        propagationDelayMs: ctx.state.propagationDelayMs,
      });
    }
    case 'POST /permissions/withdraw':
      return withdrawPermission(ctx, b);
    case 'POST /act':
      return actAs(ctx, b);
    case 'POST /audit-records':
      return appendAuditRecord(ctx, b);
    case 'GET /propagation':
      return ok({ delayMs: ctx.state.propagationDelayMs });
    case 'PUT /propagation':
      if (typeof b.delayMs !== 'number' || b.delayMs < 0) return problem(400, 'delayMs must be a number >= 0.');
      ctx.state.propagationDelayMs = b.delayMs;
      return ok({ delayMs: b.delayMs });
    case 'GET /clock':
      return ok({ now: ctx.state.clock.now().toISOString() });
    case 'POST /clock': {
      const clock = ctx.state.clock as SettableClock;
      if (typeof b.advanceMs === 'number' && clock.advance) clock.advance(b.advanceMs);
      else if (typeof b.set === 'string' && clock.set && !Number.isNaN(Date.parse(b.set))) clock.set(b.set);
      else
        return problem(
          400,
          'Send {"advanceMs": n} or {"set": "<ISO time>"}; only an emulator started with a manual clock can be moved.',
        );
      return ok({ now: ctx.state.clock.now().toISOString() });
    }
    case 'POST /signing-key/rotate':
      // Tokens signed by the old key no longer verify: what a relying party sees after a key it cached is withdrawn.
      ctx.login.key = newSigningKey();
      return ok({ kid: ctx.login.key.kid });
    case 'POST /reset':
      reset();
      return ok({ reset: true });
    default:
      return problem(404, `No emulator control route ${method} ${url.pathname}.`);
  }
}
