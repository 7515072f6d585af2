/**
 * Reads one WebSocket frame a client sent to a room, strictly, before Colyseus sees it.
 * Pure: bytes in, a {@link Frame} out; it never throws.
 *
 * Colyseus 0.16's own dispatch decodes the message type leniently (invalid UTF-8 is printed
 * to stderr), answers an unknown type with a close whose reason holds the client's text
 * (over 123 bytes `ws` throws) and lets a throwing validator escape. So a room frame is read
 * here, in this order:
 *  1. the first byte names the frame: ROOM_DATA, ROOM_DATA_BYTES, JOIN_ROOM (the ack) and
 *     LEAVE_ROOM are taken; every other byte is "bad";
 *  2. a message type is a MessagePack-style string (schema's encoding: fixstr, str8, or str16
 *     little-endian) of at most {@link MAX_TYPE_LENGTH} bytes of valid UTF-8; numeric types
 *     (which LinguaLeap never uses) are "bad";
 *  3. a ROOM_DATA payload is MessagePack that must decode to plain data — null, booleans,
 *     finite numbers, strings, arrays and plain objects, nested at most {@link MAX_DEPTH}
 *     deep — so no Date, RegExp, Set, BigInt, typed array or Error (msgpackr extensions)
 *     reaches a handler.
 */
import { unpack } from "@colyseus/msgpackr";

/** Colyseus 0.16 protocol bytes (test/unit/frames.test.ts checks them against @colyseus/core). */
export const FRAME = { JOIN_ROOM: 10, LEAVE_ROOM: 12, ROOM_DATA: 13, ROOM_DATA_BYTES: 17 } as const;

/** Longest message type a room reads, in UTF-8 bytes. */
export const MAX_TYPE_LENGTH = 64;
/** Deepest nesting of arrays and objects a payload may have. */
export const MAX_DEPTH = 8;

export type Frame =
  | { kind: "data"; type: string; payload: unknown }
  | { kind: "bytes"; type: string }
  | { kind: "join" }
  | { kind: "leave" }
  | { kind: "bad"; reason: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a client frame.
 * @example parseFrame(Uint8Array.of(13, 0xa6, ...Buffer.from("answer"), 0x80)) // { kind: "data", type: "answer", payload: {} }
 */
export function parseFrame(bytes: Uint8Array): Frame {
  if (bytes.length === 0) return bad("empty frame");
  switch (bytes[0]) {
    case FRAME.JOIN_ROOM:
      return { kind: "join" };
    case FRAME.LEAVE_ROOM:
      return { kind: "leave" };
    case FRAME.ROOM_DATA:
    case FRAME.ROOM_DATA_BYTES:
      return dataFrame(bytes);
    default:
      return bad("unknown frame code");
  }
}

function dataFrame(bytes: Uint8Array): Frame {
  const header = messageType(bytes, 1);
  if (typeof header === "string") return bad(header);
  const { type, end } = header;
  if (bytes[0] === FRAME.ROOM_DATA_BYTES) return { kind: "bytes", type };
  if (end === bytes.length) return { kind: "data", type, payload: undefined };
  let payload: unknown;
  try {
    payload = unpack(bytes.subarray(end));
  } catch {
    return bad("payload is not MessagePack");
  }
  return isPlainData(payload, 0) ? { kind: "data", type, payload } : bad("payload is not plain data");
}

/** The type string at `offset`, or why it is not one. */
function messageType(bytes: Uint8Array, offset: number): { type: string; end: number } | string {
  const prefix = bytes[offset];
  let length: number;
  let start: number;
  if (prefix === undefined) return "no message type";
  if (prefix >= 0xa0 && prefix <= 0xbf) [length, start] = [prefix & 0x1f, offset + 1];
  else if (prefix === 0xd9) [length, start] = [bytes[offset + 1], offset + 2];
  else if (prefix === 0xda) [length, start] = [(bytes[offset + 1] ?? 0) | ((bytes[offset + 2] ?? 0) << 8), offset + 3];
  else return "message type is not a string";
  if (length === undefined || start + length > bytes.length) return "truncated message type";
  if (length > MAX_TYPE_LENGTH) return "message type too long";
  try {
    return { type: utf8.decode(bytes.subarray(start, start + length)), end: start + length };
  } catch {
    return "message type is not UTF-8";
  }
}

/** True for JSON-like data: what a LinguaLeap client may send. */
export function isPlainData(value: unknown, depth: number): boolean {
  if (value === null || value === undefined) return true;
  switch (typeof value) {
    case "boolean":
    case "string":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object": {
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(value)) return value.every((v) => isPlainData(v, depth + 1));
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      return Object.values(value as object).every((v) => isPlainData(v, depth + 1));
    }
    default:
      return false;
  }
}

function bad(reason: string): Frame {
  return { kind: "bad", reason };
}
