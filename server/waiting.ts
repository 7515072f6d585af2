/**
 * Waiting without hanging: a deadline on something the server waits for, and one shared
 * signal for everyone waiting on an outage to end.
 */

/**
 * The promise's outcome, or `late()` as a rejection after `ms`. The work itself goes on (a
 * store write, a remote call): only the wait ends.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, late: () => Error = () => new Error(`no answer within ${ms} ms`)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(late()), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Resolves after `ms`; never keeps the process alive on its own. */
export function delay(ms: number): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
}

/** One promise per outage that every waiter shares (not one waiter kept per call), resolved when it ends. */
export class Comeback {
  private pending?: { promise: Promise<void>; resolve: () => void };

  /** Resolves when {@link release} is next called. */
  wait(): Promise<void> {
    if (!this.pending) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.pending = { promise, resolve };
    }
    return this.pending.promise;
  }

  /** The outage is over: everyone waiting goes on. */
  release(): void {
    this.pending?.resolve();
    this.pending = undefined;
  }
}
