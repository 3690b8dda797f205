/**
 * `mie-watchdog grant ...`: the grant lifecycle from the command line. The operator runs it with
 * the app's own credentials and is trusted with every app role, but the grant policy still
 * applies: the named approver cannot approve their own request, durations are bounded, and so on.
 */
import { hostname, userInfo } from 'node:os';
import * as v from 'valibot';
import {
  adoptGrantBody,
  extendGrantBody,
  GRANT_STATUSES,
  grantIdSchema,
  listGrantsQuery,
  reasonBody,
  requestGrantBody,
  upnSchema,
} from '../lib/api/grantBodies.js';
import { grantProblem } from '../lib/api/grantProblems.js';
import { APP_ROLES, type ActorChannel, type Caller } from '../lib/caller.js';
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
import {
  jsonFlag,
  runSpec,
  UsageError,
  type CommandSpec,
  type FlagInput,
  type GroupSpec,
  type LeafSpec,
} from './command.js';
import { reportError } from './errors.js';
import type { CliIo } from './io.js';

type Outcome =
  | { grant: Grant }
  | { grants: Grant[] }
  | { activated: Grant[]; skipped: string[]; failed: { grantId: string; error: string }[] };

type PersonFlag = 'requester' | 'approver' | 'actor';

/** The flag that carries each API field, so the API's problems name what the person typed. */
const FIELD_FLAGS: Record<string, string> = { assignmentGuid: 'assignment' };

const operator = (upn: string): Caller => ({ upn, roles: [...APP_ROLES] });

/** The named person's UPN, checked before anything is read. */
function personName(input: FlagInput, name: PersonFlag): string {
  const text = input.text(name);
  if (text === undefined) return '';
  const result = v.safeParse(upnSchema, text);
  const normalized = result.success ? normalizeUpn(result.output) : undefined;
  if (!normalized || 'problem' in normalized) {
    input.problem(`--${name}`, `--${name} must be a user principal name such as lidiah@contoso.onmicrosoft.com.`);
    return '';
  }
  return normalized.upn;
}

/** A grant id argument: a GUID. */
/** `--reason`, checked by the API's own schema (deny, cancel and release take the same one). */
function reasonOf(input: FlagInput): string | undefined {
  return input.schema(reasonBody, { reason: input.text('reason') }, FIELD_FLAGS)?.reason;
}

function grantId(input: FlagInput): string {
  const id = input.args[0] ?? '';
  if (input.args.length === 1 && !v.safeParse(grantIdSchema, id).success)
    input.problem('<id>', `'${id}' is not a grant id (a GUID); use "grant list" to find it.`);
  return id;
}

/**
 * All the command line knows of who decides: the operating-system account and host that ran it. The person
 * named by --approver is what the operator asserts, and the journal says so (channel `cli`).
 */
function cliChannel(): ActorChannel {
  let osUser: string;
  try {
    osUser = userInfo().username;
  } catch {
    // No account entry for the process's uid (some containers): the environment is all there is.
    osUser = process.env.USER ?? process.env.USERNAME ?? `uid ${process.getuid?.() ?? 'unknown'}`;
  }
  return { kind: 'cli', osUser, host: hostname(), operatorAsserted: true };
}

/**
 * The command line names people by UPN, free text; who they are is their directory object id, looked up
 * in Graph as the grantee's is, so four eyes compare the same identity here as over HTTP.
 */
async function resolvePerson(deps: GrantDeps, name: PersonFlag, upn: string): Promise<Caller> {
  const user = await deps.directory.getUser(upn);
  if (!user || user.type !== 'user')
    throw new UsageError([
      {
        name: `--${name}`,
        message: `--${name} '${upn}' is not a user in the directory; give the person's user principal name.`,
      },
    ]);
  return {
    upn: (user.userPrincipalName ?? upn).toLowerCase(),
    oid: user.id,
    roles: [...APP_ROLES],
    channel: cliChannel(),
  };
}

const ID = [{ name: 'id', description: 'grant id' }];
const flag = (name: string, value: string, description: string, required = false) => ({
  name,
  value,
  description,
  required,
});
const DURATION = 'DURATION';
const durationHelp = 'how long, such as 4h, 3d, 90m, 1d12h or PT4H';

