import { Clock, Delayed } from "@colyseus/core";

/** Delayed's kinds (the `Type` enum of @colyseus/timer, which @colyseus/core does not re-export). */
const INTERVAL = 0;
const TIMEOUT = 1;

/**
 * One timeout or interval of a {@link TimerClock}: a Colyseus `Delayed` (so room code keeps
 * its API) that Node's own timer fires; clearing it clears that timer.
 */
class NodeDelayed extends Delayed {
  private node?: NodeJS.Timeout;

  constructor(handler: (...args: unknown[]) => void, args: unknown[], time: number, type: number, private readonly done: (d: NodeDelayed) => void, fail: (err: unknown) => void) {
    super(handler, args, time, type);
    const fire = () => {
      if (!this.active) return;
      if (type === TIMEOUT) this.settle();
      // A timer fires outside any of Colyseus's guarded calls: what it throws would end the process.
      try {
        this.handler(...(this.args as unknown[]));
      } catch (err) {
        fail(err);
      }
    };
    this.node = type === INTERVAL ? setInterval(fire, time) : setTimeout(fire, time);
  }

  override clear(): void {
    if (this.active) this.settle();
  }

  /** Colyseus's room ticks drive nothing here: pausing, resuming or restarting a Node timer is not offered. */
  override pause(): void {
    throw new Error("TimerClock: timers cannot be paused");
  }

  override resume(): void {
    throw new Error("TimerClock: timers cannot be resumed");
  }

  override reset(): void {
    throw new Error("TimerClock: timers cannot be reset: clear it and set another");
  }

  private settle(): void {
    this.active = false;
    clearTimeout(this.node);
    this.node = undefined;
    this.done(this);
  }
}

/**
 * A room clock whose timeouts and intervals run on Node's timers, not on the room's ticks.
 *
 * Colyseus's own clock fires a timer only when it is ticked, and a room ticks it from its
 * patch interval (or a simulation interval): every room then wakes 20 times a second whether
 * or not anything changed, and with no patch interval a timer never fires. LinguaLeap's
 * rooms send a patch when their state changes (GuardedRoom), so they keep no interval, and
 * this clock fires each timer once, when it is due: a room waiting for an opponent holds no
 * timer at all. `tick()` still advances `elapsedTime`/`deltaTime` (Colyseus calls it before
 * each patch); `clear()` (on dispose) clears every timer left.
 */
export class TimerClock extends Clock {
  private readonly live = new Set<NodeDelayed>();

  /** @param onError told what a timer's handler threw (the room logs it); nothing a timer throws leaves the clock. */
  constructor(private readonly onError: (err: unknown) => void = () => undefined) {
    super();
  }

  override setTimeout(handler: (...args: unknown[]) => void, time: number, ...args: unknown[]): Delayed {
    return this.schedule(handler, args, time, TIMEOUT);
  }

  override setInterval(handler: (...args: unknown[]) => void, time: number, ...args: unknown[]): Delayed {
    return this.schedule(handler, args, time, INTERVAL);
  }

  /** A promise that resolves after `ms` (rejects when the clock is cleared first), on a Node timer like the others. */
  override duration(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const delayed = this.schedule(() => resolve(), [], ms, TIMEOUT);
      const clear = delayed.clear.bind(delayed);
      delayed.clear = () => {
        if (delayed.active) reject(new Error("TimerClock: cleared before the duration ended"));
        clear();
      };
    });
  }

  /** How many timers are pending (for tests: a waiting room holds none). */
  get pending(): number {
    return this.live.size;
  }

  override clear(): void {
    for (const delayed of [...this.live]) delayed.clear();
    super.clear();
  }

  private schedule(handler: (...args: unknown[]) => void, args: unknown[], time: number, type: number): Delayed {
    const delayed = new NodeDelayed(handler, args, Math.max(0, time), type, (d) => this.live.delete(d), this.onError);
    this.live.add(delayed);
    return delayed;
  }
}
