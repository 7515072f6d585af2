/**
 * Sequences of legal moves, made fast, that the random fuzzing once needed hundreds of
 * thousands of frames to stumble on: replayed on every run so the defect they found stays
 * found until it is fixed.
 */
import { Client, type Room } from "colyseus.js";
import { guestToken } from "../helpers/server";
import { waitForState, withTimeout } from "../helpers/wait";

async function signedIn(http: string, name: string): Promise<Client> {
  const client = new Client(http);
  client.auth.token = await guestToken(http, name);
  return client;
}

function quiet(room: Room): Room {
  // colyseus.js prints every error it gets; the scenario reads its own.
  room.onError.clear();
  room.onMessage("*", () => undefined);
  return room;
}

/**
 * A second learner joins a waiting duel (its countdown starts), leaves at once (the duel
 * waits again), and joins again (a new countdown): each step clears the duel's phase timer,
 * so cleared timers pile up under the live countdown until the clock's next tick. When that
 * countdown fires on that tick, the first round starts and flushes its patch, which ticked
 * the clock again inside its own tick: the outer tick then read past the end of its list
 * (TypeError in @colyseus/timer's ClockTimer.tick), an uncaught exception that drained the
 * whole process. Each round must reach the first question.
 */
export async function rejoinDuringCountdown(http: string, rounds: number): Promise<void> {
  const [ana, ben] = await Promise.all([signedIn(http, "Ana"), signedIn(http, "Ben")]);
  const options = { lang: "es", mode: "typed" };
  for (let i = 1; i <= rounds; i++) {
    const a = quiet(await ana.create("word_duel", options));
    await quiet(await ben.joinById(a.roomId, options)).leave(true);
    const b = quiet(await ben.joinById(a.roomId, options));
    await waitForState(a, (s: any) => s.phase === "round", `round ${i}: the duel to start after Ben rejoined`, 5000);
    await Promise.all([a.leave(true), b.leave(true)].map((left) => withTimeout(left, 5000, `round ${i}: leaving`)));
  }
}
