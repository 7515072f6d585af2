import { ClientState, Room, type AuthContext, type Client, type ClientPrivate, type RoomException } from "@colyseus/core";
import { CLOSE_BAD_FRAME, CLOSE_FLOODING } from "./close-codes";
import { FRAME, parseFrame } from "./frames";
import { publicError } from "./public-error";
import { admit, RateLimiter, type RateLimitOptions } from "./rate-limit";

/** The log a room writes to (pino's shape). */
export interface RoomLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What every room needs to guard its edge. */
export interface GuardServices {
  rateLimit: RateLimitOptions;
  log: RoomLog;
  /** A client's mistake (a malformed frame, …): logged at debug level, sampled. */
  mistake(kind: string, detail: object): void;
  now(): number;
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
    this.services.log.warn({ room: this.kind, roomId: this.roomId, sessionId: client.sessionId }, "disconnecting a flooding client");
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
          return handler ? handler(client, frame.payload) : this.onUnknownMessage(client, frame.type);
        }
        case "bytes":
          return this.onUnknownMessage(client, frame.type);
        case "join":
        case "leave":
          // Colyseus's handling of these two carries no client data: the ack of the join
          // handshake, and a consented leave.
          return super._onMessage(client, buffer);
        case "bad":
          this.services.mistake("bad_frame", { room: this.kind, reason: frame.reason });
          return this.closeClient(client, CLOSE_BAD_FRAME, `ROOM_BAD_FRAME: ${frame.reason}`);
      }
    } catch (err) {
      this.services.log.error({ err, room: this.kind, roomId: this.roomId }, "a message handler failed");
    }
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
      if (internal) this.services.log.error({ err, room: this.kind, roomId: this.roomId }, "a join failed");
      else this.services.mistake("join_refused", { room: this.kind, code: error.code });
      throw error;
    }
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
    this.services.log.error({ err: cause, method: methodName, roomId: this.roomId }, `${this.kind}: uncaught exception`);
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
