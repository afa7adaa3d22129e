import { describe, expect, it } from 'vitest';
import { createSlots, threadPoolSize } from '../../src/serving/create-slots.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createSlots', () => {
  it('runs at most `size` at once and the rest in arrival order, a failure freeing its slot', async () => {
    const slots = createSlots(2);
    const started: number[] = [];
    const finish: Array<() => void> = [];
    const runs = [0, 1, 2, 3].map((i) =>
      slots.run(async () => {
        started.push(i);
        await new Promise<void>((resolve) => (finish[i] = resolve));
        if (i === 0) throw new Error('run 0 failed');
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect([slots.busy, slots.waiting]).toEqual([2, 2]);
    finish[0]!();
    await expect(runs[0]).rejects.toThrow('run 0 failed');
    await tick();
    expect(started).toEqual([0, 1, 2]);
    finish[2]!();
    finish[1]!();
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    finish[3]!();
    expect(await Promise.all(runs.slice(1))).toEqual([1, 2, 3]);
    expect([slots.busy, slots.waiting]).toEqual([0, 0]);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => createSlots(0)).toThrow(/positive integer, got 0/);
    expect(() => createSlots(1.5)).toThrow(RangeError);
  });

  it("reads libuv's pool size from UV_THREADPOOL_SIZE, 4 when unset or not a positive integer", () => {
    expect(threadPoolSize({})).toBe(4);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '16' })).toBe(16);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: 'many' })).toBe(4);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '0' })).toBe(4);
  });
});
