/** The emulator's time source: real time unless a test or the local stack hands it a clock of its own. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
