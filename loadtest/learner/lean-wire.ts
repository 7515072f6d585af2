/**
 * The Colyseus 0.16 room wire as the lean learner (LeanLearner.ts) speaks it, without
 * colyseus.js: the frames it sends (JOIN_ROOM ack, LEAVE_ROOM, `answer` as ROOM_DATA) and a
 * reader of the frames the server sends (docs/protocol/rooms.md 1.3), which decodes the state
 * with @colyseus/schema and hands the rest to a {@link WireListener}. The reader never throws:
 * a frame it cannot read becomes a LOADTEST_BAD_FRAME for the listener, and reading goes on.
 *
 * Reflected classes are cached per distinct handshake ({@link decoderFor}): every duel room
 * sends the same one, so thousands of learners share one class set and one TypeContext
 * instead of each building its own (a Decoder only reads the context: `context.get(typeId)`).
 */
import { pack, unpack } from "@colyseus/msgpackr";
import { decode, Decoder, Reflection, type Iterator, type Schema, type TypeContext } from "@colyseus/schema";
import { MSG_ANSWER, type AnswerMessage } from "../../rooms/word-duel/messages";

/** Colyseus 0.16 protocol bytes (@colyseus/core build/Protocol.js). */
export const CODE = { JOIN_ROOM: 10, ERROR: 11, LEAVE_ROOM: 12, ROOM_DATA: 13, ROOM_STATE: 14, ROOM_STATE_PATCH: 15, ROOM_DATA_BYTES: 17 } as const;

/** The single-byte frames a client sends. */
export const JOIN_ACK = Buffer.from([CODE.JOIN_ROOM]);
export const LEAVE = Buffer.from([CODE.LEAVE_ROOM]);

/** ROOM_DATA, then the type `answer` as a MessagePack fixstr: what colyseus.js's `room.send("answer", …)` starts with. */
const ANSWER_HEAD = Buffer.from([CODE.ROOM_DATA, 0xa0 | MSG_ANSWER.length, ...Buffer.from(MSG_ANSWER)]);

/**
 * The `answer` frame for `text`.
 * @example answerFrame("la manzana") // 0d a6 "answer" de 00 01 a6 "answer" aa "la manzana" (as in docs/protocol/rooms.md 1.3)
 */
export function answerFrame(text: string): Buffer {
  return Buffer.concat([ANSWER_HEAD, pack({ answer: text } satisfies AnswerMessage)]);
}

/** The lean learner's side of a room connection: what a frame means for it. */
export interface WireListener {
  /** JOIN_ROOM arrived and the decoder is ready (the ack is the caller's to send). */
  joined(): void;
  /** A full state or a patch was applied to the decoder's state. */
  stateChanged(): void;
  /** A ROOM_DATA message; `payload` is undefined unless the reader's `wantsPayload` said yes. */
  message(type: string, payload: unknown): void;
  /** An ERROR frame (a join refused) or a frame that could not be read. */
  wireError(code: string, message: string): void;
}

/** What a cached handshake gives: the root class to instantiate and the context to share. */
interface Reflected {
  root: new () => Schema;
  context: TypeContext;
}

/** At most this many distinct handshakes are cached (one per room type is the norm). */
const MAX_CACHED = 16;
const reflected = new Map<string, Reflected>();
/** How many handshakes were reflected from scratch (the rest came from the cache): for the tests and the measure. */
export const reflectionStats = { built: 0, cached: 0 };

/**
 * A decoder for the schema handshake in `bytes` from `offset` to the end, from the cache when
 * the same handshake was seen before. Throws on a handshake that does not decode.
 * @example const decoder = decoderFor(frame, it.offset)
 */
export function decoderFor(bytes: Buffer, offset: number): Decoder {
  const key = bytes.toString("latin1", offset);
  const hit = reflected.get(key);
  if (hit) {
    reflectionStats.cached++;
    return new Decoder(new hit.root(), hit.context);
  }
  const decoder = Reflection.decode(bytes, { offset });
  reflectionStats.built++;
  if (reflected.size < MAX_CACHED) reflected.set(key, { root: decoder.state.constructor as new () => Schema, context: decoder.context });
  return decoder;
}

/** Room errors the server puts as "CODE: message" (docs/protocol/rooms.md 1.2). */
const CODED = /^([A-Z][A-Z0-9_]+): /;

function numericType(frame: Buffer, it: Iterator): string {
  const n: unknown = decode.number(frame, it);
  if (!Number.isInteger(n)) throw new Error("a message type that is neither a string nor a number");
  return `i${n}`;
}

/** Reads one room connection's server frames into a decoder's state and a listener's calls. */
export class RoomWire {
  decoder?: Decoder;

  constructor(
    private readonly listener: WireListener,
    /** Message types whose payload the listener reads (the others are not unpacked). */
    private readonly wantsPayload: (type: string) => boolean,
  ) {}

  /** The decoded room state (undefined before the handshake). */
  get state(): Schema | undefined {
    return this.decoder?.state;
  }

  /** Reads one frame; never throws. */
  read(frame: Buffer): void {
    try {
      this.dispatch(frame);
    } catch (err) {
      this.listener.wireError("LOADTEST_BAD_FRAME", `frame ${frame[0]} (${frame.length} bytes) could not be read: ${(err as Error).message}`);
    }
  }

  private dispatch(frame: Buffer): void {
    const it: Iterator = { offset: 1 };
    switch (frame[0]) {
      case CODE.JOIN_ROOM: {
        if (this.decoder) throw new Error("a second JOIN_ROOM");
        const tokenLength = frame[it.offset++];
        it.offset += tokenLength;
        const serializerLength = frame[it.offset++];
        const serializer = frame.toString("utf8", it.offset, it.offset + serializerLength);
        it.offset += serializerLength;
        if (serializer !== "schema" || it.offset >= frame.length) throw new Error(`serializer "${serializer}" with no schema handshake`);
        this.decoder = decoderFor(frame, it.offset);
        return this.listener.joined();
      }
      case CODE.ROOM_STATE:
      case CODE.ROOM_STATE_PATCH:
        if (!this.decoder) throw new Error("state before JOIN_ROOM");
        this.decoder.decode(frame, it);
        return this.listener.stateChanged();
      case CODE.ROOM_DATA: {
        // A numeric type (which LinguaLeap does not send) reads as colyseus.js names it: "i<n>".
        const type = decode.stringCheck(frame, it) ? decode.string(frame, it) : numericType(frame, it);
        const payload = this.wantsPayload(type) && it.offset < frame.length ? unpack(frame.subarray(it.offset)) : undefined;
        return this.listener.message(type, payload);
      }
      case CODE.ERROR: {
        const code = decode.number(frame, it);
        const text = decode.string(frame, it);
        return this.listener.wireError(CODED.exec(text)?.[1] ?? "ROOM_UNAVAILABLE", `${text} (${code})`);
      }
      case CODE.LEAVE_ROOM:
      case CODE.ROOM_DATA_BYTES:
        return; // LEAVE_ROOM: the close follows; ROOM_DATA_BYTES: LinguaLeap sends none
      default:
        throw new Error("unknown frame code");
    }
  }
}
