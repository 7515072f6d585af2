/**
 * rooms/shared/encode-buffers.ts: a room's encoder keeps no buffer of its own, every frame it
 * hands out is its own memory, and the join handshake is made once per state class.
 */
import { strict as assert } from "node:assert";
import { Protocol, SchemaSerializer } from "@colyseus/core";
import { Decoder, Schema, type, view } from "@colyseus/schema";
import { shareEncodeBuffers } from "../../rooms/shared/encode-buffers";
import { PlayerState, WordDuelState } from "../../rooms/word-duel/WordDuelState";

type Encoding = SchemaSerializer<WordDuelState> & { encoder: { sharedBuffer: Buffer }; fullEncodeBuffer: Buffer };

function serializerOf(state: WordDuelState): Encoding {
  const s = new SchemaSerializer<WordDuelState>() as Encoding;
  s.reset(state);
  assert.equal(shareEncodeBuffers(s), true);
  return s;
}

/** A client's decoder fed with the full state a serializer gives (its frame code dropped). */
function decoded(s: Encoding): WordDuelState {
  const decoder = new Decoder(new WordDuelState());
  decoder.decode(s.getFullState(), { offset: 1 });
  return decoder.state as WordDuelState;
}

describe("encode buffers shared by every room (rooms/shared/encode-buffers.ts)", () => {
  it("encodes every room into the same scratch buffers and keeps none of its own", () => {
    const [a, b] = [serializerOf(new WordDuelState()), serializerOf(new WordDuelState())];
    assert.equal(a.encoder.sharedBuffer, b.encoder.sharedBuffer);
    assert.equal(a.fullEncodeBuffer, b.fullEncodeBuffer);
    assert.equal(a.fullEncodeBuffer[0], Protocol.ROOM_STATE);
  });

  it("hands out frames of their own: a later encode in any room changes no frame given before", () => {
    const one = new WordDuelState();
    const two = new WordDuelState();
    const [a, b] = [serializerOf(one), serializerOf(two)];
    one.prompt = "the apple";
    const patches: Buffer[] = [];
    const client = { state: 1 /* JOINED */, raw: (bytes: Buffer) => patches.push(bytes) };
    a.applyPatches([client as never]);
    const first = Buffer.from(patches[0]);
    two.prompt = "a completely different and longer prompt";
    b.applyPatches([client as never]);
    one.prompt = "x";
    a.applyPatches([client as never]);
    assert.equal(patches.length, 3);
    assert.deepEqual(patches[0], first, "the first patch was written over");
    for (const p of patches) {
      assert.equal(p[0], Protocol.ROOM_STATE_PATCH);
      assert.notEqual(p.buffer, a.encoder.sharedBuffer.buffer, "a patch is a view into the scratch buffer");
    }
  });

  it("caches a full state that decodes to the room's state, in memory of its own", () => {
    const state = new WordDuelState();
    state.players.set("s1", new PlayerState().assign({ name: "Ana" }));
    state.prompt = "el té";
    const s = serializerOf(state);
    const full = s.getFullState();
    assert.equal(full[0], Protocol.ROOM_STATE);
    assert.notEqual(full.buffer, s.fullEncodeBuffer.buffer);
    serializerOf(new WordDuelState()).getFullState(); // another room encodes its full state meanwhile
    const seen = decoded(s);
    assert.equal(seen.prompt, "el té");
    assert.equal(seen.players.get("s1")?.name, "Ana");
  });

  it("makes the join handshake once per state class, byte for byte what Colyseus makes", () => {
    const plain = new SchemaSerializer<WordDuelState>();
    plain.reset(new WordDuelState());
    const expected = Buffer.from(plain.handshake());
    const [a, b] = [serializerOf(new WordDuelState()), serializerOf(new WordDuelState())];
    assert.deepEqual(Buffer.from(a.handshake()), expected);
    assert.equal(a.handshake(), b.handshake(), "two rooms of one class share one handshake");
    assert.equal(a.handshake().byteLength, a.handshake().buffer.byteLength, "the handshake holds exactly its bytes");
  });

  it("leaves a state with @view filters its own buffers (each joiner's full state is built from a prefix the serializer cached)", () => {
    class Filtered extends Schema {
      @type("string") title = "";
      @view() @type("string") secret = "";
    }
    const s = new SchemaSerializer<Filtered>() as unknown as Encoding;
    s.reset(new Filtered() as never);
    const own = s.fullEncodeBuffer;
    assert.equal(shareEncodeBuffers(s), false);
    assert.equal(s.fullEncodeBuffer, own);
    assert.notEqual(s.encoder.sharedBuffer, serializerOf(new WordDuelState()).encoder.sharedBuffer);
  });

  it("changes nothing on a serializer of another shape", () => {
    const other = { reset() {}, handshake: () => Buffer.alloc(0) };
    assert.equal(shareEncodeBuffers(other), false);
    assert.equal(shareEncodeBuffers(undefined), false);
  });
});
