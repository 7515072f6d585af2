import type { Schema } from "@colyseus/schema";

/**
 * A room's state schema, named by what a client needs to decode it, so a client that has the
 * schema classes compiled in (the SDK) can skip their description in the join handshake.
 *
 * Colyseus sends every joining client the state's Reflection (its classes, field names and
 * types: about 670 bytes for a duel, more than the rest of a 10-round duel's state) so that
 * any client can decode it. A client whose compiled classes are exactly the server's says so
 * with the id below as a join option; the server then sends a short mark naming that id
 * instead (8 bytes), and the client decodes with its own classes. Any difference in a field, a type or
 * their order changes the id, and that client gets the full description as everyone does.
 */

/** How the join handshake's short mark starts (a Reflection never starts with 0xff); the schema id's 4 bytes follow. */
const MARK: readonly number[] = [0xff, 0x4c, 0x4c, 0x01];
const MARK_LENGTH = MARK.length + 4;

/**
 * The id of a state schema: FNV-1a (32 bits, hex) of what a decoder needs of it, read from
 * the classes' @colyseus/schema metadata — every field's index, name and type, nested
 * classes, maps and arrays included (what its Reflection says). Pure, and the same in the
 * browser (an Encoder, which Reflection needs, wants Node's Buffer).
 * @example schemaId(WordDuelState) // "5d0c2a9e" (changes whenever a field does)
 */
export function schemaId(State: SchemaClass): string {
  let hash = 0x811c9dc5;
  for (const char of describe(State)) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}

type SchemaClass = (new () => Schema) & { [Symbol.metadata]?: Record<number, { name: string; type: unknown } | undefined> | null };
type FieldType = string | SchemaClass | { map?: FieldType; array?: FieldType; set?: FieldType; collection?: FieldType };

/** `{0:phase=string,…,13:players=map<{0:name=string,…}>}`: every field of a class in index order. */
function describe(Klass: SchemaClass): string {
  const metadata = Klass[Symbol.metadata] ?? {};
  const fields: string[] = [];
  for (let i = 0; metadata[i] !== undefined; i++) fields.push(`${i}:${metadata[i]!.name}=${typeOf(metadata[i]!.type as FieldType)}`);
  return `{${fields.join(",")}}`;
}

function typeOf(type: FieldType): string {
  if (typeof type === "string") return type;
  if (typeof type === "function") return describe(type);
  const [kind, of] = Object.entries(type)[0] ?? ["?", "?"];
  return `${kind}<${typeOf(of as FieldType)}>`;
}

/**
 * A JOIN_ROOM frame (code, reconnection token, serializer id, each length-prefixed, then the
 * handshake) with its handshake replaced by the short mark of schema `id`.
 */
export function compactJoinFrame(frame: Uint8Array, id: string): Uint8Array {
  const tokenEnd = 2 + frame[1];
  const headerEnd = tokenEnd + 1 + frame[tokenEnd];
  const out = new Uint8Array(headerEnd + MARK_LENGTH);
  out.set(frame.subarray(0, headerEnd));
  out.set(MARK, headerEnd);
  new DataView(out.buffer).setUint32(headerEnd + MARK.length, parseInt(id, 16));
  return out;
}

/**
 * The schema id a handshake (from `offset` on) names when it is the short mark; undefined for
 * a Reflection.
 * @example markedSchema(frame, it.offset) // "3fa2c81d"
 */
export function markedSchema(bytes: Uint8Array, offset: number): string | undefined {
  if (bytes.length - offset !== MARK_LENGTH || !MARK.every((b, i) => bytes[offset + i] === b)) return undefined;
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(offset + MARK.length).toString(16).padStart(8, "0");
}
