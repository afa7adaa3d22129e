/** At most `size` holders at once; the rest wait in arrival order. */
export interface Slots {
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Holders now, and callers waiting. */
  readonly busy: number;
  readonly waiting: number;
}

export function createSlots(size: number): Slots {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`slots: size must be a positive integer, got ${size}`);
  let busy = 0;
  const queue: Array<() => void> = [];
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else busy--;
  };
  return {
    async run(work) {
      if (busy < size) busy++;
      // A released slot passes straight to the first waiter: `busy` stays as it is.
      else await new Promise<void>((resolve) => queue.push(resolve));
      try {
        return await work();
      } finally {
        release();
      }
    },
    get busy() {
      return busy;
    },
    get waiting() {
      return queue.length;
    },
  };
}

/**
 * libuv's thread pool size, which decodes (sharp), model runs and file reads share: 4 unless
 * `UV_THREADPOOL_SIZE` says otherwise.
 */
export function threadPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const size = Number(env.UV_THREADPOOL_SIZE);
  return Number.isInteger(size) && size > 0 ? size : 4;
}
