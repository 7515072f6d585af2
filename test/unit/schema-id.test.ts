import { strict as assert } from "node:assert";
import { Schema, type } from "@colyseus/schema";
import { compactJoinFrame, markedSchema, schemaId } from "../../rooms/shared/schema-id";
import { WordDuelState } from "../../rooms/word-duel/WordDuelState";

class Small extends Schema {
  @type("string") name = "";
}
class SmallRenamed extends Schema {
  @type("string") title = "";
}
class SmallRetyped extends Schema {
  @type("number") name = 0;
}

describe("schema ids and the short join handshake (rooms/shared/schema-id.ts)", () => {
  it("names a schema by its fields: the same classes give the same id, a renamed or retyped field another", () => {
    assert.match(schemaId(WordDuelState), /^[0-9a-f]{8}$/);
    assert.equal(schemaId(WordDuelState), schemaId(WordDuelState));
    assert.equal(new Set([schemaId(Small), schemaId(SmallRenamed), schemaId(SmallRetyped), schemaId(WordDuelState)]).size, 4);
  });

  it("puts the mark of a schema in a JOIN_ROOM frame in place of its Reflection, and reads it back", () => {
    const token = Buffer.from("abc");
    const serializer = Buffer.from("schema");
    const reflection = Buffer.alloc(600, 0x80);
    const frame = Buffer.concat([Buffer.from([10, token.length]), token, Buffer.from([serializer.length]), serializer, reflection]);
    const id = schemaId(WordDuelState);
    const compact = compactJoinFrame(frame, id);
    const headerEnd = 2 + token.length + 1 + serializer.length;
    assert.deepEqual([...compact.subarray(0, headerEnd)], [...frame.subarray(0, headerEnd)], "token and serializer id kept");
    assert.equal(compact.length, headerEnd + 8);
    assert.equal(markedSchema(compact, headerEnd), id);
    assert.equal(markedSchema(frame, headerEnd), undefined, "a Reflection is not a mark");
  });
});
