/** A grant (and each extension) lasts between WATCHDOG_GRANT_MIN_DURATION and WATCHDOG_GRANT_MAX_DURATION. */
import { formatDuration } from '../../duration.js';
import { InvalidGrantInputError } from '../grantErrors.js';

export interface DurationBounds {
  minDurationMs: number;
  maxDurationMs: number;
}

export function checkDurationBounds(field: string, durationMs: number, bounds: DurationBounds): void {
  if (durationMs < bounds.minDurationMs || durationMs > bounds.maxDurationMs) {
    throw new InvalidGrantInputError(
      field,
      `${field} ${formatDuration(durationMs)} is outside the allowed range ${formatDuration(bounds.minDurationMs)} to ${formatDuration(bounds.maxDurationMs)} (WATCHDOG_GRANT_MIN_DURATION / WATCHDOG_GRANT_MAX_DURATION).`,
    );
  }
}
