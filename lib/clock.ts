import type { Clock } from './ports/index.js';

export const systemClock: Clock = { now: () => new Date() };

/** Starts at `start` and runs at real speed: CLI processes of the local stack share one pinned timeline. */
export function offsetClock(start: Date, realNow: () => number = Date.now): Clock {
  const offset = start.getTime() - realNow();
  return { now: () => new Date(realNow() + offset) };
}

/** The process clock the settings ask for: the real one, or on the local stack WATCHDOG_LOCAL_CLOCK. */
export function clockFor(config: { localClockStart?: Date }): Clock {
  return config.localClockStart ? offsetClock(config.localClockStart) : systemClock;
}

/** A clock that moves only when told: tests and the demo step through expiry without waiting. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): Date {
    this.current += ms;
    return this.now();
  }
  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }
}
