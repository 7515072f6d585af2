import type { RoomTelemetry } from "./room-services";

/** The part of Colyseus's schema encoder a room taps to read a patch's size (see {@link PatchMeter.patch}). */
interface PatchEncoder {
  encode(...args: unknown[]): Uint8Array;
}

/**
 * One room's message counts and patch sizes and delays, for {@link RoomTelemetry}. The room
 * (GuardedRoom) makes one only when metrics are on, so with metrics off nothing here runs.
 */
export class PatchMeter {
  /** When the oldest message not yet followed by a patch arrived (performance.now()); 0 for none. */
  private unpatchedSince = 0;
  /** The encoder whose encode() is tapped, and the size of the last patch it encoded. */
  private tappedEncoder?: PatchEncoder;
  private readonly encoded = { bytes: 0 };

  constructor(
    private readonly telemetry: RoomTelemetry,
    private readonly kind: string,
  ) {}

  /** Counts a message and notes when the first one since the last patch came. */
  message(type: string): void {
    this.telemetry.message(this.kind, type);
    if (this.unpatchedSince === 0) this.unpatchedSince = performance.now();
  }

  /**
   * Colyseus's patch (`send`), timed and sized: how long the oldest message since the last
   * patch waited for this one, and the patch's bytes. A patch that changed nothing ends the
   * wait too (those messages changed nothing to send).
   */
  patch(room: object, recipients: number, send: () => boolean): boolean {
    const encoded = this.tapEncoder(room);
    if (encoded) encoded.bytes = 0;
    const since = this.unpatchedSince;
    const changed = send();
    this.unpatchedSince = 0;
    if (changed) this.telemetry.patched(this.kind, encoded?.bytes ?? 0, recipients, since === 0 ? undefined : performance.now() - since);
    return changed;
  }

  /**
   * Colyseus 0.16's SchemaSerializer keeps the encoded patch in a local variable, so its size
   * is read where it is made: the state's encoder (a new one whenever the state is replaced)
   * gets an own encode() that notes the length of what it returns. Without the encoder (a
   * room with no state, another serializer) sizes read 0.
   */
  private tapEncoder(room: object): { bytes: number } | undefined {
    const encoder = (room as { _serializer?: { encoder?: PatchEncoder } })._serializer?.encoder;
    if (!encoder || typeof encoder.encode !== "function") return undefined;
    if (encoder !== this.tappedEncoder) {
      const encode = encoder.encode;
      const encoded = this.encoded;
      encoder.encode = function (this: PatchEncoder, ...args: unknown[]) {
        const out = encode.apply(this, args);
        encoded.bytes = out.length;
        return out;
      };
      this.tappedEncoder = encoder;
    }
    return this.encoded;
  }
}
