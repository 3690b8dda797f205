/**
 * `mie-watchdog grant ...`: the grant lifecycle from the command line. The operator runs it with
 * the app's own credentials and is trusted with every app role, but the grant policy still
 * applies: the named approver cannot approve their own request, durations are bounded, and so on.
 */
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import {
  adoptGrantBody,
  extendGrantBody,
  grantIdSchema,
  listGrantsQuery,
  reasonBody,
  requestGrantBody,
  upnSchema,
} from '../lib/api/grantBodies.js';
import { grantProblem } from '../lib/api/grantProblems.js';
import { parseWith } from '../lib/api/readJsonBody.js';
import { APP_ROLES, type Caller } from '../lib/caller.js';
import { normalizeUpn } from '../lib/upn.js';
import { loadConfig } from '../lib/config.js';
import type { Grant } from '../lib/domain.js';
import { formatDuration } from '../lib/duration.js';
import { activateDueGrants } from '../lib/grants/activateDueGrants.js';
import { adoptGrant } from '../lib/grants/adoptGrant.js';
import { approveGrant } from '../lib/grants/approveGrant.js';
import { cancelGrant } from '../lib/grants/cancelGrant.js';
import { denyGrant } from '../lib/grants/denyGrant.js';
import { extendGrant } from '../lib/grants/extendGrant.js';
import { getGrant } from '../lib/grants/getGrant.js';
import { WATCHDOG_ACTOR, type GrantDeps } from '../lib/grants/grantDeps.js';
import { listGrants } from '../lib/grants/listGrants.js';
import { PROPAGATION_NOTE } from '../lib/grants/notices/grantNotice.js';
import { releaseGrant } from '../lib/grants/releaseGrant.js';
import { requestGrant } from '../lib/grants/requestGrant.js';
import { createRuntime } from '../lib/runtime.js';
import { UsageError, type CliIo } from './main.js';

const USAGE = `Usage:
  mie-watchdog grant request --principal UPN --duration ISO8601 --justification TEXT --ticket ID --requester UPN [--start ISO] [--json]
  mie-watchdog grant approve ID --approver UPN [--json]
  mie-watchdog grant deny ID --approver UPN [--reason TEXT] [--json]
  mie-watchdog grant cancel ID --actor UPN [--reason TEXT] [--json]
  mie-watchdog grant extend ID --duration ISO8601 --justification TEXT --requester UPN [--json]
  mie-watchdog grant release ID --actor UPN [--reason TEXT] [--json]
  mie-watchdog grant adopt --assignment GUID --duration ISO8601 --justification TEXT --ticket ID --approver UPN [--json]
  mie-watchdog grant get ID [--json]
  mie-watchdog grant list [--status pending,active,...] [--principal UPN] [--json]
  mie-watchdog grant activate [--json]     activate approved grants whose start time has come`;

