/**
 * Per-client message rate limit (Colyseus 0.16 has none). A token bucket: `burst` messages
 * at once, refilled at `perSecond`. A message that finds the bucket empty is dropped; a
 * client whose drops reach `disconnectAfter` is flooding and should be disconnected.
 * Pure: the caller passes `now` in milliseconds.
 */
export interface RateLimitOptions {
  perSecond: number;
  burst: number;
  disconnectAfter: number;
}

/** What to do with one incoming message. */
export type RateDecision = "allow" | "drop" | "disconnect";

export class RateLimiter {
  private tokens: number;
  private last: number;
  private dropped = 0;
  private droppedNow = 0;

  constructor(private readonly opts: RateLimitOptions, now: number) {
    this.tokens = opts.burst;
    this.last = now;
  }

  /** Counts one message at `now` and says whether to handle it. */
  take(now: number): RateDecision {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = Math.max(this.last, now);
    this.tokens = Math.min(this.opts.burst, this.tokens + elapsed * this.opts.perSecond);
    // A client whose bucket filled up again has calmed down: its flood episode is over.
    if (this.tokens >= this.opts.burst) this.droppedNow = 0;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return "allow";
    }
    this.dropped += 1;
    this.droppedNow += 1;
    return this.droppedNow >= this.opts.disconnectAfter ? "disconnect" : "drop";
  }

  /** Messages dropped since this client last calmed down (1 = the first drop of a flood). */
  get droppedInBurst(): number {
    return this.droppedNow;
  }

  /** Messages dropped in all. */
  get droppedCount(): number {
    return this.dropped;
  }
}

/** What a room does when a client floods. */
export interface FloodResponse {
  /** The first message dropped in a flood: tell the client once. */
  warn(): void;
  /** Too many dropped: disconnect the client. */
  kick(): void;
}

/**
 * Counts one message from a client against its limiter: true when the room should handle
 * it; otherwise warns once per flood or kicks, as the limiter decides.
 */
export function admit(limiter: RateLimiter, now: number, flood: FloodResponse): boolean {
  const decision = limiter.take(now);
  if (decision === "drop" && limiter.droppedInBurst === 1) flood.warn();
  if (decision === "disconnect") flood.kick();
  return decision === "allow";
}
