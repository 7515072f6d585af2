/**
 * Sends hostile frames to joined rooms. Workers join a room type with a real colyseus.js
 * client, then write raw frames on its WebSocket in batches; after each batch a WebSocket
 * ping waits for its pong (the server answers a ping after reading every frame before it),
 * so the suite keeps pace with the server instead of filling its socket. A client the
 * server closes (4002 bad frame, 1009 too large, 4429 flooding, a duel that ended) is
 * replaced by a new one until the room type's budget of frames is sent.
 */
import { Client, type Room } from "colyseus.js";
import { WS_MAX_PAYLOAD } from "../../server/app";
import { parseFrame } from "../../rooms/shared/frames.rules";
import { guestToken } from "../helpers/server";
import { withTimeout } from "../helpers/wait";
import { codeFrame, FrameGenerator, type Frame } from "./frame-generators";
import { Histogram, INTERNAL_TEXT } from "./observe";
import { Rand } from "./random";

export const ROOM_KINDS = ["word_duel", "practice", "ranked_queue", "leaderboard", "class_game"] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];

export class RoomTally {
  frames = 0;
  joins = 0;
  /** Messages the room sent back (word_duel answers most frames with an `error`). */
  messages = 0;
  readonly closes = new Histogram();
  readonly refusals = new Histogram();
  readonly labels = new Histogram();
  /** First bytes (protocol codes) of the frames sent: every one of 0–255 should be. */
  readonly codes = new Set<number>();
  /** Where the workers of this room type look for a code not sent yet. */
  sweep = 0;

  /** A protocol code no frame sent here has opened yet (each worker is handed a different one). */
  unsentCode(): number | undefined {
    for (let i = 0; i < 256; i++) {
      const code = (this.sweep + i) % 256;
      if (!this.codes.has(code)) return (this.sweep = code + 1), code;
    }
    return undefined;
  }
}

export interface RoomFuzzPlan {
  http: string;
  seed: number;
  /** Frames to send to each room type. */
  budget: Record<RoomKind, number>;
  workersPerKind: number;
  /** Frames per batch before the ping that paces it. */
  batch: readonly [number, number];
  /** How often a batch ends with a frame that closes the socket (each such frame costs a new join). */
  closeChance: number;
  /**
   * A flood: batches never end with a frame that closes the socket (the flood limit should
   * end them), and leaderboard watchers send join acks only.
   */
  flood: boolean;
  /** Give up (the suite then fails on the totals) after this time. */
  deadline: number;
}

/** What the clients saw: totals per room type, and answers that hold internal text. */
export interface RoomFuzzReport {
  tallies: Record<RoomKind, RoomTally>;
  leaks: string[];
}

/** The joined room's own WebSocket (the `ws` package's, under colyseus.js). */
interface RawSocket {
  readonly readyState: number;
  send(data: Buffer | string, options: { binary: boolean }): void;
  ping(): void;
  once(event: "pong", listener: () => void): void;
  once(event: "close", listener: (code: number, reason: Buffer) => void): void;
}

const OPEN = 1;

interface Seat {
  room: Room;
  ws: RawSocket;
  closed: Promise<void>;
}

function joinOptions(kind: RoomKind, r: Rand): Record<string, unknown> {
  if (kind === "leaderboard") return { board: r.pick(["global", "es", "rating-es"]), period: "alltime" };
  if (kind === "word_duel" || kind === "class_game") return { lang: "es", mode: r.pick(["typed", "choice"]) };
  return { lang: "es", mode: "choice" };
}

/** True when the server closes the socket on reading `frame` (the server's own reader says which). */
function endsConnection(kind: RoomKind, frame: Frame): boolean {
  const bytes = typeof frame.data === "string" ? Buffer.from(frame.data) : frame.data;
  if (bytes.length > WS_MAX_PAYLOAD) return true;
  const read = parseFrame(bytes);
  if (read.kind === "bad" || read.kind === "leave") return true;
  // Leaderboard watchers take no messages: any but the join ack closes them.
  return read.kind !== "join" && kind === "leaderboard";
}

class Worker {
  private readonly r: Rand;
  private readonly frames: FrameGenerator;
  private token?: string;

  constructor(private readonly kind: RoomKind, index: number, private readonly plan: RoomFuzzPlan, private readonly report: RoomFuzzReport) {
    this.r = new Rand(plan.seed, ROOM_KINDS.indexOf(kind) * 1000 + index + (plan.flood ? 500 : 0));
    this.frames = new FrameGenerator(this.r);
  }

  private get tally(): RoomTally {
    return this.report.tallies[this.kind];
  }

  private get more(): boolean {
    return this.tally.frames < this.plan.budget[this.kind] && Date.now() < this.plan.deadline;
  }

  async run(): Promise<void> {
    while (this.more) {
      const seat = await this.join();
      await this.fuzz(seat);
      if (seat.ws.readyState === OPEN) await withTimeout(seat.room.leave(true), 5000, `${this.kind} leave`);
    }
  }

  private inspect(where: string, text: string): void {
    if (INTERNAL_TEXT.test(text)) this.report.leaks.push(`${this.kind} ${where}: ${text.slice(0, 300)}`);
  }

