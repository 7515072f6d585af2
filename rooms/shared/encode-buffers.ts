/**
 * What a room's state encoder holds between patches: nothing of its own.
 *
 * @colyseus/schema 3 gives every encoder an 8 KB buffer and Colyseus's SchemaSerializer
 * another for the full state, and the join handshake (the Reflection) keeps a view into an
 * 8 KB buffer of a third encoder: 24 KB per room whatever its state weighs (a duel's is a few
 * hundred bytes), about half of what a connected learner cost the server in memory. And a
 * patch goes to `ws` as a view into the room's buffer, so a socket that could not take it at
 * once (its kernel buffer full) would send bytes the room's next patch had written over.
 *
 * Here every room encodes into one of two process-wide scratch buffers (patches, full states:
 * each keeps its frame code in byte 0), and each encoded frame is copied out into a buffer of
 * its own size before anyone sends or caches it: encoding is synchronous, so nothing else
 * writes the scratch in between, and a frame still queued on a slow socket is its own. The
 * handshake is the same for every room of one state class: made once per class, kept exactly.
 */
import { Protocol } from "@colyseus/core";

/** The parts of Colyseus 0.16's SchemaSerializer (and its schema Encoder) this reaches into. */
interface Encoding {
  encoder?: { sharedBuffer?: Buffer; encode?: (...args: unknown[]) => Buffer; state?: object };
  fullEncodeBuffer?: Buffer;
  handshake?: () => Buffer | undefined;
  /** A state with `@view` fields: its serializer builds each joiner's full state from the prefix it cached in fullEncodeBuffer. */
  hasFilters?: boolean;
}

/** As large as @colyseus/schema's default; a bigger state grows the encoder's own (its overflow path). */
const SCRATCH_BYTES = 8 * 1024;
const patchScratch = Buffer.allocUnsafe(SCRATCH_BYTES);
const fullScratch = Buffer.allocUnsafe(SCRATCH_BYTES);
/** The join handshake of each state class, exactly its bytes. */
const handshakes = new WeakMap<object, Buffer>();

/** `bytes` in memory of their own, exactly their size (not a slice of one of Node's shared 8 KB slabs). */
function ownCopy(bytes: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(copy);
  return copy;
}

/**
 * Makes a serializer that was just reset onto a state encode into the shared scratch buffers
 * and hand out copies, and share its handshake with every room of the same state class.
 * Returns false (and changes nothing) when the serializer is not the shape this knows, or its
 * state has `@view` filters (none of ours has).
 */
export function shareEncodeBuffers(serializer: unknown): boolean {
  const s = (serializer ?? {}) as Encoding;
  const encoder = s.encoder;
  const encode = encoder?.encode;
  const handshake = s.handshake;
  if (!encoder || typeof encode !== "function" || !Buffer.isBuffer(encoder.sharedBuffer) || !Buffer.isBuffer(s.fullEncodeBuffer) || typeof handshake !== "function" || !encoder.state) {
    return false;
  }
  // A filtered state's serializer reads a full-state prefix back from fullEncodeBuffer for each
  // later joiner (encodeAllView): in a shared scratch it could be another room's by then.
  if (s.hasFilters) return false;
  encoder.sharedBuffer = patchScratch;
  s.fullEncodeBuffer = fullScratch;
  fullScratch[0] = Protocol.ROOM_STATE;
  // encode() is what every patch and full state goes through (encodeAll included); an
  // overflow re-enters it with a bigger buffer, and the copy is then made once more.
  // A full state is cached until the state changes (a patch is sent and dropped): it gets a
  // memory of its own, where a small Buffer's copy would hold one of Node's shared 8 KB slabs.
  encoder.encode = (...args: unknown[]) => {
    const encoded = encode.apply(encoder, args);
    if (args[4] === true) return ownCopy(encoded);
    const copy = Buffer.allocUnsafe(encoded.length);
    encoded.copy(copy);
    return copy;
  };
  const State = encoder.state.constructor;
  s.handshake = () => {
    let bytes = handshakes.get(State);
    if (bytes === undefined) {
      const made = handshake.call(s);
      if (made === undefined) return undefined;
      handshakes.set(State, (bytes = ownCopy(made)));
      // The serializer's own cache is a view into the 8 KB buffer of the encoder that made it.
      (s as { handshakeCache?: Buffer }).handshakeCache = undefined;
    }
    return bytes;
  };
  return true;
}
