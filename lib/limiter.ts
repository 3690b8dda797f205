/** Bounded concurrency for fan-out: at most `max` calls in flight, the rest wait their turn in order. */

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1)
    throw new Error(`Concurrency must be a whole number of at least 1, not ${max}.`);
  let active = 0;
  const waiting: (() => void)[] = [];
  // A finishing task hands its slot straight to the next waiter, so a newcomer can never slip in between.
  const acquire = (): Promise<void> | undefined => {
    if (active < max) {
      active++;
      return undefined;
    }
    return new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    await acquire();
    try {
      return await task();
    } finally {
      release();
    }
  };
}

/** Maps every item through `task` with at most `max` in flight; results keep the input order. Fails on the first failure. */
export async function mapLimited<T, R>(
  items: readonly T[],
  max: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const limit = createLimiter(max);
  return Promise.all(items.map((item, index) => limit(() => task(item, index))));
}