const OPTIONS = {
  principal: { type: 'string' },
  duration: { type: 'string' },
  justification: { type: 'string' },
  ticket: { type: 'string' },
  requester: { type: 'string' },
  approver: { type: 'string' },
  actor: { type: 'string' },
  reason: { type: 'string' },
  start: { type: 'string' },
  assignment: { type: 'string' },
  status: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = Partial<Record<Exclude<keyof typeof OPTIONS, 'json' | 'help'>, string>> & {
  json?: boolean;
  help?: boolean;
};

interface Invocation {
  values: Values;
  id: string;
  /** Built only after the options passed, so a usage error never needs settings. */
  deps: () => GrantDeps;
}

type Outcome =
  | { grant: Grant }
  | { grants: Grant[] }
  | { activated: Grant[]; skipped: string[]; failed: { grantId: string; error: string }[] };

export async function run(args: string[], io: CliIo): Promise<number> {
  return runGrant(args, io, () => createRuntime(loadConfig(io.env)));
}

/** Runs a grant subcommand with the deps given (tests pass a runtime on the emulator). */
export async function runGrant(args: string[], io: CliIo, makeDeps: () => GrantDeps): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    io.out(USAGE);
    return sub ? 0 : 2;
  }
  const command = SUBCOMMANDS[sub];
  if (!command) throw new UsageError(`Unknown grant subcommand '${sub}'.\n${USAGE}`);
  const { values, positionals } = parse(rest);
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (positionals.length !== (command.takesId ? 1 : 0)) {
    throw new UsageError(
      command.takesId
        ? `grant ${sub} needs exactly one grant id.`
        : `grant ${sub} takes no positional arguments (got '${positionals.join(' ')}').`,
    );
  }
  const id = positionals[0] ?? '';
  if (command.takesId && !v.safeParse(grantIdSchema, id).success)
    throw new UsageError(`'${id}' is not a grant id (a GUID); use "grant list" to find it.`);
  let deps: GrantDeps | undefined;
  try {
    const outcome = await command.run({ values, id, deps: () => (deps ??= makeDeps()) });
    if (values.json) io.out(JSON.stringify(outcome, withoutEtag, 2));
    else io.out(describe(sub, outcome));
    return 'failed' in outcome && outcome.failed.length > 0 ? 1 : 0;
  } catch (error) {
    const problem = error instanceof UsageError ? undefined : grantProblem(error);
    if (!problem) throw error;
    if (values.json)
      io.out(JSON.stringify({ error: { status: problem.status, title: problem.title, detail: problem.message } }));
    io.err(`grant ${sub} refused: ${problem.message}`);
    return 1;
  }
}

function parse(rest: string[]): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
    return { values: values, positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const operator = (upn: string): Caller => ({ upn, roles: [...APP_ROLES] });

function required(values: Values, name: keyof Values): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required.`);
  return value;
}

type PersonOption = 'requester' | 'approver' | 'actor';

/** The named person's UPN, checked before anything is read. */
function personName(values: Values, name: PersonOption): string {
  const result = v.safeParse(upnSchema, required(values, name));
  const normalized = result.success ? normalizeUpn(result.output) : undefined;
  if (!normalized || 'problem' in normalized)
    throw new UsageError(`--${name} must be a user principal name such as lidiah@contoso.onmicrosoft.com.`);
  return normalized.upn;
}

/**
 * The command line names people by UPN, free text; who they are is their directory object id, looked up
 * in Graph as the grantee's is, so four eyes compare the same identity here as over HTTP.
 */
async function resolvePerson(deps: GrantDeps, name: PersonOption, upn: string): Promise<Caller> {
  const user = await deps.directory.getUser(upn);
  if (!user || user.type !== 'user')
    throw new UsageError(`--${name} '${upn}' is not a user in the directory; give the person's user principal name.`);
  return { upn: (user.userPrincipalName ?? upn).toLowerCase(), oid: user.id, roles: [...APP_ROLES] };
}

/** Options go through the API's own schemas, so the CLI refuses exactly what the API refuses. */
function options<S extends v.GenericSchema>(schema: S, value: Record<string, string | undefined>): v.InferOutput<S> {
  const present = Object.fromEntries(Object.entries(value).filter(([, x]) => x !== undefined));
  try {
    return parseWith(schema, present);
  } catch (error) {
    const problem = grantProblem(error);
    throw problem ? new UsageError(problem.message.replace(/\bassignmentGuid\b/g, '--assignment')) : error;
  }
}