/**
 * Every grant subcommand on the deps given (tests pass a runtime on the emulator). `decide` runs one use
 * case; a refusal by the grant policy is reported here, with the API's status, and exits 1.
 */
function grantSpec(makeDeps: () => GrantDeps): GroupSpec {
  let made: GrantDeps | undefined;
  /** Built only when a subcommand runs, so a usage error never needs settings. */
  const deps = () => (made ??= makeDeps());
  const sub = <T extends { json: boolean }>(
    spec: Omit<LeafSpec<T>, 'run'> & { decide(values: T): Promise<Outcome> },
  ): LeafSpec<T> => ({
    ...spec,
    flags: [...spec.flags, jsonFlag()],
    async run(values, io) {
      try {
        const outcome = await spec.decide(values);
        io.out(values.json ? JSON.stringify(outcome, null, 2) : describe(spec.name, outcome));
        return 'failed' in outcome && outcome.failed.length > 0 ? 1 : 0;
      } catch (error) {
        const problem = error instanceof UsageError ? undefined : grantProblem(error);
        if (!problem) throw error;
        reportError(
          io,
          values.json,
          { code: 'refused', message: problem.message, status: problem.status, title: problem.title },
          `grant ${spec.name} refused: ${problem.message}`,
        );
        return 1;
      }
    },
  });
  const reasonFlag = flag('reason', 'TEXT', 'why, for the record and the email');
  /** A decision one person takes on one grant (approve, deny, cancel): the same flags, another use case. */
  const decision = (
    name: string,
    summary: string,
    person: 'approver' | 'actor',
    who: string,
    decideWith: (deps: GrantDeps, caller: Caller, id: string, reason?: string) => Promise<Grant>,
  ) =>
    sub({
      name,
      summary,
      args: ID,
      flags: [flag(person, 'UPN', who, true), reasonFlag],
      parse: (input) => ({
        json: input.bool('json'),
        id: grantId(input),
        upn: personName(input, person),
        reason: reasonOf(input),
      }),
      async decide({ id, upn, reason }) {
        return { grant: await decideWith(deps(), await resolvePerson(deps(), person, upn), id, reason) };
      },
    });

  return {
    name: 'grant',
    summary: 'request, approve, deny, extend, release, adopt and list grants',
    description:
      "The grant lifecycle from the command line. The operator runs it with the app's own credentials and is trusted with every app role, but the grant policy still applies: the requester cannot approve their own request, durations are bounded, and so on.",
    commands: [
      sub({
        name: 'request',
        summary: 'ask for a time-boxed grant of Mailbox Import Export',
        flags: [
          flag('principal', 'UPN', 'who gets the role', true),
          flag('duration', DURATION, durationHelp, true),
          flag('justification', 'TEXT', 'why the role is needed', true),
          flag('ticket', 'ID', 'the change ticket, such as CHG-1042', true),
          flag('requester', 'UPN', 'who asks (cannot approve it)', true),
          flag('start', 'ISO', 'start later than on approval (ISO 8601 date-time with a zone)'),
        ],
        parse: (input) => ({
          json: input.bool('json'),
          requester: personName(input, 'requester'),
          body: input.schema(
            requestGrantBody,
            {
              principal: input.text('principal'),
              duration: input.duration('duration'),
              justification: input.text('justification'),
              ticket: input.text('ticket'),
              start: input.text('start'),
            },
            FIELD_FLAGS,
          ),
        }),
        async decide({ requester, body }) {
          const by = await resolvePerson(deps(), 'requester', requester);
          return {
            grant: await requestGrant(deps(), by, {
              principal: body.principal,
              durationMs: body.duration,
              justification: body.justification,
              ticket: body.ticket,
              startsAt: body.start,
            }),
          };
        },
      }),
      decision(
        'approve',
        'approve a pending request or extension (not your own)',
        'approver',
        'who approves',
        approveGrant,
      ),
      decision('deny', 'deny a pending request or extension (--reason required)', 'approver', 'who denies', denyGrant),
      decision('cancel', 'withdraw a request before it is active', 'actor', 'who cancels', cancelGrant),
      sub({
        name: 'extend',
        summary: 'ask for more time on an active grant (approved like a request)',
        args: ID,
        flags: [
          flag('duration', DURATION, `${durationHelp}, added to the current end`, true),
          flag('justification', 'TEXT', 'why more time is needed', true),
          flag('requester', 'UPN', 'who asks', true),
        ],
        parse: (input) => ({
          json: input.bool('json'),
          id: grantId(input),
          requester: personName(input, 'requester'),
          body: input.schema(
            extendGrantBody,
            { duration: input.duration('duration'), justification: input.text('justification') },
            FIELD_FLAGS,
          ),
        }),
        async decide({ id, requester, body }) {
          const by = await resolvePerson(deps(), 'requester', requester);
          return {
            grant: await extendGrant(deps(), by, id, { durationMs: body.duration, justification: body.justification }),
          };
        },
      }),
      sub({
        name: 'release',
        summary: 'give the role back early; removal is verified',
        args: ID,
        flags: [flag('actor', 'UPN', 'who releases', true), reasonFlag],
        parse: (input) => ({
          json: input.bool('json'),
          id: grantId(input),
          actor: personName(input, 'actor'),
          reason: reasonOf(input),
        }),
        async decide({ id, actor, reason }) {
          return { grant: await releaseGrant(deps(), await resolvePerson(deps(), 'actor', actor), id, reason) };
        },
      }),
      sub({
        name: 'adopt',
        summary: 'bring an existing direct assignment under a time-boxed grant',
        flags: [
          flag('assignment', 'GUID', 'the Guid of the existing role assignment', true),
          flag('duration', DURATION, durationHelp, true),
          flag('justification', 'TEXT', 'why the assignment stays for now', true),
          flag('ticket', 'ID', 'the change ticket', true),
          flag('approver', 'UPN', 'who approves keeping it', true),
        ],
        parse: (input) => ({
          json: input.bool('json'),
          approver: personName(input, 'approver'),
          body: input.schema(
            adoptGrantBody,
            {
              assignmentGuid: input.text('assignment'),
              duration: input.duration('duration'),
              justification: input.text('justification'),
              ticket: input.text('ticket'),
            },
            FIELD_FLAGS,
          ),
        }),
        async decide({ approver, body }) {
          return {
            grant: await adoptGrant(deps(), await resolvePerson(deps(), 'approver', approver), {
              assignmentGuid: body.assignmentGuid,
              durationMs: body.duration,
              justification: body.justification,
              ticket: body.ticket,
            }),
          };
        },
      }),
      sub({
        name: 'get',
        summary: 'show one grant',
        args: ID,
        flags: [],
        parse: (input) => ({ json: input.bool('json'), id: grantId(input) }),
        decide: async ({ id }) => ({ grant: await getGrant(deps(), operator(WATCHDOG_ACTOR), id) }),
      }),
      sub({
        name: 'list',
        summary: 'list grants, newest first',
        flags: [
          flag('status', 'LIST', `comma-separated statuses: ${GRANT_STATUSES.join(', ')}`),
          flag('principal', 'UPN', 'only grants of this principal'),
        ],
        parse: (input) => ({
          json: input.bool('json'),
          query: input.schema(
            listGrantsQuery,
            { status: input.text('status'), principal: input.text('principal') },
            FIELD_FLAGS,
          ),
        }),
        async decide({ query }) {
          return {
            grants: await listGrants(deps(), operator(WATCHDOG_ACTOR), {
              status: query.status,
              principal: query.principal,
            }),
          };
        },
      }),
      sub({
        name: 'activate',
        summary: 'activate approved grants whose start time has come',
        flags: [],
        parse: (input) => ({ json: input.bool('json') }),
        decide: () => activateDueGrants(deps()),
      }),
    ],
  };
}

/** Runs `grant <subcommand> ...` with the deps given (tests pass a runtime on the emulator). */
export function runGrant(args: string[], io: CliIo, makeDeps: () => GrantDeps): Promise<number> {
  return runSpec(grantSpec(makeDeps), args, io);
}

export function command(io: CliIo): CommandSpec {
  return grantSpec(() => createRuntime(loadConfig(io.env)));
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
