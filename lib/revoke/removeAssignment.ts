/**
 * Removes one management role assignment by Guid and reads it back. Before removing, the live
 * assignment is checked against what the caller expects to remove, so a recycled Guid, a changed
 * assignee or a delegating assignment is refused rather than removed. Both reads only count an answer
 * that is this Guid: Exchange may answer an unknown identity with every assignment, which must read as
 * "gone", never as "still present" nor as something to remove.
 */
import { performance } from 'node:perf_hooks';
import type { RoleAssignment } from '../domain.js';
import type { ExchangeRbac } from '../ports/index.js';

/** The assignment is not the one the watchdog means to remove: nothing was changed. */
export class RemovalRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemovalRefusedError';
  }
}

/** The removal call succeeded but the read-back still finds the assignment (or member). */
export class RemovalNotVerifiedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemovalNotVerifiedError';
  }
}

export interface RemovalResult {
  /** 'absent' when it was already gone: a retried or repeated removal is still a success. */
  outcome: 'removed' | 'absent';
}

export interface ExpectedAssignment {
  role: string;
  /** Names the assignee may be reported under (recipient name, UPN, object id, appId), any case. */
  assignee: string[];
}

function matches(live: RoleAssignment, expected: ExpectedAssignment): string | undefined {
  if (live.delegationType !== 'Regular')
    return `it is a ${live.delegationType} assignment, which only lets its holder assign the role and is never removed`;
  if (live.role.toLowerCase() !== expected.role.toLowerCase())
    return `it is for role ${live.role}, not ${expected.role}`;
  const names = new Set(expected.assignee.filter(Boolean).map((n) => n.toLowerCase()));
  if (![live.roleAssignee, live.roleAssigneeName].some((n) => n && names.has(n.toLowerCase()))) {
    return `it is assigned to ${live.roleAssigneeName || live.roleAssignee}, not ${expected.assignee.filter(Boolean).join(' / ')}`;
  }
  return undefined;
}

/** The assignment of exactly this Guid, or undefined: another assignment in the answer is not this one. */
async function readBack(exchange: ExchangeRbac, guid: string): Promise<RoleAssignment | undefined> {
  const found = await exchange.getRoleAssignment(guid);
  return found && found.guid.toLowerCase() === guid.toLowerCase() ? found : undefined;
}

export async function removeAssignmentVerified(
  exchange: ExchangeRbac,
  guid: string,
  expected: ExpectedAssignment,
): Promise<RemovalResult> {
  if (!guid.trim())
    throw new RemovalRefusedError(
      'An assignment without a Guid was not removed: an empty identity would address every assignment.',
    );
  const live = await readBack(exchange, guid);
  if (!live) return { outcome: 'absent' };
  const mismatch = matches(live, expected);
  if (mismatch)
    throw new RemovalRefusedError(
      `Assignment ${live.name} (${guid}) was not removed: ${mismatch}. Check it in Exchange (Get-ManagementRoleAssignment -Identity ${guid}).`,
    );
  const outcome = await exchange.removeRoleAssignment(guid);
  const after = await readBack(exchange, guid);
  if (after)
    throw new RemovalNotVerifiedError(
      `Assignment ${live.name} (${guid}) is still present after Remove-ManagementRoleAssignment; the next run tries again.`,
    );
  return { outcome };
}

/** A verified removal's outcome and how long removing and reading back took, or why it failed. */
export type TimedRemoval = (RemovalResult & { durationMs: number }) | { error: string };

/** removeAssignmentVerified, timed, with a failure as a value: the run reports it and goes on with the next. */
export async function timedRemoval(
  exchange: ExchangeRbac,
  guid: string,
  expected: ExpectedAssignment,
): Promise<TimedRemoval> {
  const started = performance.now();
  try {
    const { outcome } = await removeAssignmentVerified(exchange, guid, expected);
    return { outcome, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
