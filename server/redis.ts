/**
 * Redis for a cluster: one way to connect (a URL, or Sentinels naming the primary), used by
 * presence, the driver, the limits, the heartbeat and the pending results alike, and a driver
 * that heals after an outage.
 *
 * Every client fails a command quickly when Redis is away (one retry, then an error) and
 * reconnects at least once a second, so nothing waits on a dead Redis for long and the
 * cluster is whole again within a second or two after Redis returns, whatever the outage's
 * length. What an outage means for learners is decided above this (server/cluster.ts,
 * ClusterHealth): matchmaking answers CLUSTER_UNAVAILABLE, running duels go on.
 */
import type { Socket } from "node:net";
import Redis, { SentinelConnector, type RedisOptions, type SentinelConnectionOptions } from "ioredis";
import { RedisDriver, RedisPresence, type IRoomCache, type SortOptions } from "colyseus";
import type { Config } from "./config";
import type { Logger } from "./logger";
import { indexOpenRooms, isOpenLookup, openListings } from "./open-rooms";

/** Longest pause between two reconnection attempts. */
const RECONNECT_MAX_MS = 1000;
/** A command with no answer after this counts as failed (Redis stalled or the network cut). */
const COMMAND_TIMEOUT_MS = 2000;

/** ioredis options for REDIS_URL (and REDIS_SENTINELS when set). */
export function redisOptions(config: Pick<Config, "REDIS_URL" | "REDIS_SENTINELS" | "REDIS_SENTINEL_MASTER">): RedisOptions {
  const url = new URL(config.REDIS_URL!);
  const db = Number(url.pathname.slice(1) || 0);
  const auth = { username: decodeURIComponent(url.username) || undefined, password: decodeURIComponent(url.password) || undefined };
  const tls = url.protocol === "rediss:" ? {} : undefined;
  const common: RedisOptions = {
    db,
    ...auth,
    tls,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 100, RECONNECT_MAX_MS),
    // A replica promoted by Sentinel, or a primary that became a replica: reconnect to the new primary.
    reconnectOnError: (err) => err.message.startsWith("READONLY"),
  };
  if (config.REDIS_SENTINELS.length === 0) return { ...common, host: url.hostname, port: Number(url.port || 6379) };
  const sentinels = config.REDIS_SENTINELS.map((s) => {
    const at = s.lastIndexOf(":");
    return { host: s.slice(0, at).replace(/^\[|\]$/g, ""), port: Number(s.slice(at + 1)) };
  });
  return {
    ...common,
    sentinels,
    name: config.REDIS_SENTINEL_MASTER,
    sentinelPassword: auth.password,
    sentinelRetryStrategy: (attempt) => Math.min(attempt * 100, RECONNECT_MAX_MS),
    // Listen for +switch-master and reconnect at once. Without it a client learns of a new
    // primary only when its connection drops: after a planned switchover (SENTINEL FAILOVER),
    // the old primary keeps taking writes until Sentinel demotes it (up to ~10 s later), and
    // those writes are gone when it resyncs from the new one.
    failoverDetector: true,
    sentinelReconnectStrategy: () => RECONNECT_MAX_MS,
    Connector: SwitchingSentinelConnector,
  };
}

/**
 * ioredis 5.11's Sentinel connector, with its failover detector made safe. On +switch-master
 * the stock detector calls the connector's disconnect(); when that lands while the client is
 * reconnecting (a primary killed: the old connection's detector is still subscribed when the
 * promotion is announced), the connect attempt in flight throws "Connection is closed" and
 * ioredis ends the client for good (status "end", no more reconnects; in the Sentinel test
 * three of a process's four clients never came back and its matchmaking answered
 * CLUSTER_UNAVAILABLE until it was stopped). Here the detector only drops the socket when it
 * is connected; the client's own reconnection then asks the Sentinels for the primary.
 */
