/**
 * Hostile room frames: what a client could put on a joined room's WebSocket. A frame is the
 * protocol byte, then (ROOM_DATA 13, ROOM_DATA_BYTES 17) a message type encoded like
 * MessagePack (fixstr, str8, or str16 little-endian, as @colyseus/schema writes it) and a
 * MessagePack payload (docs/protocol/rooms.md §1.3). Each generator aims at one way Colyseus or
 * msgpackr has been seen to go wrong: prototype-named types, the reserved no-handler type,
 * lengths that lie, invalid UTF-8, extension types that build Errors, RegExps, Sets, typed
 * arrays or BigInts, nesting deep enough to exhaust a recursive reader, sizes around the
 * transport's 4 KB limit.
 */
import { pack } from "@colyseus/msgpackr";
import { isTame } from "./observe";
import type { Rand } from "./random";

export interface Frame {
  /** What the socket sends: bytes as a binary frame, a string as a text frame. */
  data: Buffer | string;
  /** The generator that made it (for reports). */
  label: string;
}

const ROOM_DATA = 13;
const ROOM_DATA_BYTES = 17;
/** Protocol bytes a room reads; every other first byte is invalid. */
const KNOWN_CODES = new Set([10, 12, 13, 17]);
const UNKNOWN_CODES = Array.from({ length: 256 }, (_, i) => i).filter((code) => !KNOWN_CODES.has(code));

/** Names every object inherits: a dispatch table that is a plain object finds them. */
export const PROTOTYPE_NAMES = [
  "constructor", "toString", "__proto__", "hasOwnProperty", "valueOf", "isPrototypeOf", "propertyIsEnumerable",
  "toLocaleString", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__", "prototype",
];

/** A message type as @colyseus/schema encodes a string (str16 length little-endian). */
export function typeHeader(type: Buffer, form: "fix" | "str8" | "str16" = type.length < 32 ? "fix" : type.length < 256 ? "str8" : "str16"): Buffer {
  if (form === "fix") return Buffer.concat([Buffer.of(0xa0 | (type.length & 0x1f)), type]);
  if (form === "str8") return Buffer.concat([Buffer.of(0xd9, type.length & 0xff), type]);
  return Buffer.concat([Buffer.of(0xda, type.length & 0xff, (type.length >> 8) & 0xff), type]);
}

export function roomData(type: string | Buffer, payload: Buffer = Buffer.alloc(0), code = ROOM_DATA): Buffer {
  return Buffer.concat([Buffer.of(code), typeHeader(Buffer.isBuffer(type) ? type : Buffer.from(type)), payload]);
}

/** A MessagePack string header and bytes (str8/str16 big-endian, as MessagePack itself says). */
function mpStr(s: string): Buffer {
  const b = Buffer.from(s);
  if (b.length < 32) return Buffer.concat([Buffer.of(0xa0 | b.length), b]);
  if (b.length < 256) return Buffer.concat([Buffer.of(0xd9, b.length), b]);
  return Buffer.concat([Buffer.of(0xda, b.length >> 8, b.length & 0xff), b]);
}

/** A one-key map whose key `pack` cannot write from a literal (`__proto__` sets a prototype). */
function mapOf(key: string, value: Buffer): Buffer {
  return Buffer.concat([Buffer.of(0x81), mpStr(key), value]);
}

function ext(type: number, data: Buffer): Buffer {
  const t = type & 0xff;
  if ([1, 2, 4, 8, 16].includes(data.length)) return Buffer.concat([Buffer.of({ 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 }[data.length]!, t), data]);
  if (data.length < 256) return Buffer.concat([Buffer.of(0xc7, data.length, t), data]);
  return Buffer.concat([Buffer.of(0xc8, data.length >> 8, data.length & 0xff, t), data]);
}

/** Plain-looking values with odd corners: what a sloppy or hostile client puts in `answer`. */
function oddValue(r: Rand, depth = 0): unknown {
  return r.weighted<() => unknown>([
    [4, () => r.oddText(r.int(0, 130))],
    [1, () => "x".repeat(r.pick([99, 100, 101, 1000]))],
    [2, () => r.pick([0, -0, 1e308, -1e308, NaN, Infinity, -Infinity, 2 ** 53 + 1, 0.1, -1])],
    [1, () => r.pick([null, undefined, true, false])],
    [1, () => (depth > 3 ? [] : Array.from({ length: r.int(0, 5) }, () => oddValue(r, depth + 1)))],
    [1, () => (depth > 3 ? {} : { answer: oddValue(r, depth + 1), [r.text(4)]: oddValue(r, depth + 1) })],
    [1, () => Buffer.from(r.bytes(r.int(0, 40)))],
  ])();
}

function answerPayload(r: Rand): Buffer {
  return r.weighted<() => Buffer>([
    [5, () => pack({ answer: oddValue(r) })],
    [2, () => pack(oddValue(r))],
    [1, () => pack({ answer: r.pick(["la manzana", "el perro", "", " ", "Manzana", "manzána"]), round: r.int(-5, 99) })],
    [1, () => mapOf("__proto__", pack({ answer: "x", isAdmin: true }))],
    [1, () => mapOf(r.pick(PROTOTYPE_NAMES), pack({ answer: "x" }))],
    [1, () => Buffer.alloc(0)],
  ])();
}

