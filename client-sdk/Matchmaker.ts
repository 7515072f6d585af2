/**
 * Into a room, in the two steps of Colyseus 0.16: the matchmaking request over HTTP (ours,
 * HttpTransport: time limits, failover, retries) for a seat reservation, then colyseus.js
 * opens the room's WebSocket with it (`consumeSeatReservation`), within a time limit of ours.
 *
 * Reconnecting also asks the room's own process whether it is still there, at the same time:
 * a process that refuses connections is gone with all its rooms, so the learner is told at
 * once rather than after the whole reconnection window (rooms live in their process's memory;
 * no other process can hand the seat back).
 */
import { Client, type Room, type SeatReservation } from "colyseus.js";
import type { SeatReservation as QueueSeat } from "../rooms/ranked-queue/messages";
import { CompactSerializer } from "./CompactSerializer";
import { HttpTransport, type Timeouts } from "./HttpTransport";
import { fromAnswer, fromRoomError, LinguaLeapError } from "./errors";

/** A seat taken: the room, and the HTTP address of the process that hosts it. */
export interface Seat {
  room: Room;
  /** `http(s)://<publicAddress>` of the room's process, or the endpoint when it has none. */
  base: string;
}

/**
 * A seat reservation as the matchmaking route answers it (docs/protocol/rooms.md 1.2): the
 * contract's seat (what the ranked queue's `matched` carries too), plus the token of a reconnection.
 */
export type Reservation = QueueSeat & { reconnectionToken?: string };

/**
 * colyseus.js's Client, telling which Room it creates so a join that hangs can be closed, and
 * giving each room the serializer that knows the SDK's compiled schemas (CompactSerializer).
 */
class SeatClient extends Client {
  lastRoom?: Room;

  protected override createRoom<T>(roomName: string, rootSchema?: Parameters<Client["joinOrCreate"]>[2]): Room<T> {
    const room = super.createRoom(roomName, rootSchema) as Room<T>;
    (room as unknown as { serializer: CompactSerializer }).serializer ??= new CompactSerializer();
    this.lastRoom = room;
    return room;
  }
}

/**
 * Matchmaking and seats for one learner (it holds their token).
 * @example
 * const mm = new Matchmaker(http, DEFAULT_TIMEOUTS);
 * mm.setToken(token);
 * const { room } = await mm.join("joinOrCreate", "word_duel", { lang: "es", mode: "choice" });
 */
export class Matchmaker {
  private readonly clients = new Map<string, SeatClient>();
  private token = "";

  constructor(
    private readonly http: HttpTransport,
    private readonly timeouts: Timeouts,
  ) {}

  /**
   * The token sent with every matchmaking request and WebSocket ("" for none).
   * @example mm.setToken(session.token)
   */
  setToken(token: string | undefined): void {
    this.token = token ?? "";
    for (const client of this.clients.values()) client.auth.token = this.token;
  }

  /**
   * Asks for a seat (`joinOrCreate`, `create`, `join`, `joinById`, `reconnect`) and takes it.
   * Rejects with a LinguaLeapError: the server's refusal (its code), ROOM_UNAVAILABLE for
   * Colyseus's own, or NETWORK/TIMEOUT/UNAVAILABLE when no endpoint could serve.
   * @example const { room } = await mm.join("joinById", roomId, { lang: "es", mode: "typed" });
   */
  async join(method: string, target: string, options: Record<string, unknown>, signal?: AbortSignal): Promise<Seat> {
    const answer = await this.http.send({
      method: "POST",
      path: `/matchmake/${method}/${encodeURIComponent(target)}`,
      body: options,
      token: this.token || undefined,
      timeoutMs: this.timeouts.matchmakeMs,
      resendable: true,
      signal,
    });
    const data = answer.data as Partial<Reservation> & { error?: unknown };
    if (answer.status !== 200 || data?.error !== undefined || !data?.room || typeof data.sessionId !== "string") {
      throw fromAnswer(answer.status, answer.data);
    }
    const reservation = data as Reservation;
    if (method === "reconnect") reservation.reconnectionToken = String(options.reconnectionToken);
    return this.consume(reservation, answer.endpoint);
  }

  /**
   * Takes a reserved seat (from matchmaking, or the ranked queue's `matched`): opens the
   * room's WebSocket and waits for the join, at most `joinMs`.
   * @example const { room } = await mm.consume(matched.reservation);
   */
  async consume(reservation: Reservation, endpoint: string = this.http.pool.current): Promise<Seat> {
    const client = this.client(endpoint);
    // Our reservation is the route's answer as is: colyseus.js reads the same fields.
    const joining = client.consumeSeatReservation(reservation as unknown as SeatReservation);
    const room = client.lastRoom;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        room?.connection?.close();
        reject(new LinguaLeapError("TIMEOUT", `the room did not let us in within ${this.timeouts.joinMs} ms`));
      }, this.timeouts.joinMs);
    });
    try {
      return { room: await Promise.race([joining, timeout]), base: roomBase(reservation, endpoint) };
    } catch (err) {
      throw seatError(err);
    } finally {
      clearTimeout(timer);
      joining.catch(() => undefined);
    }
  }

  /**
   * Takes the seat of `reconnectionToken` ("<roomId>:<token>", colyseus.js's
   * `room.reconnectionToken`) back, while asking the room's process at `base` whether it is
   * there: rejects with SESSION_LOST as soon as it is known to be gone.
   * @example const seat = await mm.reconnect(room.reconnectionToken, seat.base);
   */
  async reconnect(reconnectionToken: string, base: string): Promise<Seat> {
    const [roomId, token] = reconnectionToken.split(":");
    const ctl = new AbortController();
    const joining = this.join("reconnect", roomId, { reconnectionToken: token }, ctl.signal);
    const gone = this.http.probe(base, this.timeouts.probeMs, ctl.signal).then((found) =>
      found === "gone" ? Promise.reject(new LinguaLeapError("SESSION_LOST", "the duel's server is gone: join a new duel")) : new Promise<never>(() => undefined),
    );
    try {
      return await Promise.race([joining, gone]);
    } catch (err) {
      // The probe won: a seat that still comes (it cannot, from a dead process) is let go.
      void joining.then((seat) => seat.room.leave(true), () => undefined);
      throw err;
    } finally {
      ctl.abort();
    }
  }

  private client(endpoint: string): SeatClient {
    let client = this.clients.get(endpoint);
    if (!client) {
      client = new SeatClient(endpoint);
      client.auth.token = this.token;
      this.clients.set(endpoint, client);
    }
    return client;
  }
}

/** The HTTP address of a reservation's room: its process's public address, else the endpoint. */
function roomBase(reservation: Reservation, endpoint: string): string {
  const address = reservation.room.publicAddress;
  return address ? `${new URL(endpoint).protocol}//${address.replace(/\/+$/, "")}` : endpoint;
}

/**
 * A failed WebSocket join as a LinguaLeapError: the server's "CODE: message", Colyseus's own
 * refusal (a close or ERROR frame with a 4xxx code: ROOM_UNAVAILABLE), or NETWORK for a
 * socket that simply failed (nothing said).
 */
function seatError(err: unknown): LinguaLeapError {
  if (err instanceof LinguaLeapError) return err;
  const parsed = fromRoomError(err);
  if (parsed.code !== "NETWORK") return parsed;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "number" && code >= 4000) return new LinguaLeapError("ROOM_UNAVAILABLE", parsed.message || "the room refused the join", code);
  return new LinguaLeapError("NETWORK", parsed.message || "the room's connection failed");
}
