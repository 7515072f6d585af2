/**
 * One timer for every lean learner of a process: the deadlines that are not the think time
 * (a room's JOIN_ROOM, the close after a leave) are checked by one shared sweep instead of
 * one setTimeout per learner. A deadline fires within {@link SWEEP_MS} of its time.
 */

/** How often armed deadlines are checked. */
export const SWEEP_MS = 250;

/** Something with one deadline at a time. */
export interface Expiring {
  /** Called once, at or after the deadline it was armed with. */
  expired(): void;
}

const deadlines = new Map<Expiring, number>();
let sweeper: NodeJS.Timeout | undefined;

function sweep(): void {
  const now = performance.now();
  for (const [who, at] of deadlines) {
    if (at > now) continue;
    deadlines.delete(who);
    who.expired();
  }
  if (deadlines.size === 0) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/**
 * Arms (or re-arms) `who`'s deadline `ms` from now.
 * @example arm(learner, 10_000)
 */
export function arm(who: Expiring, ms: number): void {
  deadlines.set(who, performance.now() + ms);
  if (!sweeper) {
    sweeper = setInterval(sweep, SWEEP_MS);
    // The sweep alone keeps nothing alive: a learner's socket or HTTP call does.
    sweeper.unref();
  }
}

/**
 * Disarms `who`'s deadline, if any.
 * @example disarm(learner)
 */
export function disarm(who: Expiring): void {
  deadlines.delete(who);
}