/** Nesting `depth` deep: arrays, maps, or maps keyed by prototype names, around the reader's depth limit. */
function nested(r: Rand): Buffer {
  const depth = r.pick([7, 8, 9, 16, 17, r.int(1, 60), r.int(100, 1300)]);
  const shape = r.pick(["array", "map", "proto"] as const);
  const open = shape === "array" ? Buffer.of(0x91) : shape === "map" ? mapOf("a", Buffer.alloc(0)).subarray(0, 3) : mapOf("__proto__", Buffer.alloc(0)).subarray(0, 11);
  return Buffer.concat([...Array.from({ length: depth }, () => open), Buffer.of(0xc0)]);
}

/** MessagePack extension values: the ones msgpackr turns into objects, with sane and insane contents. */
function extension(r: Rand): Buffer {
  return r.weighted<() => Buffer>([
    [2, () => ext(-1, r.bytes(r.pick([4, 8, 12, 3, 0])))], // timestamps (and lengths no timestamp has)
    [2, () => ext(0x42, r.bytes(r.int(1, 1500)))], // BigInt of up to 12,000 bits
    [2, () => ext(0x65, Buffer.concat([Buffer.of(0), pack([r.pick(["Error", "TypeError", "constructor", "__proto__", "hasOwnProperty", "x"]), "m", { cause: 1 }])]))],
    [1, () => ext(0x65, Buffer.concat([Buffer.of(0), pack(r.pick([null, 1, "s", []]))]))],
    [2, () => ext(0x78, Buffer.concat([Buffer.of(0), pack([r.pick(["(", "(a+)+$", "[", "\\", "a{99999999}", ".*"]), r.pick(["g", "zz", "", "gimsuy", 5])])]))],
    [2, () => ext(0x74, Buffer.concat([Buffer.of(r.int(0, 20)), r.bytes(r.int(0, 33))]))], // typed arrays, odd lengths
    [2, () => ext(0x73, Buffer.concat([Buffer.of(0), r.pick([pack([1, 2, 3]), pack(1), pack(null), Buffer.alloc(0)])]))],
    [1, () => ext(0x69, Buffer.concat([r.bytes(4), pack({ a: 1 })]))], // structured-clone ids and pointers
    [1, () => ext(0x70, r.bytes(4))],
    [1, () => ext(0x62, r.bytes(r.pick([4, 8])))], // bundled strings with a made-up size
    [1, () => Buffer.concat([Buffer.of(0xd4, 0x72, r.int(0, 255)), r.bytes(r.int(0, 12))])], // record definitions
    [1, () => ext(r.int(0, 255), r.bytes(r.int(0, 300)))],
  ])();
}

/** MessagePack whose lengths lie: cut short, or a huge declared count with little behind it. */
function lying(r: Rand): Buffer {
  return r.weighted<() => Buffer>([
    [3, () => { const whole = pack({ answer: r.oddText(r.int(1, 60)), list: [1, 2, 3] }); return whole.subarray(0, r.int(0, whole.length - 1)); }],
    [1, () => Buffer.of(0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0)], // array32 of 2^32-1 elements
    [1, () => Buffer.of(0xdf, 0x7f, 0xff, 0xff, 0xff, 0xa1, 0x61)], // map32 of 2^31-1 entries
    [1, () => Buffer.concat([Buffer.of(0xdb, 0x7f, 0xff, 0xff, 0xff), r.bytes(8)])], // str32
    [1, () => Buffer.concat([Buffer.of(0xc6, 0xff, 0xff, 0xff, 0xf0), r.bytes(8)])], // bin32
    [1, () => Buffer.concat([pack(1), pack(2)])], // two values where one is read
    [1, () => Buffer.of(0xc1)], // the byte MessagePack never uses
  ])();
}

function badUtf8(r: Rand): Buffer {
  return r.pick([Buffer.of(0xff, 0xfe), Buffer.of(0xc3, 0x28), Buffer.of(0xc0, 0xaf), Buffer.of(0xed, 0xa0, 0x80), Buffer.of(0xf4, 0x90, 0x80, 0x80), Buffer.of(0x61, 0xe2, 0x82), r.bytes(r.int(1, 30))]);
}

/** A message type that is a MessagePack number (Colyseus allows them; LinguaLeap uses none). */
function numericType(r: Rand): Buffer {
  return r.pick([Buffer.of(r.int(0, 0x7f)), Buffer.of(0xcc, r.int(0, 255)), Buffer.of(0xcd, 0xff, 0xff), Buffer.of(0xce, 0xff, 0xff, 0xff, 0xff), Buffer.of(0xcf, ...r.bytes(8)), Buffer.of(0xe0 | r.int(0, 31)), Buffer.of(0xd3, ...r.bytes(8)), Buffer.of(0xcb, ...r.bytes(8)), Buffer.of(0xca)]);
}

