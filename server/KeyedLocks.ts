/**
 * Runs tasks so that two tasks sharing a key never overlap, in call order per key. A task
 * with several keys waits for all of them; keys are taken together at call time, so two
 * tasks can never wait on each other.
 */
export class KeyedLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const before = keys.map((k) => this.tails.get(k)).filter((p): p is Promise<unknown> => p !== undefined);
    const run = Promise.all(before).then(task, task);
    const settled = run.then(() => undefined, () => undefined);
    for (const key of keys) this.tails.set(key, settled);
    void settled.then(() => {
      for (const key of keys) if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    return run;
  }

  /** Keys with a task running or waiting. */
  get size(): number {
    return this.tails.size;
  }
}
