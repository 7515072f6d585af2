/**
 * Request limits, counted by rate-limiter-flexible: in Redis when REDIS_URL is set, so one
 * count per key holds across every process of the cluster, in this process's memory
 * otherwise. If Redis cannot answer, each process counts on its own meanwhile (the insurance
 * limiter): a limit degrades to per process instead of letting everything through or
 * refusing everyone.
 */
import type Redis from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Config } from "./config";
import { addressKey } from "./address-key";

/** `points` requests per `seconds`, per key. */
export interface LimitSpec {
  points: number;
  seconds: number;
}

export type Taken = { ok: true } | { ok: false; retryAfterMs: number };

const KEY_PREFIX = "lingualeap:limit";

/** One named limit (its keys are addresses or account ids). */
export class Limit {
  private readonly limiter: RateLimiterAbstract;

  private readonly keyOf: (key: string) => string;

  /**
   * `blockInMemory`: once a key has used its points, this process refuses it from memory for
   * the rest of the window, without asking Redis (a flood from one address costs Redis one
   * call per process and window); for limits whose points are never given back.
   * `byAddress`: the keys are client addresses, counted by {@link addressKey} (one spelling
   * per address, one key per IPv6 /64).
   */
  constructor(
    readonly name: string,
    spec: LimitSpec,
    redis?: Redis,
    { blockInMemory = false, byAddress = false }: { blockInMemory?: boolean; byAddress?: boolean } = {},
  ) {
    this.keyOf = byAddress ? addressKey : (key) => key;
    const options = { keyPrefix: `${KEY_PREFIX}:${name}`, points: spec.points, duration: spec.seconds };
    const memory = new RateLimiterMemory(options);
    const block = blockInMemory ? { inMemoryBlockOnConsumed: spec.points } : {};
    this.limiter = redis ? new RateLimiterRedis({ ...options, ...block, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: memory }) : memory;
  }

  /** Takes `points` for `key`; says how long to wait when the limit is reached. */
  async take(key: string, points = 1): Promise<Taken> {
    try {
      await this.limiter.consume(this.keyOf(key), points);
      return { ok: true };
    } catch (res) {
      if (res instanceof RateLimiterRes) return { ok: false, retryAfterMs: res.msBeforeNext };
      throw res;
    }
  }

  /** Gives back `points` taken for `key` (a request that turned out fine). */
  async giveBack(key: string, points = 1): Promise<void> {
    await this.limiter.reward(this.keyOf(key), points);
  }
}

const MINUTE = 60;

/** Every limit of the server, from the configuration (see the README table). */
export function buildLimits(config: Config, redis?: Redis) {
  const perAccount = (name: string, points: number, seconds: number) => new Limit(name, { points, seconds }, redis);
  const perAddress = (name: string, points: number, seconds: number, { blockInMemory = false } = {}) => new Limit(name, { points, seconds }, redis, { byAddress: true, blockInMemory });
  return {
    /** Every request to /api, per address: one client's flood stays a small share of a process. */
    api: perAddress("api", config.API_REQUESTS_PER_MINUTE_PER_ADDRESS, MINUTE, { blockInMemory: true }),
    /** Sign-in, register and guest creation, per address. */
    auth: perAddress("auth", config.AUTH_RATE_PER_MINUTE, MINUTE),
    /** Guest accounts created, per address per day. */
    guests: perAddress("guests", config.GUESTS_PER_ADDRESS_PER_DAY, 24 * 60 * MINUTE),
    /** Matchmaking requests, per account and per address. */
    matchmake: perAccount("matchmake", config.MATCHMAKE_PER_MINUTE, MINUTE),
    matchmakeByAddress: perAddress("matchmake-address", config.MATCHMAKE_PER_MINUTE_PER_ADDRESS, MINUTE),
    /** Rooms created for a client, per account and per address. */
    rooms: perAccount("rooms", config.ROOMS_PER_MINUTE, MINUTE),
    roomsByAddress: perAddress("rooms-address", config.ROOMS_PER_MINUTE_PER_ADDRESS, MINUTE),
    /** Challenge-code lookups, per address. */
    challengeLookups: perAddress("challenge-lookups", config.CHALLENGE_LOOKUPS_PER_MINUTE, MINUTE),
    /** Class-game PIN lookups and guest joins, per address. */
    classLookups: perAddress("class-lookups", config.CLASS_LOOKUPS_PER_MINUTE, MINUTE),
    /** Offline practices sent, per account. */
    offlineSyncs: perAccount("offline-syncs", config.OFFLINE_SYNCS_PER_MINUTE, MINUTE),
    /** Failed monitor/admin sign-ins, per address. */
    adminFailures: perAddress("admin-failures", config.ADMIN_AUTH_FAILURES_PER_HOUR, 60 * MINUTE),
  };
}

export type Limits = ReturnType<typeof buildLimits>;
