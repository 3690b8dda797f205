import type { Clock } from './ports.js';

export const systemClock: Clock = { now: () => new Date() };

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