class SwitchingSentinelConnector extends SentinelConnector {
  constructor(options: unknown) {
    super(options as SentinelConnectionOptions);
    // Private in the typings: replaced on the instance (connect() binds it from there).
    const self = this as unknown as { initFailoverDetector: () => Promise<void>; failoverDetector: Detector | null; stream?: Socket };
    const init = self.initFailoverDetector.bind(this);
    self.initFailoverDetector = async () => {
      await init();
      const detector = self.failoverDetector;
      if (!detector) return;
      detector.disconnect = () => {
        detector.isDisconnected = true; // once per connection, as the stock one
        const socket = self.stream;
        if (socket && !socket.destroyed && !socket.connecting) socket.destroy();
      };
    };
  }
}

interface Detector {
  isDisconnected: boolean;
  disconnect(): void;
}

/** Where Redis is, for logs (no password). */
export function redisWhere(config: Pick<Config, "REDIS_URL" | "REDIS_SENTINELS" | "REDIS_SENTINEL_MASTER">): string {
  const url = new URL(config.REDIS_URL!);
  url.password = url.password ? "***" : "";
  return config.REDIS_SENTINELS.length > 0 ? `sentinels ${config.REDIS_SENTINELS.join(",")} (primary "${config.REDIS_SENTINEL_MASTER}", db ${url.pathname.slice(1) || 0})` : url.toString();
}

/**
 * The client for our own commands (limits, heartbeat, pending results, health): no offline
 * queue, so a command while Redis is away fails at once instead of waiting for it.
 */
export function commandClient(options: RedisOptions): Redis {
  return new Redis({ ...options, enableOfflineQueue: false, commandTimeout: COMMAND_TIMEOUT_MS });
}

/** Tells the log once per outage that a client lost Redis, and once that it is back (no raw ioredis lines). */
export function quietErrors(client: Redis, name: string, log: Logger): void {
  let down = false;
  client.on("error", (err: Error) => {
    if (down) return;
    down = true;
    log.warn({ client: name, err: err.message }, "redis: connection lost; reconnecting");
  });
  client.on("ready", () => {
    if (!down) return;
    down = false;
    log.info({ client: name }, "redis: connected again");
  });
}

/** The driver's one hash of every room in the cluster (its name in @colyseus/redis-driver). */
export const ROOMS_KEY = "roomcaches";

/** Which rooms a join may be sent to (ProcessWatch). */
export interface RoomGate {
  /** False for a process whose heartbeat is missing. */
  available(processId: string | undefined): boolean;
  /** Whether the room's process still listens for it (one Redis round trip). */
  reachable(room: IRoomCache): Promise<boolean>;
}

/**
 * @colyseus/redis-driver 0.16.1 (the last 0.16 release) with two faults fixed:
 * - a failed read of the room list stayed cached for good (its cleanup ran only on
 *   success), so after a Redis outage every later lookup failed at once, forever;
 * - `findOne` returned a thenable that dropped the failure, so a lookup during an outage
 *   never settled and the join waiting on it hung.
 * It also leaves out rooms a join must not be sent to ({@link RoomGate}: their process is
 * gone), so no join waits on a dead process, and a joinOrCreate reads only the open rooms of
 * its type (open-rooms.ts) instead of every listing of the cluster.
 */
export class HealingRedisDriver extends RedisDriver {
  /** Reads of listings in flight, by what they read (every room, or one type's open ones). */
  private readonly reads = new Map<string, Promise<IRoomCache[]>>();
  /** Set once the process watch exists. */
  gate?: RoomGate;

  constructor(options: RedisOptions) {
    super(options);
    // The base's room-list reader is private: replaced on the instance, so its own query()
    // and cleanup() read through the healing one too.
    (this as unknown as { getRooms: (name?: string) => Promise<IRoomCache[]> }).getRooms = (name) => this.rooms(name);
  }

  /** The Redis client the driver uses (to watch its connection). */
  get client(): Redis {
    return (this as unknown as { _client: Redis })._client;
  }

  /** A listing whose writes keep the open-rooms index too (open-rooms.ts). */
  override createInstance(initialValues: Partial<IRoomCache> = {}): ReturnType<RedisDriver["createInstance"]> {
    return indexOpenRooms(super.createInstance(initialValues), this.client);
  }

