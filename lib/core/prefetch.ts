/**
 * Start a few tasks ahead of the one being used: for reads from a store (a folder or S3), where each task waits on
 * I/O and running them one after another pays every latency in turn. Returns one function per task, to be called
 * in order: each gives its task's promise (started by now) and starts the tasks up to `ahead` places later. A task
 * that fails is reported when its function is called, not before, so each failure is handled in its turn; a
 * promise is let go once taken, so memory holds at most `ahead + 1` results the caller has not dropped.
 */
export function prefetched<T>(tasks: readonly (() => Promise<T>)[], ahead: number): (() => Promise<T>)[] {
  const pending = new Map<number, Promise<T>>();
  let started = 0;
  return tasks.map((_, index) => () => {
    for (; started < tasks.length && started <= index + ahead; started++) {
      const promise = (tasks[started] as () => Promise<T>)();
      // Awaited in its turn; until then a failure must not count as unhandled (that would end the process).
      promise.catch(() => {});
      pending.set(started, promise);
    }
    const promise = pending.get(index);
    if (promise === undefined) throw new RangeError(`prefetched: task ${index} taken twice or out of order`);
    pending.delete(index);
    return promise;
  });
}
