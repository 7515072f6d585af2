/**
 * colyseus.js's schema serializer, which also takes the short join handshake of a schema the
 * SDK has compiled in (rooms/shared/schema-id.ts): the server then skips sending the state's
 * Reflection (about 670 bytes for a duel). Any other handshake is decoded as colyseus.js does
 * (a reconnection, a server whose schema differs), so the SDK decodes every room either way.
 */
import { SchemaSerializer } from "colyseus.js";
import { Decoder, type Iterator, type Schema } from "@colyseus/schema";
import { markedSchema, schemaId } from "../rooms/shared/schema-id";
import { WordDuelState } from "../rooms/word-duel/WordDuelState";
import { ClassGameState } from "../rooms/class-game/ClassGameState";

/**
 * The id of the duel schema this SDK was built with: sent as the `schema` join option.
 * @example await mm.join("joinOrCreate", "word_duel", { lang: "es", mode: "choice", schema: DUEL_SCHEMA_ID })
 */
export const DUEL_SCHEMA_ID = schemaId(WordDuelState);

/** The id of the class game's schema this SDK was built with (a phone's join then skips about 1 KB of schema description). */
export const CLASS_SCHEMA_ID = schemaId(ClassGameState);

const compiled = new Map<string, new () => Schema>([
  [DUEL_SCHEMA_ID, WordDuelState],
  [CLASS_SCHEMA_ID, ClassGameState],
]);

export class CompactSerializer extends SchemaSerializer {
  override handshake(bytes: Buffer, it?: Iterator): void {
    const id = it ? markedSchema(bytes, it.offset) : undefined;
    const Compiled = id === undefined ? undefined : compiled.get(id);
    if (!Compiled || !it) return super.handshake(bytes, it);
    this.state = new Compiled();
    this.decoder = new Decoder(this.state);
    it.offset = bytes.length;
  }
}
