/** The error `run` throws; fails the test when it returns instead. The synchronous `rejection`. */
export function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}
