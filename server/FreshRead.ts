/**
 * Shares one read among callers without ever handing a caller an answer older than its call:
 * a caller joins a read only if that read starts after it arrived. While a read is in flight,
 * everyone who arrives waits for the next one, which starts when the current one ends and
 * serves them all, so the source sees at most one read at a time and one queued behind it.
 * (A time-shared cache can answer with a list read before a result the learner was just shown
 * was written: the podium said +10 XP and the profile, through another process, said 0.)
 */
export class FreshRead<T> {
  private current?: Promise<T>;
  private next?: Promise<T>;

  constructor(private readonly read: () => Promise<T>) {}

  get(): Promise<T> {
    if (!this.current) return this.start();
    // The read in flight began before this call: wait for the one after it.
    this.next ??= this.current.then(
      () => this.start(),
      () => this.start(),
    );
    return this.next;
  }

  private start(): Promise<T> {
    this.next = undefined;
    const read = Promise.resolve().then(this.read);
    this.current = read;
    const done = () => {
      if (this.current === read) this.current = undefined;
    };
    read.then(done, done);
    return read;
  }
}
