/** What one test starts (servers, runtimes), stopped after it, so no test leaks one into the next. */
import { afterEach } from 'vitest';

/**
 * `start` wrapped so that everything it started in a test is stopped after that test (call once at the top of a test
 * file); `last()` is the one started last in this test.
 */
export function startedPerTest<Args extends unknown[], T>(
  start: (...args: Args) => Promise<T>,
  stop: (started: T) => Promise<void>,
): { start: (...args: Args) => Promise<T>; last: () => T | undefined } {
  const started: T[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map(stop));
  });
  return {
    start: async (...args) => {
      const one = await start(...args);
      started.push(one);
      return one;
    },
    last: () => started.at(-1),
  };
}