  /**
   * Listings as JSON, read once for every lookup in flight that reads the same (never cached
   * past that, even on failure), made into listings whose writes keep the index.
   */
  private readOnce(what: string, read: () => Promise<string[]>): Promise<IRoomCache[]> {
    let reading = this.reads.get(what);
    if (!reading) {
      reading = read()
        .then((listings) => listings.map((json) => this.createInstance(JSON.parse(json)) as unknown as IRoomCache))
        .finally(() => this.reads.delete(what));
      this.reads.set(what, reading);
    }
    return reading;
  }

  /** The open rooms of one type (open-rooms.ts). */
  openRooms(roomName: string): Promise<IRoomCache[]> {
    return this.readOnce(`open:${roomName}`, () => openListings(this.client, ROOMS_KEY, roomName));
  }

  /** The room list: every listing of the cluster (only `roomName`'s when given). */
  rooms(roomName?: string): Promise<IRoomCache[]> {
    const all = this.readOnce("all", async () => Object.values((await this.client.hgetall(ROOMS_KEY)) ?? {}));
    return roomName === undefined ? all : all.then((rooms) => rooms.filter((r) => r.name === roomName));
  }

  override findOne(conditions: Partial<IRoomCache>, sortOptions?: SortOptions): ReturnType<RedisDriver["findOne"]> {
    if (conditions.roomId !== undefined) return super.findOne(conditions, sortOptions);
    // A joinOrCreate reads only the open rooms of its type; any other lookup, the whole list.
    const candidates = isOpenLookup(conditions) ? this.openRooms(conditions.name) : this.rooms(conditions.name);
    // The base type promises a room; Colyseus reads undefined as "none found" (as the base does).
    return candidates.then(async (rooms): Promise<IRoomCache | undefined> => {
      const gate = this.gate;
      const matching = rooms.filter((room) => matches(room, conditions) && (gate?.available(room.processId) ?? true));
      if (sortOptions) matching.sort(compareBy(sortOptions));
      for (const room of matching) if (!gate || (await gate.reachable(room))) return room;
      return undefined;
    }) as ReturnType<RedisDriver["findOne"]>;
  }
}

/** A listing's field by name (conditions and sort options name them as strings). */
function fieldOf(room: IRoomCache, field: string): unknown {
  return (room as unknown as Record<string, unknown>)[field];
}

function matches(room: IRoomCache, conditions: Partial<IRoomCache>): boolean {
  for (const [field, value] of Object.entries(conditions)) if (fieldOf(room, field) !== value) return false;
  return true;
}

function compareBy(sortOptions: SortOptions): (a: IRoomCache, b: IRoomCache) => number {
  const order = Object.entries(sortOptions).map(([field, dir]) => [field, dir === 1 || dir === "asc" || dir === "ascending" ? 1 : -1] as const);
  return (a, b) => {
    for (const [field, dir] of order) {
      const [x, y] = [fieldOf(a, field), fieldOf(b, field)] as [string | number, string | number];
      if (x > y) return dir;
      if (x < y) return -dir;
    }
    return 0;
  };
}

/** Presence whose two clients report their outages quietly. */
export function quietPresence(options: RedisOptions, log: Logger): RedisPresence {
  const presence = new RedisPresence(options);
  const { pub, sub } = presence as unknown as { pub: Redis; sub: Redis };
  quietErrors(pub, "presence-pub", log);
  quietErrors(sub, "presence-sub", log);
  return presence;
}

/** The clients of a presence (to watch their connection). */
export function presenceClients(presence: RedisPresence): Redis[] {
  const { pub, sub } = presence as unknown as { pub: Redis; sub: Redis };
  return [pub, sub];
}

/**
 * True for what ioredis throws while its server is away or cannot take commands: a command
 * with no retries left, one refused offline, a dropped or refused connection, a command that
 * timed out, and the server's own "not now" replies (full, a read-only replica, loading its
 * data, no primary, busy with a script, unable to persist; a transaction aborted by one).
 */
export function isRedisOutage(reason: unknown): boolean {
  const e = reason as { name?: unknown; message?: unknown } | null;
  if (!e || typeof e !== "object") return false;
  const message = String(e.message ?? "");
  return e.name === "MaxRetriesPerRequestError" || /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|Command timed out/.test(message) || /^(OOM|READONLY|LOADING|MASTERDOWN|BUSY|MISCONF|EXECABORT) /.test(message);
}
