/**
 * Whether the store of record answers, known without asking it on every request: a ping
 * every second while it is down (and once a few seconds while it is up). What needs the
 * store on a learner's way into a duel (does the account exist, the learner's rating) skips
 * it while it is down instead of waiting for the driver's timeout; the results writer wakes
 * the moment it answers again.
 */
import type { Logger } from "../logger";
import type { Store } from "./store";
import { Comeback, withDeadline } from "../waiting";

const PING_TIMEOUT_MS = 1000;
/** How long a call on a learner's way into a duel may wait for the store before it goes on without it. */
const QUICK_CALL_MS = 750;
const DOWN_EVERY_MS = 1000;
const UP_EVERY_MS = 5000;

export class StoreHealth {
  private up = true;
  private timer?: NodeJS.Timeout;
  private readonly back = new Comeback();
  private checking?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly store: Pick<Store, "ping">,
    private readonly log: Pick<Logger, "info" | "warn">,
  ) {}

  get isUp(): boolean {
    return this.up;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.back.release();
  }

  /** Resolves once the store answers (at once when it is up). */
  whenUp(): Promise<void> {
    return this.up ? Promise.resolve() : this.back.wait();
  }

  /** A call just failed as an outage: check now rather than at the next tick. */
  suspect(): void {
    if (this.up) void this.check();
  }

  /**
   * Runs `call` when the store is up; `fallback` at once when it is down, and when the call
   * fails or takes longer than `ms` (the database going away: the ping is checked at once).
   * A learner's way into a duel never waits on the driver's own timeouts (seconds).
   */
  async orElse<T>(call: () => Promise<T>, fallback: T, ms = QUICK_CALL_MS): Promise<T> {
    if (!this.up) return fallback;
    try {
      return await withDeadline(call(), ms);
    } catch {
      this.suspect();
      return fallback;
    }
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.check(), ms);
    this.timer.unref();
  }

  private check(): Promise<void> {
    this.checking ??= this.ping()
      .then((ok) => this.set(ok))
      .finally(() => {
        this.checking = undefined;
        this.schedule(this.up ? UP_EVERY_MS : DOWN_EVERY_MS);
      });
    return this.checking;
  }

  private async ping(): Promise<boolean> {
    return withDeadline(this.store.ping(), PING_TIMEOUT_MS).then(() => true, () => false);
  }

  private set(ok: boolean): void {
    if (ok === this.up) return;
    this.up = ok;
    if (ok) {
      this.log.info({}, "store: the database answers again");
      this.back.release();
    } else this.log.warn({}, "store: the database does not answer; results wait in the outbox, joins go on without it");
  }
}
