/**
 * Run a task over each item, at most `concurrency` at a time, each started as soon as a slot frees, and hand the
 * results to `take` in the items' order (each as soon as it and every one before it are done), so what the caller
 * records comes out the same whichever task finished first.
 *
 * When a task fails, or `take` throws, no further task starts; the tasks already running are let finish (their
 * writes land or fail on their own, none after this returns), then the first failure in the items' order is
 * thrown. A failure is never an unhandled rejection, whenever it lands.
 */
export async function inOrderPool<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
  take: (result: R, item: T, index: number) => void | Promise<void>,
): Promise<void> {
  if (!(concurrency >= 1))
    throw new RangeError(`inOrderPool: concurrency must be at least 1, found ${concurrency}`);
  let stopped = false;
  const slot = slots(concurrency);
  const running = items.map((item, index) =>
    slot(async (): Promise<{ ran: true; value: R } | { ran: false }> => {
      if (stopped) return { ran: false };
      try {
        return { ran: true, value: await task(item, index) };
      } catch (error) {
        stopped = true;
        throw error;
      }
    }),
  );
  // Awaited in turn below; until then a failure must not count as unhandled (that would end the process).
  for (const promise of running) promise.catch(() => {});
  try {
    for (const [index, promise] of running.entries()) {
      const outcome = await promise;
      if (outcome.ran) await take(outcome.value, items[index] as T, index);
    }
  } catch (error) {
    stopped = true;
    await Promise.allSettled(running);
    throw error;
  }
}

/** A counting semaphore: `slot(fn)` runs fn once fewer than `size` others are running. */
function slots(size: number): <V>(fn: () => Promise<V>) => Promise<V> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (active < size) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
