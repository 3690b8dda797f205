/**
 * A requested start may not lie in the past (a little clock skew is forgiven) nor too far ahead:
 * approvers decide on what is known now, not on a migration months away.
 */
import { InvalidGrantInputError } from '../grantErrors.js';

export const START_SKEW_MS = 5 * 60_000;
export const MAX_START_AHEAD_MS = 90 * 86_400_000;

export function checkStartTime(startsAt: string | undefined, now: Date): void {
  if (startsAt === undefined) return;
  const at = Date.parse(startsAt);
  if (Number.isNaN(at)) throw new InvalidGrantInputError('start', `start '${startsAt}' is not an ISO 8601 date-time.`);
  if (at < now.getTime() - START_SKEW_MS)
    throw new InvalidGrantInputError('start', `start ${startsAt} is in the past; leave it out to start on approval.`);
  if (at > now.getTime() + MAX_START_AHEAD_MS)
    throw new InvalidGrantInputError(
      'start',
      `start ${startsAt} is more than 90 days ahead; request the grant closer to the migration.`,
    );
}
