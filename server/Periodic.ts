import type { Logger } from "./logger";

/** How a Periodic's failures are told: the first of a streak, the ones after it, and the end of it. */
export interface PeriodicReport {
  /** A run failed; `inARow` is 1 for the first failure after a success (or the start). */
  failed(err: unknown, inARow: number): void;
  /** A run succeeded after `failures` failed ones. */
  recovered?(failures: number): void;
}

/**
 * A background task run now and then every `everyMs`, never two runs at once (a run still
 * going when the next is due is not doubled); a run that fails is reported and the next one
 * tries again. Failures are counted in a row, so an outage is said once, not at every run
 * (`loudOnce`). The leagues' end-of-week job and the Redis boards' check use it.
 */
export class Periodic {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private failures = 0;

  constructor(
    private readonly task: () => Promise<unknown>,
    private readonly report: PeriodicReport,
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
      .then(
        () => {
          if (this.failures > 0) this.report.recovered?.(this.failures);
          this.failures = 0;
        },
        (err: unknown) => this.report.failed(err, ++this.failures),
      )
      .finally(() => (this.running = undefined));
  }

  /** Stops the timer and waits for a run under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}

/**
 * A report that warns at the first failure of a streak, logs the ones after it at debug, and
 * says at info when the task works again.
 */
export function loudOnce(log: Pick<Logger, "warn" | "debug" | "info">, failing: string, recovered: string): PeriodicReport {
  return {
    failed: (err, inARow) => log[inARow === 1 ? "warn" : "debug"]({ err: (err as Error)?.message ?? String(err), inARow }, failing),
    recovered: (failures) => log.info({ failures }, recovered),
  };
}