  /** Joins, as a new guest after a refusal (one seat and one queue claim per account). */
  private async join(): Promise<Seat> {
    for (let attempt = 1; ; attempt++) {
      const client = new Client(this.plan.http);
      if (this.kind !== "leaderboard") client.auth.token = this.token ??= await guestToken(this.plan.http, `Fuzz ${this.kind.slice(0, 4)} ${attempt}`);
      try {
        // A class game is created by its host (whose frames are fuzzed: host commands included), never joined by name.
        const joining = this.kind === "class_game" ? client.create(this.kind, joinOptions(this.kind, this.r)) : client.joinOrCreate(this.kind, joinOptions(this.kind, this.r));
        const room = await withTimeout(joining, 10000, `joining ${this.kind}`);
        this.tally.joins += 1;
        return this.watch(room);
      } catch (err) {
        const { code, message } = err as { code?: unknown; message?: unknown };
        this.tally.refusals.add(String(code));
        this.inspect("join refusal", String(message));
        this.token = undefined;
        if (attempt >= 5) throw new Error(`${this.kind}: 5 joins in a row refused, the last with ${code} ${message}`);
      }
    }
  }

  private watch(room: Room): Seat {
    const ws = (room.connection.transport as unknown as { ws: RawSocket }).ws;
    // colyseus.js prints every error it gets; the suite reads them instead.
    room.onError.clear();
    room.onError((code, message) => this.inspect(`ERROR frame ${code}`, String(message)));
    room.onMessage("*", (type, message) => {
      this.tally.messages += 1;
      if (type === "error") this.inspect("error message", JSON.stringify(message));
    });
    const closed = new Promise<void>((resolve) =>
      ws.once("close", (code, reason) => {
        this.tally.closes.add(code);
        this.inspect(`close ${code}`, reason.toString());
        resolve();
      }),
    );
    return { room, ws, closed };
  }

  private async fuzz(seat: Seat): Promise<void> {
    while (this.more && seat.ws.readyState === OPEN) {
      for (const frame of this.batch()) {
        // Counted only when handed to an open socket.
        if (seat.ws.readyState !== OPEN) break;
        seat.ws.send(frame.data, { binary: typeof frame.data !== "string" });
        this.tally.frames += 1;
        this.tally.labels.add(frame.label);
        if (frame.data.length > 0) this.tally.codes.add(Buffer.from(frame.data.slice(0, 1))[0]);
      }
      await this.roundTrip(seat);
    }
  }

  /** Resolves once the server has read everything sent so far (its pong), or closed the socket. */
  private async roundTrip(seat: Seat): Promise<void> {
    if (seat.ws.readyState !== OPEN) return withTimeout(seat.closed, 15000, `${this.kind} socket to close`);
    const pong = new Promise<void>((resolve) => seat.ws.once("pong", resolve));
    seat.ws.ping();
    await withTimeout(Promise.race([pong, seat.closed]), 15000, `${this.kind} pong`);
  }

  /**
   * Frames that leave the socket open, then perhaps one that closes it (anything after a
   * closing frame is never read). Leaderboard watchers close on any message, so theirs are
   * join acks and one hostile frame; in a flood, join acks only (the flood limit ends them).
   */
  private batch(): Frame[] {
    const [min, max] = this.plan.batch;
    const size = this.r.int(min, max);
    if (this.kind === "leaderboard") {
      const acks = Array.from({ length: this.plan.flood ? size : this.r.int(0, 2) }, () => FrameGenerator.joinAck());
      return this.plan.flood ? acks : [...acks, this.closer(this.frames.next())];
    }
    const out: Frame[] = [];
    let closer: Frame | undefined;
    while (out.length < size) {
      const frame = this.frames.next();
      if (!endsConnection(this.kind, frame)) out.push(frame);
      else closer ??= frame;
    }
    if (closer && !this.plan.flood && this.r.chance(this.plan.closeChance)) out.push(this.closer(closer));
    return out;
  }

  /**
   * A frame opened by a protocol code not sent to this room type yet, while there is one (so
   * every code gets its turn whatever the budget), else `drawn`.
   */
  private closer(drawn: Frame): Frame {
    const code = this.tally.unsentCode();
    return code === undefined ? drawn : { data: codeFrame(this.r, code), label: "code-sweep" };
  }
}

export async function fuzzRooms(plan: RoomFuzzPlan): Promise<RoomFuzzReport> {
  const tallies = Object.fromEntries(ROOM_KINDS.map((k) => [k, new RoomTally()])) as Record<RoomKind, RoomTally>;
  const report: RoomFuzzReport = { tallies, leaks: [] };
  const workers = ROOM_KINDS.flatMap((kind) => Array.from({ length: plan.workersPerKind }, (_, i) => new Worker(kind, i, plan, report)));
  await Promise.all(workers.map((w) => w.run()));
  return report;
}

/** A line per room type, then what kinds of frame were sent over all of them. */
export function describeRooms(report: RoomFuzzReport): string {
  const labels = new Histogram();
  const lines = ROOM_KINDS.map((k) => {
    const t = report.tallies[k];
    t.labels.addAll(labels);
    return `${k}: ${t.frames} frames, ${t.joins} joins, ${t.messages} messages back, closes {${t.closes}}${t.refusals.total ? `, refusals {${t.refusals}}` : ""}`;
  });
  return [...lines, `frames by generator: {${labels}}`].join("\n");
}
