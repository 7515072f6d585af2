/**
 * The cost bench's raw learner: a colyseus.js Client, nothing of the SDK. Guest sign-in
 * (`POST /api/auth/guest`), a matchmaking request of its own over fetch (so its answer's bytes
 * are counted: what colyseus.js's joinOrCreate/create/joinById send, then its
 * `consumeSeatReservation`), and a duel played from the state alone: `phase`, `round`,
 * `prompt`, `choices`, `lang`, `direction`; the end is the `duel_result` message or
 * `phase === "finished"`. Every other message is taken and ignored (`onMessage("*")`).
 */
import { Client, type Room, type SeatReservation } from "colyseus.js";
import { acceptedAnswers } from "../learner/answers";
import { MSG_ANSWER, MSG_DUEL_RESULT, phaseOf, type Direction } from "../../rooms/word-duel/messages";
import { wireOf, type WireCount } from "./cost-wire";

/** What one matchmaking answer weighed: status line and headers as fetch shows them, and the body. */
export interface HttpBytes {
  headers: number;
  body: number;
}

/** Bytes of a fetch Response's status line and headers (`Name: value\r\n`, then the blank line). */
export function headerBytesOf(res: Response): number {
  let n = `HTTP/1.1 ${res.status} ${res.statusText}\r\n`.length + 2;
  res.headers.forEach((value, name) => (n += Buffer.byteLength(`${name}: ${value}\r\n`)));
  return n;
}

/** A guest's token. */
export async function signIn(http: string, name: string): Promise<string> {
  const res = await fetch(`${http}/api/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }), signal: AbortSignal.timeout(30_000) });
  const body = (await res.json()) as { token?: string; error?: { code: string; message: string } };
  if (!res.ok || !body.token) throw new Error(`guest sign-in: ${res.status} ${body.error?.code ?? ""} ${body.error?.message ?? ""}`);
  return body.token;
}

/** Runs `fn` over `items`, at most `concurrency` at once; rejects with the first failure. */
export async function inPool<T>(items: readonly T[], concurrency: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** The same width for every name: a player's name is in the state, so its length is in the bytes. */
export const learnerName = (i: number) => `Bench ${String(i).padStart(5, "0")}`;

type Decoded = { phase: number; round: number; totalRounds: number; prompt: string; choices?: Iterable<string>; lang: string; direction: string };

/** The right choice or a wrong one; undefined when the prompt is no deck's (then the learner counts a problem). */
export function choose(lang: string, direction: string, prompt: string, choices: string[], right: boolean): string | undefined {
  const ok = acceptedAnswers(lang, direction as Direction, prompt);
  if (!ok) return undefined;
  return right ? choices.find((c) => ok.includes(c)) : choices.find((c) => !ok.includes(c));
}

/**
 * When a learner's duel is over, and when its byte count stops. The duel is over at the first
 * of the `duel_result` message and the `finished` phase (the server sends both today, the
 * message first); the count stops once both have arrived, or at the socket's close.
 */
export class DuelEnd {
  private resolve!: () => void;
  readonly ended = new Promise<void>((r) => (this.resolve = r));
  endedAt = 0;
  private result = false;
  private finished = false;

  constructor(private readonly wire: () => WireCount | undefined) {}

  /** The `duel_result` message arrived (called from inside its frame's handling). */
  sawResult(): void {
    this.result = true;
    this.settle();
  }

  /** A state with `phase === "finished"` arrived. */
  sawFinished(): void {
    this.finished = true;
    this.settle();
  }

  /** The room's socket closed. */
  closed(): void {
    this.result = this.finished = true;
    this.settle();
  }

  private settle(): void {
    if (!this.endedAt) {
      this.endedAt = performance.now();
      this.resolve();
    }
    const wire = this.wire();
    if (wire && this.result && this.finished) wire.endAfterThisFrame = true;
  }
}

/** One raw learner. */
export class RawLearner {
  readonly client: Client;
  room?: Room;
  /** The matchmaking answer's bytes. */
  http: HttpBytes = { headers: 0, body: 0 };
  answers = 0;
  problems: string[] = [];
  /** Released: it answers each round as soon as it opens (until then it only listens). */
  private released = false;
  private answeredRound = 0;
  readonly end = new DuelEnd(() => this.wire);
  /** The latest decoded state. */
  state?: Decoded;

  constructor(
    private readonly base: string,
    readonly token: string,
    /** Answers right (else wrong). */
    readonly right: boolean,
  ) {
    this.client = new Client(base.replace(/^http/, "ws"));
    this.client.auth.token = token;
  }

  get wire(): WireCount | undefined {
    return this.room && wireOf(this.room.sessionId);
  }

  /** Asks for a seat (`joinOrCreate`, `create`, `joinById`) and takes it; listens to the duel. */
  async join(method: "joinOrCreate" | "create" | "joinById", target: string, options: Record<string, unknown>): Promise<Room> {
    return this.take(await this.reserve(method, target, options));
  }

  /** The matchmaking request alone: a seat reservation (its answer's bytes are kept in `http`). */
  async reserve(method: "joinOrCreate" | "create" | "joinById", target: string, options: Record<string, unknown>): Promise<SeatReservation> {
    const res = await fetch(`${this.base}/matchmake/${method}/${encodeURIComponent(target)}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${this.token}` },
      body: JSON.stringify(options),
      signal: AbortSignal.timeout(30_000),
    });
    const body = Buffer.from(await res.arrayBuffer());
    this.http = { headers: headerBytesOf(res), body: body.length };
    const seat = JSON.parse(body.toString("utf8")) as SeatReservation & { error?: unknown };
    if (!res.ok || seat.error !== undefined || !seat.room) throw new Error(`matchmake ${method}: ${res.status} ${body.toString("utf8").slice(0, 200)}`);
    return seat;
  }

  /** Takes a reserved seat (the WebSocket and the join handshake); listens to the duel. */
  async take(seat: SeatReservation): Promise<Room> {
    const room = await this.client.consumeSeatReservation(seat);
    this.room = room;
    room.onStateChange((s: Decoded) => this.onState(s));
    room.onMessage(MSG_DUEL_RESULT, () => this.end.sawResult());
    room.onMessage("*", () => undefined);
    room.onLeave(() => this.end.closed());
    return room;
  }

  /** From now on, answer every round as soon as it opens (the current one too). */
  release(): void {
    this.released = true;
    if (this.state) this.onState(this.state);
  }

  async leave(): Promise<void> {
    if (this.room?.connection.isOpen) await Promise.race([this.room.leave(true), new Promise((r) => setTimeout(r, 5000))]);
  }

  private onState(s: Decoded): void {
    this.state = s;
    if (phaseOf(s.phase) === "finished") return this.end.sawFinished();
    if (!this.released || phaseOf(s.phase) !== "round" || s.round === this.answeredRound) return;
    this.answeredRound = s.round;
    const choices = [...(s.choices ?? [])];
    const text = choose(s.lang, s.direction, s.prompt, choices, this.right);
    if (text === undefined) this.problems.push(`no answer found for "${s.prompt}" (${s.lang}, ${s.direction})`);
    this.room!.send(MSG_ANSWER, { answer: text ?? choices[0] ?? "" });
    this.answers += 1;
  }
}
