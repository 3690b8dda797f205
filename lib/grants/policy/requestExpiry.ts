/**
 * A request waits WATCHDOG_REQUEST_TTL for a decision, and so does an extension request. After that it has
 * lapsed, whether or not the revoke timer has recorded it yet: nobody approves or denies what the requester
 * may long have stopped needing, so the decision is refused by time, not by the sweep having run.
 */
import { formatDuration } from '../../duration.js';
import { durationInWords } from '../../notify/humanTime.js';
import type { Grant } from '../../domain.js';
import { RequestLapsedError } from '../grantErrors.js';
import { decisionTarget } from './transitions.js';

export interface RequestTtl {
  requestTtlMs: number;
}

/** The request a decision would be about (the grant's own, or its pending extension), or undefined. */
export function openRequestOf(grant: Grant): { target: 'request' | 'extension'; requestedAt: string } | undefined {
  if (grant.status === 'pending') return { target: 'request', requestedAt: grant.requestedAt };
  if (decisionTarget(grant) === 'extension' && grant.extension)
    return { target: 'extension', requestedAt: grant.extension.requestedAt };
  return undefined;
}

/** When the open request lapses, or undefined when there is none. */
export function requestLapsesAt(grant: Grant, ttl: RequestTtl): string | undefined {
  const open = openRequestOf(grant);
  return open ? new Date(Date.parse(open.requestedAt) + ttl.requestTtlMs).toISOString() : undefined;
}

export function hasLapsed(grant: Grant, now: Date, ttl: RequestTtl): boolean {
  const at = requestLapsesAt(grant, ttl);
  return at !== undefined && Date.parse(at) <= now.getTime();
}

export function checkNotLapsed(grant: Grant, now: Date, ttl: RequestTtl): void {
  if (!hasLapsed(grant, now, ttl)) return;
  const what = openRequestOf(grant)?.target === 'extension' ? 'extension request of grant' : 'request for grant';
  throw new RequestLapsedError(
    `The ${what} ${grant.id} lapsed at ${requestLapsesAt(grant, ttl)}: nobody decided within ${durationInWords(ttl.requestTtlMs)} (WATCHDOG_REQUEST_TTL=${formatDuration(ttl.requestTtlMs)}), so it can no longer be approved or denied. Ask the requester to ask again if it is still needed.`,
  );
}
