/** Waiting on events with a timeout: the only way tests synchronise (no fixed sleeps). */
import type { Room } from "colyseus.js";
import { duelResultOf, roundResultOf, toView, type DecodedDuel, type DuelView } from "../../client-sdk/duel-view";

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Resolves once `check()` holds, re-checking every `everyMs`; rejects after `ms` and stops
 * checking. Only for conditions no event announces (a counter, another process's state).
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, ms = 5000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Resolves when `check()` is true, re-checking after every state patch. */
export function waitForState<S>(room: Room<S>, check: (state: S) => boolean, what: string, ms = 5000): Promise<S> {
  return withTimeout(
    new Promise<S>((resolve) => {
      if (room.state && check(room.state)) return resolve(room.state);
      // Removed alone (what onStateChange(…) returns clears every listener of the room), and
      // after the patch's listeners have run: colyseus.js 0.16's remove() moves the last
      // listener into the removed one's place, and one moved mid-call would miss this patch.
      let done = false;
      const listener = (state: S) => {
        if (done || !check(state)) return;
        done = true;
        queueMicrotask(() => room.onStateChange.remove(listener));
        resolve(state);
      };
      room.onStateChange(listener);
    }),
    ms,
    what,
  );
}

export interface Received {
  type: string;
  message: any;
}

/**
 * Records every message a room receives, and waits for the next of a type.
 * Register it right after joining so nothing is missed.
 *
 * In a duel it also records, under their old message names, the events the server now
 * sends only as state (docs/protocol/rooms.md): `answer_accepted` {round} when this client's
 * `answered` turns true, `round_result` (the SDK's RoundResult) when a reveal starts; and
 * `duel_result` reads as the SDK's DuelResult (winner, standings). Each is derived from the
 * patches the client received, as the SDK derives them.
 */
export class MessageLog {
  readonly all: Received[] = [];
  private waiters: { type: string; from: number; resolve: (m: any) => void }[] = [];
  private view?: DuelView;

  constructor(private readonly room: Room) {
    room.onMessage("*", (type, message) => {
      const duel = type === "duel_result" && this.view;
      this.record(String(type), duel ? duelResultOf(duel, message as never) : message);
    });
    room.onStateChange((state) => this.onState(state as unknown as DecodedDuel));
  }

  private onState(state: DecodedDuel): void {
    if (typeof state?.phase !== "number" || state.players === undefined) return;
    const before = this.view;
    const view = (this.view = toView(state));
    const me = (v?: DuelView) => v?.players.find((p) => p.sessionId === this.room.sessionId);
    if (me(view)?.answered && !(me(before)?.answered && before?.round === view.round)) this.record("answer_accepted", { round: view.round });
    if (view.phase === "reveal" && (before?.phase !== "reveal" || before.round !== view.round)) this.record("round_result", roundResultOf(view, before));
  }

  private record(type: string, message: any): void {
    this.all.push({ type, message });
    for (const w of this.waiters.slice()) this.check(w);
  }

  private check(w: { type: string; from: number; resolve: (m: any) => void }): boolean {
    const hit = this.all.slice(w.from).find((r) => r.type === w.type);
    if (!hit) return false;
    this.waiters = this.waiters.filter((x) => x !== w);
    w.resolve(hit.message);
    return true;
  }

  of(type: string): any[] {
    return this.all.filter((r) => r.type === type).map((r) => r.message);
  }

  /** The first message of `type` at or after index `from` (default: from now on). */
  next(type: string, ms = 5000, from = this.all.length): Promise<any> {
    return withTimeout(
      new Promise((resolve) => {
        const w = { type, from, resolve };
        if (!this.check(w)) this.waiters.push(w);
      }),
      ms,
      `message "${type}"`,
    );
  }
}
