/**
 * What a learner receives, counted at the `ws` WebSocket (the package colyseus.js uses in
 * Node): every frame of a room's socket, from the upgrade on, by Colyseus code and message
 * type, with its frame header. Installed once per process ({@link countRoomSockets}); each
 * socket's counts are found by the seat's sessionId (the `sessionId` of its URL), so raw
 * colyseus.js learners and the SDK's are counted the same way.
 *
 * A frame's bytes are its payload plus its header as the server writes it (unmasked, no
 * compression: @colyseus/ws-transport turns perMessageDeflate off): 2 bytes up to 125 bytes of
 * payload, 4 up to 65,535, else 10. The chunks the socket hands the frame parser are counted
 * too (`rawBytes`), as a check on that arithmetic. The HTTP 101 answer is not counted.
 */
import { decode } from "@colyseus/schema";
import { Room } from "colyseus.js";
import WebSocket from "ws";
import { MSG_ANSWER } from "../../rooms/word-duel/messages";

/** Colyseus 0.16 protocol codes of what a server sends a room's client. */
export const FRAME_CODES: Readonly<Record<number, string>> = { 10: "10 join", 11: "11 error", 12: "12 leave", 13: "13 message", 14: "14 full state", 15: "15 patch" };
const ROOM_DATA = 13;

/** Frames and bytes of one kind. */
export interface Tally {
  frames: number;
  bytes: number;
}

/** One room socket's counts. */
export class WireCount {
  /** Data frames by code ("15 patch", "13 message", …) until the freeze. */
  readonly byCode: Record<string, Tally> = {};
  /** ROOM_DATA frames by message type until the freeze. */
  readonly byType: Record<string, Tally> = {};
  /** Control frames (pings, close) until the freeze. */
  readonly control: Tally = { frames: 0, bytes: 0 };
  /** Every frame of the connection's life, data and control (not frozen). */
  readonly whole: Tally = { frames: 0, bytes: 0 };
  /** Bytes the socket handed the frame parser, the whole connection (not frozen). */
  rawBytes = 0;
  /** Set by the learner: stop counting after the frame being handled (the duel's result). */
  endAfterThisFrame = false;
  frozen = false;

  /** Data frames and their bytes until the freeze (the duel's result). */
  get data(): Tally {
    return sum(Object.values(this.byCode));
  }

  countFrame(payload: Uint8Array): void {
    const bytes = payload.byteLength + headerBytes(payload.byteLength);
    add(this.whole, bytes);
    if (!this.frozen) {
      const code = payload[0];
      add((this.byCode[FRAME_CODES[code] ?? `code ${code}`] ??= { frames: 0, bytes: 0 }), bytes);
      if (code === ROOM_DATA) add((this.byType[messageType(payload)] ??= { frames: 0, bytes: 0 }), bytes);
    }
    if (this.endAfterThisFrame) this.frozen = true;
  }

  countControl(payloadBytes: number): void {
    const bytes = payloadBytes + headerBytes(payloadBytes);
    add(this.whole, bytes);
    if (!this.frozen) add(this.control, bytes);
  }
}

/** Server-to-client frame header bytes for a payload of `length` (unmasked). */
export function headerBytes(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

function add(t: Tally, bytes: number): void {
  t.frames += 1;
  t.bytes += bytes;
}

/** The sum of tallies. */
export function sum(tallies: Iterable<Tally>): Tally {
  const out = { frames: 0, bytes: 0 };
  for (const t of tallies) [out.frames, out.bytes] = [out.frames + t.frames, out.bytes + t.bytes];
  return out;
}

function messageType(bytes: Uint8Array): string {
  try {
    const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const it = { offset: 1 };
    return decode.stringCheck(payload, it) ? decode.string(payload, it) : `#${decode.number(payload, it)}`;
  } catch {
    return "?";
  }
}

const counts = new Map<string, WireCount>();
let installed = false;

/**
 * Counts every room socket this process opens from now on (idempotent). It wraps ws's
 * `setSocket`, which runs once the upgrade is answered and before any frame is read.
 */
export function countRoomSockets(): void {
  if (installed) return;
  installed = true;
  const proto = WebSocket.prototype as unknown as { setSocket(...args: unknown[]): void };
  const setSocket = proto.setSocket;
  proto.setSocket = function (this: WebSocket & { _receiver: { write(chunk: Buffer): boolean } }, ...args: unknown[]) {
    setSocket.apply(this, args);
    const sessionId = new URL(this.url).searchParams.get("sessionId");
    if (!sessionId) return;
    const count = new WireCount();
    counts.set(sessionId, count);
    const receiver = this._receiver;
    const write = receiver.write.bind(receiver);
    receiver.write = (chunk: Buffer) => ((count.rawBytes += chunk.length), write(chunk));
    // Added after colyseus.js's own listener: the learner has seen the frame (and may have
    // asked for the freeze) by the time it is counted here.
    this.on("message", (data: ArrayBuffer | Buffer) => count.countFrame(data instanceof ArrayBuffer ? new Uint8Array(data) : data));
    this.on("ping", (data: Buffer) => count.countControl(data.length));
    this.on("close", (_code: number, reason: Buffer) => count.countControl(reason.length > 0 ? reason.length + 2 : 2));
  };
}

/** The counts of the room socket of `sessionId` (undefined before its upgrade). */
export function wireOf(sessionId: string): WireCount | undefined {
  return counts.get(sessionId);
}

/** Forgets every socket's counts (between runs). */
export function forgetWire(): void {
  counts.clear();
}

/**
 * The `answer` frame colyseus.js sends for `answer`, made by its own Room.send (ROOM_DATA,
 * the type as a schema string, the payload as its msgpackr packs it).
 * @example answerFrame("la manzana").length // 1 + 7 + msgpack of {answer: "la manzana"}
 */
export function answerFrame(answer: string): Uint8Array {
  const room = new Room("word_duel");
  let sent: Uint8Array | undefined;
  (room as unknown as { connection: { send(d: Uint8Array): void } }).connection = { send: (d) => (sent = Uint8Array.from(d)) };
  room.send(MSG_ANSWER, { answer });
  return sent!;
}
