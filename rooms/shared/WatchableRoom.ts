import { ClientState, ErrorCode, Room, ServerError, type AuthContext, type Client, type ClientPrivate } from "@colyseus/core";
import { isWatchOptions, watcherFits } from "./watch.rules";

/**
 * Watchers, below GuardedRoom (every LinguaLeap room has them through it): a reservation whose
 * options are `{watch: true}` — only the matchmaking route's `watch` method makes one
 * (watch.rules.ts) — joins read-only, beside the seats:
 * - it never counts against maxClients and never locks or unlocks the room: Colyseus's
 *   client count and the room's listing do not see it (a started, locked or full room
 *   can be watched);
 * - at most {@link watcherCap} watchers at once (reserved or there); past it the
 *   reservation fails, which the route answers ROOM_WATCHERS_FULL;
 * - its leave never reaches the room's onLeave: no seat to free, no reconnection window;
 * - GuardedRoom hands its messages to {@link onWatcherMessage}, never to a handler.
 * A room's onJoin skips watchers ({@link isWatcher}) and learns their number in
 * {@link onWatchersChanged}.
 */
/** Colyseus's internal state of a room that is closing or disposing. */
const CLOSING = 2;

export abstract class WatchableRoom<S extends object = object> extends Room<S> {
  /** Set as disposal starts: nothing is sent after it. */
  protected disposed = false;
  /** Watchers' sessionIds, reserved or there (made on first use: Colyseus's constructor may count seats first). */
  private watcherIds?: Set<string>;

  /** Most watchers this room takes at once. */
  protected abstract get watcherCap(): number;

  private get watchers(): Set<string> {
    return (this.watcherIds ??= new Set());
  }

  /** Whether this client watches (read-only, no seat). */
  protected isWatcher(sessionId: string): boolean {
    return this.watchers.has(sessionId);
  }

  /** How many watchers are there now (joined, not only reserved). */
  protected get watcherCount(): number {
    return this.clients.filter((c) => this.watchers.has(c.sessionId)).length;
  }

  /** Called after a watcher joined or left, with how many are there now. Default: nothing. */
  protected onWatchersChanged(_count: number): void {}

  /** A message from a watcher, which no handler takes. Default: ignored. */
  protected onWatcherMessage(_client: Client, _type: string): void {}

  /**
   * Seats taken or reserved, watchers left out. Colyseus counts every client and every
   * reservation not yet taken up; each watcher is in exactly one of the two (a reservation
   * being taken up is already a client, and hidden from the keys), so their number comes off
   * as it is: no walk over the clients on every join of a queue of thousands.
   */
  override hasReachedMaxClients(): boolean {
    return this.clients.length + Object.keys(this.reservedSeats).length - this.watchers.size >= this.maxClients || this.closing;
  }

  /**
   * Closing (Colyseus's disconnect() has begun) or disposed: no seat is given or taken any
   * more. A reservation taken up in a room that had closed used to keep it alive for as long
   * as its client stayed, and a drain waited for it for ever.
   */
  protected get closing(): boolean {
    return this.disposed || (this as unknown as { _internalState?: number })._internalState === CLOSING;
  }

  /** Closes the room: reservations not taken up yet are dropped first (their clients are told the seat expired). */
  override disconnect(closeCode?: number): Promise<unknown> {
    for (const [sessionId, seat] of Object.entries(this.reservedSeats)) {
      if (seat[3]) continue; // a reconnection's: Colyseus ends those itself
      clearTimeout(this.reservedSeatTimeouts[sessionId]);
      delete this.reservedSeatTimeouts[sessionId];
      delete this.reservedSeats[sessionId];
      this.watchers.delete(sessionId);
    }
    // The wait each reservation armed (resetAutoDisposeTimeout) is for seats that are gone now.
    const room = this as unknown as { _autoDisposeTimeout?: NodeJS.Timeout };
    clearTimeout(room._autoDisposeTimeout);
    room._autoDisposeTimeout = undefined;
    return super.disconnect(closeCode);
  }

