import { describe, expect, it } from 'vitest';
import { prefetched } from '../../lib/core/prefetch.ts';

describe('prefetched', () => {
  it('gives results in order, with at most `ahead` tasks started beyond the one taken', async () => {
    const started: number[] = [];
    const tasks = Array.from({ length: 6 }, (_, index) => async () => {
      started.push(index);
      return index * 10;
    });
    const take = prefetched(tasks, 2);
    expect(started).toEqual([]);
    expect(await take[0]?.()).toBe(0);
    expect(started).toEqual([0, 1, 2]);
    expect(await take[1]?.()).toBe(10);
    expect(started).toEqual([0, 1, 2, 3]);
    const rest = [];
    for (const next of take.slice(2)) rest.push(await next());
    expect(rest).toEqual([20, 30, 40, 50]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('reports a failure in its own turn, never as an unhandled rejection, and the rest still come', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const tasks = [async () => 'a', async () => Promise.reject(new Error('b is bad')), async () => 'c'];
      const take = prefetched(tasks, 3);
      expect(await take[0]?.()).toBe('a');
      await new Promise((resolve) => setTimeout(resolve, 20));
      await expect(take[1]?.()).rejects.toThrow('b is bad');
      expect(await take[2]?.()).toBe('c');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('refuses a task taken twice', async () => {
    const take = prefetched([async () => 1], 1);
    await take[0]?.();
    expect(() => take[0]?.()).toThrow(/taken twice/);
  });
});
