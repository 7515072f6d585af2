import { strict as assert } from "node:assert";
import { Protocol } from "@colyseus/core";
import { pack, Packr } from "@colyseus/msgpackr";
import { FRAME, MAX_DEPTH, MAX_TYPE_LENGTH, parseFrame } from "../../rooms/shared/frames.rules";
import { truncateUtf8 } from "../../rooms/shared/GuardedRoom";
import { seededRng } from "../../loadtest/support/rng";

/** A ROOM_DATA frame as colyseus.js writes it: code, fixstr/str8 type, MessagePack payload. */
function data(type: string | Uint8Array, payload?: Uint8Array, code: number = FRAME.ROOM_DATA): Uint8Array {
  const t = typeof type === "string" ? Buffer.from(type, "utf8") : Buffer.from(type);
  const header = t.length < 32 ? [0xa0 | t.length] : [0xd9, t.length];
  return Buffer.concat([Buffer.from([code, ...header]), t, Buffer.from(payload ?? [])]);
}

describe("room frames (read strictly before Colyseus)", () => {
  it("uses Colyseus 0.16's protocol bytes", () => {
    assert.deepEqual(FRAME, { JOIN_ROOM: Protocol.JOIN_ROOM, LEAVE_ROOM: Protocol.LEAVE_ROOM, ROOM_DATA: Protocol.ROOM_DATA, ROOM_DATA_BYTES: Protocol.ROOM_DATA_BYTES });
  });
  it("reads a message: its type and plain payload", () => {
    assert.deepEqual(parseFrame(data("answer", pack({ answer: "la manzana" }))), { kind: "data", type: "answer", payload: { answer: "la manzana" } });
    assert.deepEqual(parseFrame(data("answer")), { kind: "data", type: "answer", payload: undefined });
    assert.deepEqual(parseFrame(data("x".repeat(40), pack(1))), { kind: "data", type: "x".repeat(40), payload: 1 }, "str8 type");
    const str16 = Buffer.concat([Buffer.from([FRAME.ROOM_DATA, 0xda, 3, 0]), Buffer.from("abc"), pack(true)]);
    assert.deepEqual(parseFrame(str16), { kind: "data", type: "abc", payload: true }, "str16 type, little-endian");
    assert.deepEqual(parseFrame(data("blob", Uint8Array.of(1, 2), FRAME.ROOM_DATA_BYTES)), { kind: "bytes", type: "blob" });
  });
  it("reads the handshake ack and a leave", () => {
    assert.deepEqual(parseFrame(Uint8Array.of(FRAME.JOIN_ROOM)), { kind: "join" });
    assert.deepEqual(parseFrame(Uint8Array.of(FRAME.LEAVE_ROOM)), { kind: "leave" });
  });
  it("names prototype members and reserved names as plain types (the room decides)", () => {
    for (const type of ["constructor", "__proto__", "toString", "hasOwnProperty", "__no_message_handler"]) {
      assert.deepEqual(parseFrame(data(type, pack("x".repeat(300)))), { kind: "data", type, payload: "x".repeat(300) });
    }
  });
  it("refuses what is not a well-formed frame", () => {
    const bad = (bytes: Uint8Array) => parseFrame(bytes).kind;
    assert.equal(bad(Uint8Array.of()), "bad", "empty");
    assert.equal(bad(Uint8Array.of(99, 1, 2)), "bad", "unknown code");
    assert.equal(bad(Uint8Array.of(Protocol.ROOM_STATE_PATCH)), "bad", "a server-only code");
    assert.equal(bad(Uint8Array.of(FRAME.ROOM_DATA)), "bad", "no type");
    assert.equal(bad(Uint8Array.of(FRAME.ROOM_DATA, 0x05)), "bad", "numeric type");
    assert.equal(bad(Uint8Array.of(FRAME.ROOM_DATA, 0xa6, 0x61)), "bad", "truncated type");
    assert.equal(bad(data(Uint8Array.of(0xff, 0xfe, 0x61))), "bad", "type not UTF-8");
    assert.equal(bad(data("t".repeat(MAX_TYPE_LENGTH + 1))), "bad", "type too long");
    assert.equal(bad(data("answer", Uint8Array.of(0x82, 0xa1))), "bad", "truncated MessagePack");
  });
  it("refuses payloads that are not plain data (msgpackr extensions, deep nesting)", () => {
    const bad = (payload: Uint8Array) => parseFrame(data("answer", payload)).kind;
    // A hostile client can write any extension; this packer writes the ones msgpackr reads.
    const all = new Packr({ moreTypes: true, useRecords: false });
    assert.equal(bad(pack(new Date())), "bad", "Date");
    assert.equal(bad(all.pack(new Set([1]))), "bad", "Set");
    assert.equal(bad(all.pack(/x+/)), "bad", "RegExp");
    assert.equal(bad(all.pack(new Uint16Array([1]))), "bad", "typed array");
    assert.equal(bad(all.pack(new Error("boom"))), "bad", "Error");
    assert.equal(bad(all.pack(123n)), "bad", "BigInt");
    assert.equal(bad(Uint8Array.of(0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0)), "bad", "NaN");
    let deep: unknown = "x";
    for (let i = 0; i < MAX_DEPTH + 1; i++) deep = [deep];
    assert.equal(bad(pack(deep)), "bad", "nested too deep");
    assert.equal(parseFrame(data("answer", pack({ a: [{ b: null }] }))).kind, "data", "shallow nesting is fine");
  });
  it("never throws, whatever the bytes (10,000 random frames)", () => {
    const rng = seededRng(9);
    for (let i = 0; i < 10_000; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(rng() * 64) }, () => Math.floor(rng() * 256));
      if (rng() < 0.5 && bytes.length > 0) bytes[0] = [10, 12, 13, 17][Math.floor(rng() * 4)];
      assert.doesNotThrow(() => parseFrame(bytes));
    }
  });
  it("cuts close reasons to the WebSocket limit without splitting a character", () => {
    assert.equal(truncateUtf8("short", 123), "short");
    const cut = truncateUtf8("é".repeat(100), 123);
    assert.ok(Buffer.byteLength(cut) <= 123);
    assert.equal(cut, "é".repeat(61));
  });
});