const SUBCOMMANDS: Record<string, { takesId: boolean; run(inv: Invocation): Promise<Outcome> }> = {
  request: {
    takesId: false,
    async run({ values, deps }) {
      for (const name of ['principal', 'duration', 'justification', 'ticket'] as const) required(values, name);
      const requesterName = personName(values, 'requester');
      const body = options(requestGrantBody, {
        principal: values.principal,
        duration: values.duration,
        justification: values.justification,
        ticket: values.ticket,
        start: values.start,
      });
      const requester = await resolvePerson(deps(), 'requester', requesterName);
      return {
        grant: await requestGrant(deps(), requester, {
          principal: body.principal,
          durationMs: body.duration,
          justification: body.justification,
          ticket: body.ticket,
          startsAt: body.start,
        }),
      };
    },
  },
  approve: {
    takesId: true,
    async run({ values, id, deps }) {
      const approver = await resolvePerson(deps(), 'approver', personName(values, 'approver'));
      return { grant: await approveGrant(deps(), approver, id) };
    },
  },
  deny: {
    takesId: true,
    async run({ values, id, deps }) {
      const approverName = personName(values, 'approver');
      const { reason } = options(reasonBody, { reason: values.reason });
      return { grant: await denyGrant(deps(), await resolvePerson(deps(), 'approver', approverName), id, reason) };
    },
  },
  cancel: {
    takesId: true,
    async run({ values, id, deps }) {
      const actorName = personName(values, 'actor');
      const { reason } = options(reasonBody, { reason: values.reason });
      return { grant: await cancelGrant(deps(), await resolvePerson(deps(), 'actor', actorName), id, reason) };
    },
  },
  release: {
    takesId: true,
    async run({ values, id, deps }) {
      const actorName = personName(values, 'actor');
      const { reason } = options(reasonBody, { reason: values.reason });
      return { grant: await releaseGrant(deps(), await resolvePerson(deps(), 'actor', actorName), id, reason) };
    },
  },
  extend: {
    takesId: true,
    async run({ values, id, deps }) {
      const requesterName = personName(values, 'requester');
      const body = options(extendGrantBody, {
        duration: required(values, 'duration'),
        justification: required(values, 'justification'),
      });
      return {
        grant: await extendGrant(deps(), await resolvePerson(deps(), 'requester', requesterName), id, {
          durationMs: body.duration,
          justification: body.justification,
        }),
      };
    },
  },
  adopt: {
    takesId: false,
    async run({ values, deps }) {
      const approverName = personName(values, 'approver');
      const body = options(adoptGrantBody, {
        assignmentGuid: required(values, 'assignment'),
        duration: required(values, 'duration'),
        justification: required(values, 'justification'),
        ticket: required(values, 'ticket'),
      });
      return {
        grant: await adoptGrant(deps(), await resolvePerson(deps(), 'approver', approverName), {
          assignmentGuid: body.assignmentGuid,
          durationMs: body.duration,
          justification: body.justification,
          ticket: body.ticket,
        }),
      };
    },
  },
  get: {
    takesId: true,
    run: async ({ id, deps }) => ({ grant: await getGrant(deps(), operator(WATCHDOG_ACTOR), id) }),
  },
  list: {
    takesId: false,
    async run({ values, deps }) {
      const query = options(listGrantsQuery, { status: values.status, principal: values.principal });
      return {
        grants: await listGrants(deps(), operator(WATCHDOG_ACTOR), {
          status: query.status,
          principal: query.principal,
        }),
      };
    },
  },
  activate: { takesId: false, run: async ({ deps }) => activateDueGrants(deps()) },
};

function withoutEtag(key: string, value: unknown): unknown {
  return key === 'etag' ? undefined : value;
}

function line(g: Grant): string {
  const until = g.expiresAt ? ` until ${g.expiresAt}` : g.startsAt ? ` from ${g.startsAt}` : '';
  return `${g.id}  ${g.status.padEnd(9)} ${g.principal}  ${formatDuration(g.durationMs)}${until}  ticket ${g.ticket}  requested by ${g.requestedBy}${g.extension ? '  (extension pending)' : ''}`;
}

function describe(sub: string, outcome: Outcome): string {
  if ('grants' in outcome) return outcome.grants.length ? outcome.grants.map(line).join('\n') : 'No grants.';
  if ('activated' in outcome) {
    const parts = [`Activated ${outcome.activated.length} grant(s).`, ...outcome.activated.map(line)];
    for (const f of outcome.failed) parts.push(`Failed ${f.grantId}: ${f.error}`);
    return parts.join('\n');
  }
  const { grant } = outcome;
  const head = `grant ${sub}: ${line(grant)}`;
  return grant.status === 'active' && (sub === 'approve' || sub === 'adopt') ? `${head}\n${PROPAGATION_NOTE}` : head;
}
