/**
 * Sequences of legal moves, made fast, that the random fuzzing once needed hundreds of
 * thousands of frames to stumble on: replayed on every run so the defect they found stays
 * found until it is fixed.
 */
import { randomBytes } from "node:crypto";
import net from "node:net";
import { Client, type Room } from "colyseus.js";
import { guestToken } from "../helpers/server";
import { waitForState, withTimeout } from "../helpers/wait";
import { phaseOf } from "../../rooms/word-duel/messages";

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
    await waitForState(a, (s: any) => phaseOf(s.phase) === "round", `round ${i}: the duel to start after Ben rejoined`, 5000);
    await Promise.all([a.leave(true), b.leave(true)].map((left) => withTimeout(left, 5000, `round ${i}: leaving`)));
  }
}

/**
 * Frames the WebSocket library itself refuses, each on a fresh raw connection (the library
 * logs them as errors, and Colyseus passes that on): a 64-bit payload length over 2^53, an
 * unmasked client frame, reserved bits, an unknown opcode, a control frame over 125 bytes.
 * They must end as a client's mistake (debug), never as an error line.
 */
export async function framesTheLibraryRefuses(http: string): Promise<void> {
  const { port } = new URL(http);
  const frames = ["82ff00ffffffffffffff00000000", "820100", "c28000000000", "8b8000000000", `89fe00ff00000000${"00".repeat(255)}`];
  for (const hex of frames) {
    await withTimeout(new Promise<void>((resolve, reject) => {
      const socket = net.connect(Number(port), "127.0.0.1", () => {
        socket.write(`GET /any/room HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      });
      let upgraded = false;
      socket.on("data", (chunk) => {
        if (!upgraded && chunk.toString("latin1").startsWith("HTTP/1.1 101")) {
          upgraded = true;
          socket.write(Buffer.from(hex, "hex"));
        }
      });
      socket.on("close", () => (upgraded ? resolve() : reject(new Error("the upgrade was refused"))));
      socket.on("error", () => undefined);
    }), 5000, `the server to close a connection that sent ${hex.slice(0, 16)}…`);
  }
}
