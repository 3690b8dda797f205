/**
 * Activity in the tenant by someone other than the watchdog, for the usage ledger's tests and demos:
 * - `POST /_emulator/act` `{"as": "<UPN or appId>", "cmdlet": "Get-RecoverableItems", "parameters": {...}}` runs a
 *   cmdlet that needs Mailbox Import Export as that person, who must hold the role now as the permission cache sees
 *   it (propagation included), else 403; the cmdlet's audit record names them.
 * - `POST /_emulator/audit-records` `{"operation", "recordType", "userPrincipalName", "objectId"?, "createdDateTime"?,
 *   "parameters"?, "auditData"?}` appends a record the emulator has no service for (MailItemsAccessed by an app,
 *   an eDiscovery export); the audit log query endpoints then return it like any other.
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorContext } from './context.js';
import { bindParameters, CMDLETS } from './exchange/cmdlets.js';
import type { Reply } from './http.js';
import { CmdletError } from './tenantState.js';

/** The cmdlets a holder of the power runs; the emulator's other cmdlets are the watchdog's own. */
const USE_CMDLETS = ['Get-RecoverableItems', 'Restore-RecoverableItems'];
/** Paths that give Mailbox Import Export itself, not a Graph or eDiscovery export permission. */
const MIE_PATHS = new Set(['direct', 'role-group', 'security-group', 'organization-management', 'service-principal']);

const problem = (status: number, message: string): Reply => ({
  status,
  body: { error: { code: status === 403 ? 'Forbidden' : 'BadRequest', message } },
});

export function actAs(ctx: EmulatorContext, b: Record<string, unknown>): Reply {
  const name = USE_CMDLETS.find((c) => typeof b.cmdlet === 'string' && c.toLowerCase() === b.cmdlet.toLowerCase());
  if (typeof b.as !== 'string' || !b.as.trim() || !name)
    return problem(
      400,
      `Send {"as": "<UPN or appId>", "cmdlet": "${USE_CMDLETS.join('" | "')}", "parameters": {...}}.`,
    );
  const { state } = ctx;
  const user = state.userByUpnOrId(b.as);
  const app = user ? undefined : state.servicePrincipalByAppId(b.as);
  if (!user && !app) return problem(400, `No user or app '${b.as}' in the tenant.`);
  if (!state.exportPaths(b.as).some((p) => MIE_PATHS.has(p.via)))
    return problem(403, `${b.as} does not hold Mailbox Import Export now, so ${name} is not available to them.`);
  const spec = CMDLETS[name] as (typeof CMDLETS)[string];
  const run = {
    identityReturnsAll: ctx.exchange.identityReturnsAll,
    actor: user?.userPrincipalName.toLowerCase() ?? app?.appId,
  };
  try {
    const rows = spec.run(state, bindParameters(name, spec, b.parameters ?? {}, run), run);
    return { status: 200, body: { cmdlet: name, as: run.actor, value: rows } };
  } catch (error) {
    if (error instanceof CmdletError) return problem(error.httpStatus, error.message);
    throw error;
  }
}

const GRAPH_RECORD_TYPE = /^[a-z][A-Za-z0-9]*$/;

export function appendAuditRecord(ctx: EmulatorContext, b: Record<string, unknown>): Reply {
  const text = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  if (
    !text(b.operation) ||
    !text(b.userPrincipalName) ||
    typeof b.recordType !== 'string' ||
    !GRAPH_RECORD_TYPE.test(b.recordType)
  )
    return problem(
      400,
      'operation, userPrincipalName and recordType (an auditLogRecordType such as exchangeItemAggregated) are required.',
    );
  if (
    b.createdDateTime !== undefined &&
    (typeof b.createdDateTime !== 'string' || Number.isNaN(Date.parse(b.createdDateTime)))
  )
    return problem(400, 'createdDateTime must be an ISO 8601 time.');
  const parameters = b.parameters ?? [];
  if (
    !Array.isArray(parameters) ||
    !parameters.every(
      (p) => text((p as { Name?: unknown })?.Name) && typeof (p as { Value?: unknown }).Value === 'string',
    )
  )
    return problem(400, 'parameters must be [{"Name": "...", "Value": "..."}].');
  const auditData = b.auditData ?? {};
  if (
    typeof auditData !== 'object' ||
    Array.isArray(auditData) ||
    !Object.values(auditData).every((v) => typeof v === 'string' || typeof v === 'number')
  )
    return problem(400, 'auditData must be an object of strings and numbers.');
  const record = {
    id: randomUUID(),
    createdDateTime: new Date(b.createdDateTime ?? ctx.state.clock.now()).toISOString(),
    recordType: b.recordType,
    operation: (b.operation as string).trim(),
    userPrincipalName: (b.userPrincipalName as string).trim(),
    objectId: typeof b.objectId === 'string' ? b.objectId : '',
    parameters: (parameters as { Name: string; Value: string }[]).map((p) => ({ Name: p.Name, Value: p.Value })),
    auditData: { ...(auditData as Record<string, string | number>) },
  };
  ctx.state.auditRecords.push(record);
  return { status: 201, body: record };
}
