/**
 * Guests who never play expire: a guest account is made with `expiresAt` GUEST_IDLE_HOURS
 * ahead, its first recorded result clears it, and this deletes the guests whose time is up
 * (their token then gets AUTH_UNKNOWN_USER). Every
 * process sweeps once at start and then every {@link SWEEP_EVERY_MS}; deleting is idempotent,
 * so processes of a cluster sweeping at once only repeat each other's work. A guest with a
 * result still on its way (being written, or in this process's outbox) is left alone.
 */
import type { Logger } from "./logger";
import type { Store } from "./store/store";

export const SWEEP_EVERY_MS = 60 * 60 * 1000;
/** Guests deleted per store call. */
const BATCH = 500;
/** Batches per sweep at most (a later sweep takes the rest). */
const MAX_BATCHES = 20;

export class GuestReaper {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<number>;

  constructor(
    private readonly store: Pick<Store, "deleteExpiredGuests">,
    private readonly busy: () => readonly string[] | Promise<readonly string[]>,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** Deletes the idle guests now; resolves with how many (0 when the store is down). */
  sweep(): Promise<number> {
    this.sweeping ??= this.run().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async run(): Promise<number> {
    let deleted = 0;
    try {
      for (let i = 0; i < MAX_BATCHES; i++) {
        const n = await this.store.deleteExpiredGuests(this.now(), BATCH, await this.busy());
        deleted += n;
        if (n < BATCH) break;
      }
      if (deleted > 0) this.log.info({ deleted }, "guests: idle guest accounts deleted");
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, "guests: could not delete idle guests now");
    }
    return deleted;
  }
}
