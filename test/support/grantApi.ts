/**
 * The grant API under test: the real handler on a runtime whose Exchange, Graph and ACS are the
 * tenant emulator and whose store is Azurite, with a ManualClock and tokens from a loopback issuer.
 * Requests are built with `new HttpRequest(...)` exactly as the Functions host builds them.
 */
import { randomUUID } from 'node:crypto';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { createGrantHttpHandler, type GrantHttpHandler } from '../../lib/triggers/grantHttpHandler.js';
import type { AppRole } from '../../lib/caller.js';
import { createAuthenticator } from '../../lib/auth/authenticator.js';
import type { ManualClock } from '../../lib/clock.js';
import type { Grant } from '../../lib/domain.js';
import type { JournalEntry } from '../../lib/ports/index.js';
import type { RunningEmulator } from '../../emulator/index.js';
import { journalEntries, upn } from '../../testkit/fixtures.js';
import { startTestRuntime, type TestRuntime } from './runtime.js';
import { startTestIssuer, type TestIssuer, type TokenUser } from './tokens.js';

export const APPROVERS = 'security-approvers@contoso.onmicrosoft.com';
const person = (local: string, ...roles: AppRole[]): TokenUser => ({ upn: upn(local), roles });

/** The seed tenant's cast, with the app roles the tests give them. */
export const USERS = {
  megan: person('meganb', 'Grant.Request'),
  lidia: person('lidiah', 'Grant.Approve'),
  patti: person('pattif', 'Grant.Approve'),
  adele: person('adelev', 'Grant.Request'),
  /** An approver who also requests: may approve others' requests, never their own. */
  grady: person('gradya', 'Grant.Request', 'Grant.Approve'),
  auditor: person('johannal', 'Audit.Read'),
  nobody: person('nestorw'),
} as const;

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

export interface CallOptions {
  /** Signed-in user; null sends no Authorization header. */
  as?: TokenUser | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  /** Collects what the handler logs, as "level: message". */
  logs?: string[];
}

export interface GrantApi {
  clock: ManualClock;
  runtime: TestRuntime;
  emulator: RunningEmulator;
  issuer: TestIssuer;
  handler: GrantHttpHandler;
  call(method: string, path: string, options?: CallOptions): Promise<ApiResponse>;
  grant(id: string): Promise<Grant | undefined>;
  journal(): Promise<JournalEntry[]>;
  stop(): Promise<void>;
}

export async function startGrantApi(options: { env?: Record<string, string>; start?: string } = {}): Promise<GrantApi> {
  let clock: () => Date = () => new Date();
  const issuer = await startTestIssuer(() => clock());
  const runtime = await startTestRuntime({
    start: options.start ?? '2026-11-02T09:00:00Z',
    env: {
      WATCHDOG_APPROVER_RECIPIENTS: APPROVERS,
      ...issuer.settings,
      ...options.env,
    },
  });
  clock = () => runtime.clock.now();
  const handler = createGrantHttpHandler({
    deps: runtime,
    authenticate: createAuthenticator(runtime.config.auth, runtime.clock),
  });

  async function call(method: string, path: string, o: CallOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    const user = o.as === undefined ? USERS.megan : o.as;
    if (user) headers.authorization = `Bearer ${await issuer.token(user)}`;
    let body: string | undefined = o.rawBody;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] = 'application/json';
    }
    Object.assign(headers, o.headers);
    const request = new HttpRequest({
      method,
      url: `http://localhost:7071/api/grants${path}`,
      headers,
      body: body === undefined ? undefined : { string: body },
    });
    const logs = o.logs;
    const context = new InvocationContext({
      invocationId: randomUUID(),
      functionName: 'grantRequest',
      ...(logs
        ? {
            logHandler: (level: string, ...args: unknown[]) =>
              void logs.push(`${level}: ${args.map(String).join(' ')}`),
          }
        : {}),
    });
    const response = await handler(request, context);
    const text = typeof response.body === 'string' ? response.body : '';
    return {
      status: response.status ?? 200,
      headers: new Headers(response.headers),
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      text,
    };
  }

  return {
    clock: runtime.clock,
    runtime,
    emulator: runtime.emulator,
    issuer,
    handler,
    call,
    grant: (id) => runtime.store.grants.get(id),
    journal: () => journalEntries(runtime.store),
    async stop() {
      await issuer.stop();
      await runtime.stop();
    },
  };
}

/** A valid request body for the demo grantee. */
export function requestBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    principal: upn('adelev'),
    duration: 'PT8H',
    justification: 'PST export for legal hold LH-7',
    ticket: 'CHG-1042',
    ...overrides,
  };
}
