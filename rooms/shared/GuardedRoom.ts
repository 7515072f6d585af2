import { ClientState, Room, type AuthContext, type Client, type ClientPrivate, type RoomException } from "@colyseus/core";
import { CLOSE_BAD_FRAME, CLOSE_FLOODING } from "./close-codes";
import { FRAME, parseFrame } from "./frames.rules";
import { publicError } from "./public-error";
import { admit, RateLimiter, type RateLimitOptions } from "./rate-limit.rules";

/** The log a room writes to (pino's shape). */
export interface RoomLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  /** A log whose every line also carries `bindings`. */
  child(bindings: object): RoomLog;
}

/**
 * What rooms report for the operators' metrics (server/metrics.ts keeps the counts). Called
 * on the hot paths: an implementation does no more than bump a number.
 */
export interface RoomTelemetry {
  /** A message arrived: its type when a handler takes it, else "unknown" (or "bad_frame"). */
  message(room: string, type: string): void;
  /**
   * A patch went out: its size in bytes (0 when it could not be read), how many clients it
   * went to, and how long the oldest message since the last patch waited for it (undefined
   * when no message did).
   */
  patched(room: string, bytes: number, recipients: number, waitedMs: number | undefined): void;
}

/** What every room needs to guard its edge. */
export interface GuardServices {
  rateLimit: RateLimitOptions;
  log: RoomLog;
  /** A client's mistake (a malformed frame, …): logged at debug level, sampled. */
  mistake(kind: string, detail: object): void;
  now(): number;
  /** Metrics hooks; absent when metrics are off (no cost at all then). */
  telemetry?: RoomTelemetry;
}

/** The part of Colyseus's schema encoder a room taps to read a patch's size (see broadcastPatch). */
interface PatchEncoder {
  encode(...args: unknown[]): Uint8Array;
}

/** The longest close reason `ws` sends (the WebSocket limit), in UTF-8 bytes. */
const MAX_REASON_BYTES = 123;

export type MessageHandler = (client: Client, payload: unknown) => void;

/**
 * The edge every LinguaLeap room shares, in front of Colyseus's own message dispatch:
 * - every frame a client sends, of any kind (pings too), costs one token of that client's
 *   rate limit before it is even read; a flood is warned once, then disconnected (4429);
 * - a frame is read strictly (frames.ts): a malformed one closes the socket with 4002 and a
 *   short fixed reason; a well-formed message goes to the handler registered for its type
 *   (an own-property lookup, so `constructor` or `__no_message_handler` are just unknown
 *   types) or to {@link onUnknownMessage};
 * - a handler that throws is logged and the client stays; nothing a client sends reaches a
 *   `throw` outside a try;
 * - a join refused by an error not raised on purpose tells the client INTERNAL, never the
 *   exception's text.
 * Rooms register handlers with {@link handle} instead of `onMessage`.
 */
export abstract class GuardedRoom<S extends object = any> extends Room<S> {
  protected abstract get services(): GuardServices;
  /** The room's name in logs ("word_duel"). */
  protected abstract readonly kind: string;
  private readonly handlers = new Map<string, MessageHandler>();
  private readonly limiters = new Map<string, RateLimiter>();
  private roomLog?: RoomLog;
  /** When the oldest message not yet followed by a patch arrived (performance.now()); 0 for none. */
  private unpatchedSince = 0;
  /** The encoder whose encode() is tapped, and the size of the last patch it encoded. */
  private tappedEncoder?: PatchEncoder;
  private readonly encoded = { bytes: 0 };

  /** This room's log: every line carries the room kind and roomId. */
  protected get log(): RoomLog {
    if (this.roomLog) return this.roomLog;
    const log = this.services.log.child({ room: this.kind, roomId: this.roomId });
    // Before the matchmaker gives the room its id (never in practice), do not keep it.
    if (this.roomId) this.roomLog = log;
    return log;
  }

  /** Registers the handler of one message type (the payload is plain data, unvalidated). */
  protected handle(type: string, handler: MessageHandler): void {
    this.handlers.set(type, handler);
  }

  /** A well-formed message of a type no handler takes. Default: the room takes none, close 4002. */
  protected onUnknownMessage(client: Client, _type: string): void {
    this.closeClient(client, CLOSE_BAD_FRAME, "ROOM_BAD_FRAME: this room takes no messages");
  }

  /** The first frame dropped in a flood. Default: nothing (the drop is silent). */
  protected onFloodWarning(_client: Client): void {}

  /** Too many frames dropped: the client is disconnected with 4429. */
  protected onFlood(client: Client): void {
    this.log.warn({ sessionId: client.sessionId }, "disconnecting a flooding client");
    this.closeClient(client, CLOSE_FLOODING, "DUEL_RATE_LIMITED: too many messages");
  }

  /** Closes a client's socket with a reason always within the WebSocket limit. */
  protected closeClient(client: Client, code: number, reason: string): void {
    client.leave(code, truncateUtf8(reason, MAX_REASON_BYTES));
  }

