/**
 * Getting a dropped seat back, for every session of the SDK: colyseus.js 0.16 does not
 * reconnect by itself, so the SDK asks for the seat again with backoff for as long as the
 * server keeps it, and stops at once when a server says it is gone.
 */
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff";
import { fromRoomError, isTransient, LinguaLeapError } from "./errors";
import type { Matchmaker, Seat } from "./Matchmaker";

export interface ReconnectPlan {
  /** colyseus.js's `room.reconnectionToken`. */
  token: string;
  /** The HTTP address of the room's process. */
  base: string;
  /** Epoch ms after which the server no longer keeps the seat. */
  deadline: number;
  backoff?: BackoffOptions;
  /** Told before each attempt. */
  onAttempt(attempt: number, delayMs: number): void;
  /** True once the learner left on purpose: stop trying. */
  stopped(): boolean;
}

/**
 * The seat back, or a SESSION_LOST error saying why not.
 * @example const seat = await reconnectSeat(mm, { token: room.reconnectionToken, base, deadline: Date.now() + 20_000, onAttempt: () => {}, stopped: () => false });
 */
export async function reconnectSeat(matchmaker: Matchmaker, plan: ReconnectPlan): Promise<{ seat: Seat; attempts: number }> {
  let message = "the connection to the game was lost and could not be restored";
  for (let attempt = 0; Date.now() < plan.deadline && !plan.stopped(); attempt++) {
    const delayMs = Math.min(backoffDelay(attempt, plan.backoff ?? DEFAULT_BACKOFF), Math.max(0, plan.deadline - Date.now()));
    plan.onAttempt(attempt + 1, delayMs);
    await new Promise((r) => setTimeout(r, delayMs));
    try {
      return { seat: await matchmaker.reconnect(plan.token, plan.base), attempts: attempt + 1 };
    } catch (err) {
      // A server answered that the seat is gone (window expired, room disposed, its process
      // dead), or the room's own process refuses connections: stop at once. Nobody
      // reachable, no answer in time, a server draining: try again until the window ends.
      const error = fromRoomError(err);
      if (!isTransient(error)) {
        if (error.code === "SESSION_LOST") message = error.message;
        break;
      }
    }
  }
  throw new LinguaLeapError("SESSION_LOST", message);
}
