import { ClientState, Protocol, type AuthContext, type Client, type ClientPrivate, type RoomException, type Serializer } from "@colyseus/core";
import { Schema } from "@colyseus/schema";
import { CLOSE_BAD_FRAME, CLOSE_FLOODING } from "./close-codes";
import { FRAME, parseFrame } from "./frames.rules";
import { PatchMeter } from "./PatchMeter";
import { publicError } from "./public-error";
import { admit, RateLimiter } from "./rate-limit.rules";
import type { GuardServices, RoomLog } from "./room-services";
import { shareEncodeBuffers } from "./encode-buffers";
import { compactJoinFrame, schemaId } from "./schema-id";
import { TimerClock } from "./TimerClock";
import { WatchableRoom } from "./WatchableRoom";

export type { GuardServices, RoomLog, RoomTelemetry } from "./room-services";

/** The longest close reason `ws` sends (the WebSocket limit), in UTF-8 bytes. */
const MAX_REASON_BYTES = 123;

export type MessageHandler = (client: Client, payload: unknown) => void;

/**
 * The base every LinguaLeap room shares, in front of Colyseus's own message dispatch:
 * - services: one app's, on the class bindRoom (bind-room.ts) registers (Colyseus calls the
 *   static onAuth on that class); `this.services` and `this.kind` read them there;
 * - every frame a client sends, of any kind (pings too), costs one token of that client's
 *   rate limit before it is even read; a flood is warned once, then disconnected (4429);
 * - a frame is read strictly (frames.rules.ts): a malformed one closes the socket with 4002
 *   and a short fixed reason; a well-formed message goes to the handler registered for its
 *   type with {@link handle} (an own-property lookup, so `constructor` or
 *   `__no_message_handler` are just unknown types) or to {@link onUnknownMessage};
 * - a handler that throws is logged and the client stays; nothing a client sends reaches a
 *   `throw` outside a try; an uncaught exception anywhere else is logged, never fatal;
 * - a join refused by an error not raised on purpose (rooms refuse with `refuse(code, …)`)
 *   tells the client INTERNAL, never the exception's text;
 * - a patch goes out when the state changes, right after the callback that changed it, and
 *   never otherwise: no patch interval, and the clock's timers run on Node's timers
 *   (TimerClock), so a room where nothing happens does no work at all;
 * - watchers (WatchableRoom): read-only clients without a seat, capped at `watchersPerRoom`;
 *   their messages go to onWatcherMessage, never to a handler.
 */
export abstract class GuardedRoom<S extends object = object, Services extends GuardServices = GuardServices> extends WatchableRoom<S> {
  /** One app's services, set by bindRoom; static so the static onAuth can reach them. */
  static services: GuardServices;
  /** The name the class is registered under ("word_duel"), for logs and metrics. */
  static roomKind = "room";
  /** Timers fire when due, with no tick (see TimerClock). */
  override clock = new TimerClock((err) => this.log.error({ err }, `${this.kind}: a timer failed`));
  /** No patch interval (0 turns Colyseus's off): a change schedules its patch (see {@link watchChanges}). */
  override patchRate = 0;
  private readonly handlers = new Map<string, MessageHandler>();
  private readonly limiters = new Map<string, RateLimiter>();
  private roomLog?: RoomLog;
  private meter?: PatchMeter;
  /** A patch is due right after the current callback (see {@link flush}). */
  private flushing = false;
  /** Inside broadcastPatch: what the encoder queues then is that patch's own bookkeeping. */
  private patching = false;

  protected override get watcherCap(): number {
    return this.services.watchersPerRoom;
  }

  protected get services(): Services {
    return (this.constructor as unknown as { services: Services }).services;
  }

  protected get kind(): string {
    return (this.constructor as typeof GuardedRoom).roomKind;
  }

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

  /**
   * Schedules the patch of a state change: right after the current callback, so every change
   * one message, timer or join makes goes out in one patch, at once (an answer shows on the
   * opponent's screen at once, a round starts for everyone together). Never inside the
   * callback: broadcastPatch ticks the room's clock, and a tick inside the clock's own tick
   * walked a timer list the outer tick was still walking — a crash the fuzz suite found.
   */
  private flush(): void {
    if (this.flushing || this.patching) return;
    this.flushing = true;
    queueMicrotask(() => {
      this.flushing = false;
      if (!this.disposed) this.broadcastPatch();
    });
  }

  /**
   * Every state (Colyseus makes a serializer for each one assigned) gets its changes watched:
   * whatever queues a change in the state's encoder schedules a patch (@colyseus/schema 3's
   * `Root.enqueueChangeTree`, which every field, map and array change goes through). A
   * schema version without it would send no patch at all, so the test suite's duels would
   * stall: test/integration/patches.test.ts says so first. Its encoder also holds no buffer
   * of its own (encode-buffers.ts).
   */
  override setSerializer(serializer: Serializer<S>): void {
    const reset = serializer.reset.bind(serializer);
    serializer.reset = (state: unknown) => {
      reset(state);
      this.watchChanges(serializer);
      // A state with @view filters (class_game) keeps its own buffers on purpose: its joiners' full states are built from them.
      if (!shareEncodeBuffers(serializer) && !(serializer as { hasFilters?: boolean }).hasFilters) this.log.warn({ room: this.kind }, "this room keeps its own encode buffers: the serializer is not the shape encode-buffers.ts knows");
    };
    super.setSerializer(serializer);
  }