/** A frame opened by protocol byte `code`, a few random bytes after it. */
export function codeFrame(r: Rand, code: number): Buffer {
  return Buffer.concat([Buffer.of(code), r.bytes(r.int(0, 12))]);
}

/** A frame of exactly `size` bytes: an `answer` whose payload is a bin of filler. */
function sized(size: number): Buffer {
  const head = roomData("answer");
  const room = size - head.length - 3;
  return Buffer.concat([head, Buffer.of(0xc5, room >> 8, room & 0xff), Buffer.alloc(Math.max(0, room), 0x61)]).subarray(0, size);
}

type Generator = (r: Rand) => Buffer | string;

/** Each generator and how often it is drawn. */
const CATALOGUE: readonly (readonly [number, string, Generator])[] = [
  [22, "answer", (r) => roomData("answer", answerPayload(r), r.chance(0.9) ? ROOM_DATA : ROOM_DATA_BYTES)],
  [9, "prototype-type", (r) => roomData(r.pick(PROTOTYPE_NAMES), r.chance(0.5) ? answerPayload(r) : Buffer.alloc(0), r.chance(0.8) ? ROOM_DATA : ROOM_DATA_BYTES)],
  [5, "no-handler-type", (r) => roomData("__no_message_handler", r.chance(0.5) ? r.bytes(r.int(0, 3000)) : pack(r.text(r.int(0, 3000))))],
  [4, "special-type", (r) => roomData(r.pick(["*", "", " ", "answer ", "ANSWER", "answer\u0000", "error", "onMessage", "__onJoin", "\u0000"]), answerPayload(r))],
  [4, "long-type", (r) => roomData(Buffer.from(r.text(r.pick([64, 65, r.int(32, 255), r.int(256, 3000)]))), answerPayload(r))],
  [3, "lying-type-length", (r) => Buffer.concat([Buffer.of(ROOM_DATA), r.pick([Buffer.of(0xd9, 200), Buffer.of(0xda, 0xff, 0xff), Buffer.of(0xbf), Buffer.of(0xdb, 1, 0, 0, 0)]), Buffer.from(r.text(r.int(0, 20)))])],
  [4, "invalid-utf8-type", (r) => roomData(badUtf8(r), answerPayload(r), r.chance(0.8) ? ROOM_DATA : ROOM_DATA_BYTES)],
  [4, "numeric-type", (r) => Buffer.concat([Buffer.of(r.chance(0.8) ? ROOM_DATA : ROOM_DATA_BYTES), numericType(r), answerPayload(r)])],
  [6, "nested-payload", (r) => roomData(r.pick(["answer", "x", "__proto__"]), nested(r))],
  // A class game's host commands with odd payloads ("end" left out: it closes the game, and each close costs a join).
  [5, "class-command", (r) => roomData(r.pick(["start", "next", "pause", "resume", "remove", "auto", "lock"]), r.chance(0.5) ? answerPayload(r) : pack(r.pick([{ player: r.pick(["p1", "p0", "__proto__", "p99999", r.text(40)]) }, { on: oddValue(r) }, { round: oddValue(r) }, null])))],
  [7, "extension-payload", (r) => roomData("answer", r.chance(0.5) ? extension(r) : mapOf("answer", extension(r)))],
  [5, "lying-payload", (r) => roomData("answer", lying(r))],
  [4, "random-bytes", (r) => Buffer.concat([Buffer.of(r.pick([ROOM_DATA, ROOM_DATA_BYTES, r.int(0, 255)])), r.bytes(r.int(0, r.chance(0.1) ? 4200 : 300))])],
  [2, "empty", () => Buffer.alloc(0)],
  [4, "text-frame", (r) => r.pick(["\r\xa6answer\x80", JSON.stringify({ answer: "x" }), r.oddText(r.int(0, 200)), "\u0011\xa1a", "\n", ""])],
  [3, "size-edge", (r) => sized(r.pick([4094, 4095, 4096, 4097, 4200, 8192]))],
  [5, "unknown-code", (r) => codeFrame(r, r.pick(UNKNOWN_CODES))],
  [3, "join-leave-codes", (r) => Buffer.concat([Buffer.of(r.pick([10, 10, 12])), r.bytes(r.int(0, 8))])],
];

const WEIGHTED = CATALOGUE.map(([weight, label, make]) => [weight, { label, make }] as const);

/** Draws hostile frames from one seeded stream (one per worker, so runs replay). */
export class FrameGenerator {
  constructor(private readonly r: Rand) {}

  next(): Frame {
    for (;;) {
      const { label, make } = this.r.weighted(WEIGHTED);
      const data = make(this.r);
      // The server echoes a message type in its `error` answer: never one that looks internal.
      if (isTame(data)) return { data, label };
    }
  }

  /** The join ack (harmless once joined): what a leaderboard watcher may send without being closed. */
  static joinAck(): Frame {
    return { data: Buffer.of(10), label: "join-ack" };
  }
}