  /**
   * A watcher's reservation takes no seat: neither Colyseus's client count nor the listing
   * changes, so the room is never locked or unlocked by it. False (the matchmaker says the
   * room is full) past the cap, or when the room is going away.
   */
  protected override async _reserveSeat(sessionId: string, joinOptions: unknown = true, authData?: unknown, seconds = this.seatReservationTime, allowReconnection = false, devModeReconnection?: boolean): Promise<boolean> {
    if (this.closing && !allowReconnection) return false;
    if (allowReconnection || !isWatchOptions(joinOptions)) return super._reserveSeat(sessionId, joinOptions, authData, seconds, allowReconnection, devModeReconnection);
    if (!watcherFits(this.watchers.size, this.watcherCap) || this.watchedBy(authData)) return false;
    this.watchers.add(sessionId);
    this.reservedSeats[sessionId] = [joinOptions, authData, false, false];
    this.reservedSeatTimeouts[sessionId] = setTimeout(() => {
      // Never used: forgotten, and the room may close if nobody else is there.
      delete this.reservedSeats[sessionId];
      delete this.reservedSeatTimeouts[sessionId];
      this.watchers.delete(sessionId);
      this._disposeIfEmpty();
    }, seconds * 1000);
    this.resetAutoDisposeTimeout(seconds);
    return true;
  }

  /** One watcher's place per account: a single account cannot fill every place of a room. */
  private watchedBy(authData: unknown): boolean {
    const userId = (authData as { userId?: unknown } | undefined)?.userId;
    if (typeof userId !== "string") return false;
    for (const id of this.watchers) {
      const auth = (this.reservedSeats[id]?.[1] ?? this.clients.find((c) => c.sessionId === id)?.auth) as { userId?: unknown } | undefined;
      if (auth?.userId === userId) return true;
    }
    return false;
  }

  override async _onJoin(client: Client & ClientPrivate, authContext: AuthContext): Promise<void> {
    if (this.closing && this.reservedSeats[client.sessionId]?.[3] !== true) {
      // Reserved just before the room closed: the seat is gone with it.
      clearTimeout(this.reservedSeatTimeouts[client.sessionId]);
      delete this.reservedSeatTimeouts[client.sessionId];
      delete this.reservedSeats[client.sessionId];
      this.watchers.delete(client.sessionId);
      this._disposeIfEmpty();
      throw new ServerError(ErrorCode.MATCHMAKE_EXPIRED, "this room has closed: join another");
    }
    try {
      await super._onJoin(client, authContext);
    } catch (err) {
      // A watcher's reservation that failed before it became a client (already consumed, …).
      if (!this.clients.includes(client)) this.watchers.delete(client.sessionId);
      throw err;
    }
    if (this.watchers.has(client.sessionId)) this.onWatchersChanged(this.watcherCount);
  }

  protected override async _onLeave(client: Client, code?: number): Promise<unknown> {
    if (!this.watchers.has(client.sessionId)) return super._onLeave(client, code);
    this.watcherLeft(client);
    return undefined;
  }

  /**
   * A watcher leaves without the room's onLeave and without Colyseus's client count, whose
   * drop would unlock a full room. `leave` is emitted as Colyseus does (the matchmaker counts
   * CCU with it), only for a watcher whose join had completed.
   */
  private watcherLeft(client: Client): void {
    client.state = ClientState.LEAVING;
    this.watchers.delete(client.sessionId);
    if (!this.clients.delete(client)) return;
    const joined = this.reservedSeats[client.sessionId] === undefined;
    const willDispose = this._disposeIfEmpty();
    // Told even when this leave disposed the room: the matchmaker counted the join (CCU), and
    // a last watcher's leave that went untold left the process's count one higher for good.
    if (joined) this._events.emit("leave", client, willDispose);
    if (!this.disposed) this.onWatchersChanged(this.watcherCount);
  }

  protected override _dispose(): Promise<unknown> {
    this.disposed = true;
    return super._dispose();
  }
}
