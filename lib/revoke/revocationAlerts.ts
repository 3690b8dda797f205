/**
 * The run-level alerts of a revocation run: the mass-removal guard stopped it, or holders need a person.
 * One alert per distinct situation: the key changes only when the set it is about changes.
 */
import { createHash } from 'node:crypto';
import { WATCHDOG_ACTOR } from '../grants/grantDeps.js';
import type { AlertIntent } from '../ports/index.js';
import { sendAlertOnce } from './alertOnce.js';
import type { MassRemovalBlock, Protection, RevocationPlan } from './planRevocations.js';
import type { Leftover } from './reconcileGrantAssignments.js';
import { needsPersonNotice, revocationBlockedNotice } from './revocationMessages.js';
import type { RevokeDeps } from './revokeExpired.js';
import { summarizeTargets } from './targetSummary.js';

/** A key that changes only when the set it summarises changes: one alert per distinct situation. */
function setKey(prefix: string, items: string[]): string {
  return `${prefix}/${createHash('sha256')
    .update([...items].sort().join('\n'))
    .digest('hex')
    .slice(0, 16)}`;
}

/** Returns the alert's key. */
export async function alertBlocked(
  deps: RevokeDeps,
  plan: RevocationPlan,
  leftovers: Leftover[],
  intentOf: Map<string, AlertIntent>,
): Promise<string> {
  const block = plan.blocked as MassRemovalBlock;
  const targets = [
    ...plan.removals.map((r) => (r.kind === 'grant' ? `grant:${r.grant.id}` : `assignment:${r.assignment.guid}`)),
    ...leftovers.map((l) => `assignment:${l.assignment.guid}`),
  ];
  const key = setKey('revoke/blocked', targets);
  const notice = revocationBlockedNotice(
    block,
    plan.removals,
    leftovers,
    key,
    deps.config.email.alertRecipients,
    deps.clock.now().toISOString(),
  );
  deps.logger.error(`Revocation stopped by the mass-removal guard: ${block.reason}. Nothing was removed.`, {
    removals: block.removals,
    currentHolders: block.currentHolders,
  });
  // The plan can hold thousands of targets: the entry keeps their count, hash and first names (bounded).
  const entry = {
    id: `revoke.blocked|${key}`,
    type: 'revoke.blocked' as const,
    actor: WATCHDOG_ACTOR,
    subject: key,
    reason: block.reason,
    data: { ...block, ...summarizeTargets(targets) },
  };
  await sendAlertOnce(deps, notice, [entry], intentOf.get(key));
  return key;
}

/** Group paths, app roles and break-glass are a person's call: one alert per distinct set. Returns its key, if any. */
export async function alertNeedsPerson(
  deps: RevokeDeps,
  protections: Protection[],
  intentOf: Map<string, AlertIntent>,
): Promise<string | undefined> {
  const manual = protections.filter(
    (p) =>
      p.reason === 'group-path' ||
      p.reason === 'graph-app-role' ||
      p.reason === 'other-door' ||
      p.reason === 'break-glass' ||
      p.reason === 'assignment-unknown',
  );
  if (manual.length === 0) return undefined;
  const key = setKey(
    'revoke/needs-person',
    manual.map((p) => `${p.reason}:${p.holder?.key ?? p.grant?.id ?? p.principal}`),
  );
  await sendAlertOnce(
    deps,
    needsPersonNotice(manual, key, deps.config.email.alertRecipients, deps.clock.now().toISOString()),
    [],
    intentOf.get(key),
  );
  return key;
}