  protected override _onMessage(client: Client & ClientPrivate, buffer: Buffer): void {
    try {
      if (client.state === ClientState.LEAVING) return;
      // The ack of the join handshake is part of joining, not a message; any later one counts.
      const handshake = buffer[0] === FRAME.JOIN_ROOM && client.state === ClientState.JOINING;
      if (!handshake && !this.admitFrame(client)) return;
      const frame = parseFrame(buffer);
      switch (frame.kind) {
        case "data": {
          const handler = this.handlers.get(frame.type);
          this.count(handler ? frame.type : "unknown");
          return handler ? handler(client, frame.payload) : this.onUnknownMessage(client, frame.type);
        }
        case "bytes":
          this.count("unknown");
          return this.onUnknownMessage(client, frame.type);
        case "join":
        case "leave":
          // Colyseus's handling of these two carries no client data: the ack of the join
          // handshake, and a consented leave.
          return super._onMessage(client, buffer);
        case "bad":
          this.count("bad_frame");
          this.services.mistake("bad_frame", { room: this.kind, reason: frame.reason });
          return this.closeClient(client, CLOSE_BAD_FRAME, `ROOM_BAD_FRAME: ${frame.reason}`);
      }
    } catch (err) {
      this.log.error({ err }, "a message handler failed");
    }
  }

  /** Counts a message for the metrics and notes when the first one since the last patch came. */
  private count(type: string): void {
    const telemetry = this.services.telemetry;
    if (!telemetry) return;
    telemetry.message(this.kind, type);
    if (this.unpatchedSince === 0) this.unpatchedSince = performance.now();
  }

  /**
   * Colyseus's patch, timed and sized for the metrics: how long the oldest message since the
   * last patch waited for this one, and the patch's bytes. A patch that changed nothing ends
   * the wait too (those messages changed nothing to send).
   */
  override broadcastPatch(): boolean {
    const telemetry = this.services.telemetry;
    if (!telemetry) return super.broadcastPatch();
    const encoded = this.tapEncoder();
    if (encoded) encoded.bytes = 0;
    const since = this.unpatchedSince;
    const changed = super.broadcastPatch();
    this.unpatchedSince = 0;
    if (changed) telemetry.patched(this.kind, encoded?.bytes ?? 0, this.clients.length, since === 0 ? undefined : performance.now() - since);
    return changed;
  }

  /**
   * Colyseus 0.16's SchemaSerializer keeps the encoded patch in a local variable, so its size
   * is read where it is made: the state's encoder (a new one whenever the state is replaced)
   * gets an own encode() that notes the length of what it returns. Without the encoder (a
   * room with no state, another serializer) sizes read 0.
   */
  private tapEncoder(): { bytes: number } | undefined {
    const encoder = (this as unknown as { _serializer?: { encoder?: PatchEncoder } })._serializer?.encoder;
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

  /** Counts one frame (of any kind) against the client's limit; false when it is dropped. */
  private admitFrame(client: Client): boolean {
    const now = this.services.now();
    let limiter = this.limiters.get(client.sessionId);
    if (!limiter) this.limiters.set(client.sessionId, (limiter = new RateLimiter(this.services.rateLimit, now)));
    return admit(limiter, now, { warn: () => this.onFloodWarning(client), kick: () => this.onFlood(client) });
  }

  override async _onJoin(client: Client & ClientPrivate, authContext: AuthContext): Promise<void> {
    try {
      await super._onJoin(client, authContext);
    } catch (err) {
      const { error, internal } = publicError(err);
      if (internal) this.log.error({ err }, "a join failed");
      else this.services.mistake("join_refused", { room: this.kind, code: error.code });
      throw error;
    }
    // The identity onAuth made names the matchmaking request that led here (authenticate.ts).
    const auth = client.auth as { userId?: unknown; requestId?: unknown } | undefined;
    this.log.debug({ sessionId: client.sessionId, userId: auth?.userId, requestId: auth?.requestId }, "a client joined");
    // Pings are frames too: ws answers each with a pong, so they count against the limit.
    client.ref.on("ping", () => void (client.state !== ClientState.LEAVING && this.admitFrame(client)));
  }

  protected override async _onLeave(client: Client, code?: number): Promise<unknown> {
    const left = await super._onLeave(client, code);
    // Forgotten once the client is gone for good; one that reconnected keeps its bucket.
    if (!this.clients.some((c) => c.sessionId === client.sessionId)) this.limiters.delete(client.sessionId);
    return left;
  }

  override onUncaughtException(error: RoomException<this>, methodName: string): void {
    const cause = error.cause ?? error;
    // A join refused on purpose (DUEL_NOT_INVITED, …) reaches here too: it is no fault of ours.
    if (methodName === "onJoin" && !publicError(cause).internal) return;
    this.log.error({ err: cause, method: methodName }, `${this.kind}: uncaught exception`);
  }
}

/** `text` cut to at most `max` UTF-8 bytes, never inside a character. */
export function truncateUtf8(text: string, max: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= max) return text;
  let end = max;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8");
}
