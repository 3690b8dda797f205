/**
 * The auditTimer's handler, built around a runtime getter so that the function file stays a binding
 * and tests call the real handler with `new InvocationContext(...)` on their own runtime.
 */
import type { InvocationContext, Timer } from '@azure/functions';
import { invocationLogger } from '../invocationLogger.js';
import { type Runtime, auditOptions } from '../runtime.js';
import { runAudit, type AuditResult } from '../audit/runAudit.js';

export type AuditTimerHandler = (timer: Timer, context: InvocationContext) => Promise<AuditResult>;

export function createAuditTimerHandler(runtime: () => Runtime): AuditTimerHandler {
  return async (timer, context) => {
    const rt = runtime();
    if (timer.isPastDue) context.warn('The audit timer is past due; running now.');
    // A failed run throws (after recording it), so the invocation shows as failed in Application Insights.
    const result = await runAudit({ ...rt, logger: invocationLogger(context) }, auditOptions(rt.config));
    context.log(
      `Audit: ${result.holders.length} holders, ${result.findings.length} open findings (${result.opened.length} new, ${result.resolved.length} resolved), ` +
        `${result.breakGlass.length} break-glass holder(s), snapshot v${result.snapshotVersion}${result.snapshotChanged ? ' (changed)' : ''}.`,
    );
    // A stale usage ledger does not fail the run; it shows as a warning of the invocation.
    if (result.usage?.status === 'stale') context.warn(`Usage ledger stale: ${result.usage.warning ?? ''}`);
    return result;
  };
}
