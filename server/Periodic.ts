/**
 * A background task run now and then every `everyMs`, never two runs at once (a run still
 * going when the next is due is not doubled); a run that fails is reported and the next one
 * tries again. The leagues' end-of-week job and the Redis boards' check use it.
 */
export class Periodic {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly task: () => Promise<unknown>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Runs the task now, then every `everyMs` (the timer does not keep the process alive). */
  start(everyMs: number): void {
    this.timer = setInterval(() => this.run(), everyMs);
    this.timer.unref();
    this.run();
  }

  private run(): void {
    if (this.running || this.stopped) return;
    this.running = this.task()
      .then(() => undefined, this.onError)
      .finally(() => (this.running = undefined));
  }

  /** Stops the timer and waits for a run under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}
