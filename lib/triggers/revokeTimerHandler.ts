/**
 * The revokeExpired timer's handler, built around a deps getter so that the function file stays a
 * one-line binding and tests call the real handler with `new InvocationContext(...)` on their runtime.
 */
import type { InvocationContext, Timer } from '@azure/functions';
import { invocationLogger } from '../invocationLogger.js';
import { runRevokeSchedule, type RevokeScheduleDeps, type RevokeScheduleResult } from '../revoke/runRevokeSchedule.js';

export type RevokeTimerHandler = (timer: Timer, context: InvocationContext) => Promise<RevokeScheduleResult>;

export function createRevokeTimerHandler(deps: () => RevokeScheduleDeps): RevokeTimerHandler {
  return async (timer, context) => {
    if (timer.isPastDue) context.warn('The revokeExpired timer is past due; running now.');
    const result = await runRevokeSchedule({ ...deps(), logger: invocationLogger(context) });
    const r = result.revocation;
    context.log(
      `Revocation${r.dryRun ? ' (dry run)' : ''}: ${result.activation.activated.length} activated, ${result.lapse.lapsed.length} request(s) lapsed, ${r.planned.length} planned, ${r.removed.length} removed and verified, ` +
        `${r.failed.length} failed, ${r.reminders.length} reminder(s)${r.blocked ? `; BLOCKED: ${r.blocked.reason}` : ''}.`,
    );
    // A channel that refused a notice keeps it in the outbox; the run says so where operators look.
    for (const c of result.outbox?.channels ?? [])
      if (c.errors.length)
        context.warn(`${c.channel} channel: ${c.waiting} notice(s) wait in the outbox; ${c.errors.join('; ')}`);
    // Failures were escalated by email already; failing the invocation makes them visible in Application Insights too.
    const failures = r.failed.length + result.activation.failed.length + result.lapse.failed.length;
    if (failures > 0 || r.blocked) {
      throw new Error(
        `revokeExpired: ${failures} failure(s)${r.blocked ? ', mass-removal guard stopped the run' : ''}; see the security team alert and the journal.`,
      );
    }
    return result;
  };
}
