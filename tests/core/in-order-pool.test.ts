import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { inOrderPool } from '../../lib/core/in-order-pool.ts';

/** A task that finishes after `ms`, noting when it starts and ends and how many ran at once. */
function tracked(delays: readonly number[]) {
  const events: string[] = [];
  let running = 0;
  let most = 0;
  const task = async (ms: number, index: number) => {
    running++;
    most = Math.max(most, running);
    events.push(`start ${index}`);
    await sleep(ms);
    running--;
    events.push(`end ${index}`);
    if (ms < 0) throw new Error(`task ${index} failed`);
    return index * 10;
  };
  return { events, task, delays, most: () => most };
}

describe('inOrderPool', () => {
  it('runs at most `concurrency` at once, starts the next as soon as any slot frees, and takes results in order', async () => {
    const { events, task, most } = tracked([]);
    const taken: number[] = [];
    await inOrderPool([60, 5, 5, 5, 5], 2, task, (result) => {
      taken.push(result);
    });
    expect(taken).toEqual([0, 10, 20, 30, 40]);
    expect(most()).toBe(2);
    // The slow first task does not hold the others back: tasks 2-4 start and finish while it runs.
    expect(events.indexOf('end 4')).toBeLessThan(events.indexOf('end 0'));
  });

  it('after a failure starts nothing more, lets the running tasks finish, then throws the failure', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const events: string[] = [];
      const task = async (ms: number, index: number) => {
        events.push(`start ${index}`);
        await sleep(Math.abs(ms));
        events.push(`end ${index}`);
        if (ms < 0) throw new Error(`task ${index} failed`);
        return index;
      };
      const taken: number[] = [];
      await expect(
        inOrderPool([80, -5, 40, 5, 5], 3, task, (result) => {
          taken.push(result);
        }),
      ).rejects.toThrow('task 1 failed');
      // Task 1 failed while 0 and 2 ran: nothing after them started, and both finished before the throw.
      expect(events.filter((event) => event.startsWith('start'))).toEqual(['start 0', 'start 1', 'start 2']);
      expect(events).toContain('end 0');
      expect(events).toContain('end 2');
      expect(taken).toEqual([0]);
      await sleep(20);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('stops when taking a result throws, and waits for the running tasks', async () => {
    const { events, task } = tracked([]);
    await expect(
      inOrderPool([5, 30, 30, 5], 2, task, () => {
        throw new Error('cannot record');
      }),
    ).rejects.toThrow('cannot record');
    // Task 0's slot went to task 2 as it ended; its result then failed to be taken: task 3 never starts.
    expect(events).toEqual(expect.arrayContaining(['end 1', 'end 2']));
    expect(events).not.toContain('start 3');
  });

  it('with concurrency 1 runs one after another', async () => {
    const { events, task } = tracked([]);
    await inOrderPool([10, 1], 1, task, () => {});
    expect(events).toEqual(['start 0', 'end 0', 'start 1', 'end 1']);
  });

  it('refuses a concurrency below one', async () => {
    await expect(
      inOrderPool(
        [1],
        0,
        async () => 1,
        () => {},
      ),
    ).rejects.toThrow(RangeError);
  });
});