  private watchChanges(serializer: Serializer<S>): void {
    const root = (serializer as { encoder?: { root?: ChangeRoot } }).encoder?.root;
    if (typeof root?.enqueueChangeTree !== "function") {
      this.log.error({ room: this.kind }, "the schema encoder has no change queue to watch: patching every 50 ms instead");
      this.patchRate = 50;
      return;
    }
    const enqueue = root.enqueueChangeTree;
    root.enqueueChangeTree = (...args: unknown[]) => {
      this.flush();
      return enqueue.apply(root, args);
    };
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
          if (this.isWatcher(client.sessionId)) return this.onWatcherMessage(client, frame.type);
          const handler = this.handlers.get(frame.type);
          this.patchMeter()?.message(handler ? frame.type : "unknown");
          return handler ? handler(client, frame.payload) : this.onUnknownMessage(client, frame.type);
        }
        case "bytes":
          if (this.isWatcher(client.sessionId)) return this.onWatcherMessage(client, frame.type);
          this.patchMeter()?.message("unknown");
          return this.onUnknownMessage(client, frame.type);
        case "join":
        case "leave":
          // Colyseus's handling of these two carries no client data: the ack of the join
          // handshake, and a consented leave.
          return super._onMessage(client, buffer);
        case "bad":
          this.patchMeter()?.message("bad_frame");
          this.services.mistake("bad_frame", { room: this.kind, reason: frame.reason });
          return this.closeClient(client, CLOSE_BAD_FRAME, `ROOM_BAD_FRAME: ${frame.reason}`);
      }
    } catch (err) {
      this.log.error({ err }, "a message handler failed");
    }
  }

  /** The metrics of this room's messages and patches; undefined when metrics are off. */
  private patchMeter(): PatchMeter | undefined {
    const telemetry = this.services.telemetry;
    if (!telemetry) return undefined;
    return (this.meter ??= new PatchMeter(telemetry, this.kind));
  }

  /** Colyseus's patch, timed and sized for the metrics when they are on (PatchMeter). */
  override broadcastPatch(): boolean {
    const meter = this.patchMeter();
    this.patching = true;
    try {
      return meter ? meter.patch(this, this.clients.length, () => super.broadcastPatch()) : super.broadcastPatch();
    } finally {
      this.patching = false;
    }
  }

  /** The id of this room's state schema, or undefined for a room without a schema state. */
  private schemaId(): string | undefined {
    const state = this.state as unknown;
    if (!(state instanceof Schema)) return undefined;
    const State = state.constructor as Parameters<typeof schemaId>[0];
    let id = schemaIds.get(State);
    if (id === undefined) schemaIds.set(State, (id = schemaId(State)));
    return id;
  }

  /** Counts one frame (of any kind) against the client's limit; false when it is dropped. */
  private admitFrame(client: Client): boolean {
    const now = this.services.now();
    let limiter = this.limiters.get(client.sessionId);
    if (!limiter) this.limiters.set(client.sessionId, (limiter = new RateLimiter(this.services.rateLimit, now)));
    return admit(limiter, now, { warn: () => this.onFloodWarning(client), kick: () => this.onFlood(client) });
  }

  override async _onJoin(client: Client & ClientPrivate, authContext: AuthContext): Promise<void> {
    const options = this.reservedSeats[client.sessionId]?.[0] as { schema?: unknown } | undefined;
    const known = options?.schema;
    // First: the compact handshake's wrapper, which unwraps itself, then keeps this one.
    skipEmptyPatches(client);
    if (typeof known === "string" && known === this.schemaId()) compactHandshake(client, known);
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
    // On the process's log, not this room's: a room's child log is made only when it has something to say.
    this.services.log.debug({ room: this.kind, roomId: this.roomId, sessionId: client.sessionId, userId: auth?.userId, requestId: auth?.requestId }, "a client joined");
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

/** Each room class's state schema id (rooms/shared/schema-id.ts), computed once. */
const schemaIds = new WeakMap<object, string>();

/**
 * The client's JOIN_ROOM frame goes out with the short mark of schema `id` instead of the
 * state's Reflection: the client said it has exactly this schema compiled in.
 */
function compactHandshake(client: Client, id: string): void {
  const raw = client.raw.bind(client);
  client.raw = (data, ...rest) => {
    if (data[0] !== Protocol.JOIN_ROOM) return raw(data, ...rest);
    client.raw = raw;
    return raw(compactJoinFrame(data, id), ...rest);
  };
}

/**
 * A patch frame that carries no change (its frame code alone) is never sent. Colyseus sends
 * one to every client whose view saw nothing of a change only other views see (a filtered
 * state: each answer in a class game of 100 would cost every other phone a frame).
 */
function skipEmptyPatches(client: Client): void {
  const raw = client.raw.bind(client);
  client.raw = (data, ...rest) => {
    if (data.length === 1 && data[0] === Protocol.ROOM_STATE_PATCH) return;
    return raw(data, ...rest);
  };
}

/** The part of @colyseus/schema's change root a room taps (see GuardedRoom.watchChanges). */
interface ChangeRoot {
  enqueueChangeTree(...args: unknown[]): unknown;
}

/** `text` cut to at most `max` UTF-8 bytes, never inside a character. */
export function truncateUtf8(text: string, max: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= max) return text;
  let end = max;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8");
}
