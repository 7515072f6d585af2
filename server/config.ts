/**
 * The only reader of the environment. `loadConfig(process.env)` parses every key into a
 * frozen, typed Config; a bad value throws a ConfigError naming the key.
 */
import { randomBytes } from "node:crypto";
import proxyaddr from "proxy-addr";
import { z } from "zod";
import type { LeagueSettings } from "./leagues.rules";
import type { OfflineLimits } from "./offline.rules";

const int = (min: number, max: number) =>
  z.coerce.number({ invalid_type_error: "must be a whole number" }).int("must be a whole number").min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

/** A comma-separated list (spaces allowed), "" for none. */
const list = (check: (item: string) => boolean, what: string) =>
  z
    .string()
    .default("")
    .transform((s) => s.split(",").map((x) => x.trim()).filter((x) => x !== ""))
    .refine((items) => items.every(check), `must be a comma-separated list of ${what}`);

/** proxy-addr's own check: addresses, CIDR ranges, or the names loopback, linklocal, uniquelocal. */
const isProxyItem = (item: string) => {
  try {
    proxyaddr.compile(item);
    return true;
  } catch {
    return false;
  }
};
/** host:port, the host a name, IPv4 or [IPv6]. */
const isPort = (text: string) => /^\d{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= 65535;
const isHostPort = (item: string) => {
  const m = /^([a-z0-9.-]+|\[[0-9a-f:]+\]):(\d{1,5})$/i.exec(item);
  return m !== null && isPort(m[2]);
};
/**
 * A Redis URL that redisOptions (server/redis.ts) reads as written: it parses, its path is
 * empty or a DB index (a path that is not one would silently mean DB 0), and its user and
 * password decode.
 */
function isRedisUrl(text: string): boolean {
  if (!/^rediss?:\/\/\S*$/.test(text)) return false;
  try {
    const url = new URL(text);
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
    return /^\/?(\d{1,2})?$/.test(url.pathname) && (url.port === "" || isPort(url.port));
  } catch {
    return false;
  }
}
/** An origin as browsers send it: scheme, host and optional port, nothing more. */
const isOrigin = (item: string) => /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(item) || /^https?:\/\/\[[0-9a-f:]+\](:\d{1,5})?$/i.test(item);

/** Every key: its schema (with default) and a one-line description, used by the README table. */
export const CONFIG_KEYS = {
  NODE_ENV: [z.enum(["development", "production", "test"]).default("development"), "development, production or test; production refuses to start without JWT_SECRET"],
  HOST: [z.string().min(1).default("127.0.0.1"), "interface to bind; 0.0.0.0 only behind a proxy or in a container"],
  PORT: [int(0, 65535).default(2567), "TCP port for HTTP and WebSocket"],
  PUBLIC_ADDRESS: [z.string().optional(), "how clients reach this process's rooms (host[:port][/path]); one per process in a cluster; {port} is replaced by PORT"],
  REDIS_URL: [
    z.string().refine(isRedisUrl, "must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/2 (the path, if any, is a DB index)").optional(),
    "Redis (redis:// or rediss://, DB index as the path) for presence, driver, limits and pending results: processes sharing it form one cluster; needs MONGODB_URL; unset = one process",
  ],
  REDIS_SENTINELS: [list(isHostPort, "host:port addresses of Redis Sentinels"), "Sentinels (host:port, comma-separated) that name the Redis primary; REDIS_URL then gives only the password, DB index and TLS"],
  REDIS_SENTINEL_MASTER: [z.string().min(1).default("lingualeap"), "the primary's name the Sentinels watch (sentinel monitor <name> …)"],
  MONGODB_URL: [z.string().url().optional(), "MongoDB store of record; unset = in-memory store"],
  MONGODB_DB: [z.string().min(1).default("lingualeap"), "MongoDB database name"],
  JWT_SECRET: [z.string().min(32, "must be at least 32 characters").optional(), "HS256 key for tokens; unset = a random key per run (development only)"],
  JWT_TTL_SECONDS: [int(60, 60 * 60 * 24 * 90).default(60 * 60 * 24 * 7), "how long a token is valid"],
  ADMIN_USER: [z.string().min(1).optional(), "monitor user name; monitor off when unset"],
  ADMIN_PASSWORD: [z.string().min(12, "must be at least 12 characters").optional(), "monitor password"],
  LOG_LEVEL: [z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"), "log level"],
  BODY_LIMIT_BYTES: [int(256, 1024 * 1024).default(16 * 1024), "largest JSON request body"],
  TRUST_PROXY: [list(isProxyItem, "addresses, CIDR ranges or loopback/linklocal/uniquelocal"), "proxies whose X-Forwarded-For is believed (addresses, CIDRs, loopback, uniquelocal); unset = trust nobody"],
  CORS_ORIGINS: [list(isOrigin, "origins such as https://play.example.org"), "other origins whose pages may call /api and /matchmake; unset = same origin only"],
  API_REQUESTS_PER_MINUTE_PER_ADDRESS: [int(1, 1_000_000).default(3000), "requests to /api per address per minute, any route and method (boards, leagues, lessons, the profile…), across the cluster"],
  AUTH_RATE_PER_MINUTE: [int(1, 100000).default(30), "sign-in/register/guest attempts per address per minute"],
  GUESTS_PER_ADDRESS_PER_DAY: [int(1, 1_000_000).default(200), "guest accounts one address may create per day"],
  GUEST_IDLE_HOURS: [int(1, 24 * 365).default(24), "a guest who never finished a duel or practice is deleted this long after signing up"],
  MATCHMAKE_PER_MINUTE: [int(1, 100000).default(60), "matchmaking requests per account per minute"],
  MATCHMAKE_PER_MINUTE_PER_ADDRESS: [int(1, 1_000_000).default(600), "matchmaking requests per address per minute"],
  ROOMS_PER_MINUTE: [int(1, 100000).default(10), "rooms one account may create per minute"],
  ROOMS_PER_MINUTE_PER_ADDRESS: [int(1, 1_000_000).default(120), "rooms one address may create per minute"],
  MATCHMAKE_TIMEOUT_MS: [int(1000, 60000).default(8000), "a matchmaking request with no answer by then is answered 503 (the SDK retries; its own timeout is longer)"],
  CHALLENGE_LOOKUPS_PER_MINUTE: [int(1, 100000).default(30), "challenge-code lookups per address per minute"],
  OFFLINE_SYNCS_PER_MINUTE: [int(1, 100000).default(60), "offline practices one account may send per minute"],
  OFFLINE_XP_PER_DAY: [int(0, 1_000_000).default(150), "the most XP offline practice earns a learner per UTC day (the practices past it still count, for 0 XP)"],
  OFFLINE_PRACTICES_PER_DAY: [int(1, 10_000).default(100), "the most offline practices recorded per learner and UTC day"],
  OFFLINE_MAX_AGE_DAYS: [int(1, 365).default(7), "an offline practice older than this when it arrives is refused (OFFLINE_TOO_OLD)"],
  ADMIN_AUTH_FAILURES_PER_HOUR: [int(1, 100000).default(20), "failed monitor/admin sign-ins per address per hour before it is locked out"],
  CONNECTIONS_PER_ADDRESS: [int(1, 100000).default(256), "open connections (TCP from a direct peer, WebSocket per client address) one address may hold per process; a class of 100 phones behind a school's one address needs about 200"],
  WS_PING_INTERVAL_MS: [int(0, 60000).refine((ms) => ms === 0 || ms >= 1000, "must be 0 (never) or at least 1000").default(3000), "how often every WebSocket is pinged; one that misses two pings is closed (a dead phone's connection); 0 = never"],
  HTTP_HEADERS_TIMEOUT_MS: [int(1000, 120000).default(10000), "time a client has to send a request's headers"],
  HTTP_REQUEST_TIMEOUT_MS: [int(1000, 600000).default(30000), "time a client has to send a whole request"],
  PASSWORD_SCRYPT_LOG2N: [int(14, 20).default(17), "scrypt cost of new password hashes, as log2(N) (OWASP: 17); older hashes are upgraded at login"],
  DUEL_ROUNDS: [int(1, 30).default(10), "rounds in a duel"],
  DUEL_CHOICE_ROUND_MS: [int(1000, 120000).default(10000), "round length in choice mode"],
  DUEL_TYPED_ROUND_MS: [int(1000, 120000).default(15000), "round length in typed mode"],
  DUEL_COUNTDOWN_MS: [int(0, 60000).default(3000), "countdown before the first round"],
  DUEL_REVEAL_MS: [int(0, 60000).default(3000), "how long each answer is shown"],
  DUEL_FINISHED_LINGER_MS: [int(0, 600000).default(10000), "how long a finished duel stays open"],
  DUEL_NO_SHOW_MS: [int(1000, 120000).default(20000), "how long a ranked duel waits for its paired learners before it is called off"],
  DUEL_WAITING_TIMEOUT_MS: [int(1000, 3_600_000).default(300000), "how long a duel or challenge waits for an opponent before it closes (DUEL_WAIT_EXPIRED)"],
  WATCHERS_PER_ROOM: [int(0, 10000).default(50), "watchers (read-only, no seat) one room takes at once; 0 = no watching"],
  QUEUE_BOT_AFTER_MS: [int(0, 600000).default(8000), "how long a ranked learner waits before a bot steps in; 0 = never"],
  QUEUE_GAP_BASE: [int(0, 5000).default(100), "rating gap a ranked pair may have at once"],
  QUEUE_GAP_PER_SECOND: [int(0, 5000).default(50), "how much the accepted rating gap widens per second of waiting"],
  QUEUE_GAP_MAX: [int(0, 10000).default(800), "widest rating gap a ranked pair may have"],
  QUEUE_TICK_MS: [int(20, 10000).default(250), "how often a ranked queue looks for pairs"],
  CLASS_MAX_PLAYERS: [int(1, 500).default(100), "players one class game seats (the host not counted)"],
  CLASS_RECONNECT_SECONDS: [int(0, 3600).default(300), "how long a class game keeps the seat of a dropped phone (or host) for the SDK to reconnect; a learner joining again with the same account gets it back later too"],
  CLASS_IDLE_MS: [int(10000, 24 * 3_600_000).default(3_600_000), "how long a class game's lobby waits for the start, and a reveal for the host's next, before the game closes (lobby) or ends with the rounds played"],
  CLASS_PODIUM_MS: [int(0, 24 * 3_600_000).default(900_000), "how long a finished class game stays open (the podium, the teacher's report)"],
  CLASS_LOOKUPS_PER_MINUTE: [int(1, 100000).default(600), "class-game PIN lookups and joins per address per minute (a school's phones often share one address)"],
  LEAGUE_COHORT_SIZE: [int(2, 1000).default(30), "learners in a full league cohort"],
  LEAGUE_PROMOTE: [int(0, 500).default(7), "learners of each cohort who move up a tier at the end of the week (never more than half a small cohort)"],
  LEAGUE_DEMOTE: [int(0, 500).default(5), "learners of each cohort who move down a tier at the end of the week"],
  LEAGUE_WEEK_START_DAY: [int(0, 6).default(1), "the weekday a league week starts on, UTC (0 Sunday, 1 Monday … 6 Saturday)"],
  LEAGUE_WEEK_START_HOUR: [int(0, 23).default(0), "the hour (UTC) a league week starts at"],
  LEAGUE_SETTLE_DELAY_MS: [int(0, 86_400_000).default(600_000), "how long after a league week ends it is settled (results finished before the end still count)"],
  LEAGUE_CHECK_MS: [int(1000, 3_600_000).default(60_000), "how often each process looks for a league week to settle (one of them does it)"],
  BOARDS_REDIS: [z.enum(["on", "off"]).default("on"), "with REDIS_URL, keep leaderboards in Redis sorted sets too (rebuilt from MongoDB when missing); off: read them from MongoDB"],
  BOARDS_CHECK_MS: [int(1000, 3_600_000).default(30_000), "how often a process checks the Redis boards against MongoDB (a flushed or stale board is rebuilt)"],
  BOARDS_WEEKLY_KEEP_DAYS: [int(1, 365).default(14), "days a weekly board stays in Redis after its week ends (MongoDB keeps it for good)"],
  RECONNECT_SECONDS: [int(0, 600).default(20), "reconnection window for a dropped player"],
  MSG_RATE_PER_SECOND: [int(1, 1000).default(5), "room messages per client per second (sustained)"],
  MSG_BURST: [int(1, 1000).default(10), "room messages a client may send at once"],
  MSG_FLOOD_DISCONNECT: [int(1, 100000).default(40), "dropped messages before a flooding client is disconnected"],
  OUTBOX_PATH: [z.string().min(1).default(".data/outbox-{port}.jsonl"), "this process's append-only file of results not yet in MongoDB: the outbox without REDIS_URL, the fallback while Redis is down with it ({port} is replaced by PORT: one file per process)"],
  DEAD_LETTER_PATH: [z.string().min(1).default(".data/dead-letter-{port}.jsonl"), "append-only file keeping results the store refused for good (replay them from /admin); {port} is replaced by PORT"],
  STORE_WRITE_TIMEOUT_MS: [int(100, 60000).default(3000), "a result write slower than this goes to the outbox"],
  OUTBOX_RETRY_MS: [int(10, 600000).default(500), "first retry of pending results while the database is down (doubles up to 5 s; at once when a ping answers again)"],
  SHUTDOWN_GRACE_MS: [int(0, 3_600_000).default(200000), "how long running duels may go on after SIGTERM (default: a whole typed duel); PM2's kill_timeout and compose's stop_grace_period must be longer"],
} as const;

/** The league settings a Config gives. */
export function leagueSettings(config: Config): LeagueSettings {
  return { cohortSize: config.LEAGUE_COHORT_SIZE, up: config.LEAGUE_PROMOTE, down: config.LEAGUE_DEMOTE, startDay: config.LEAGUE_WEEK_START_DAY, startHour: config.LEAGUE_WEEK_START_HOUR };
}

/** What offline practice may earn and how old it may be. */
export function offlineLimits(config: Config): OfflineLimits {
  return { xpPerDay: config.OFFLINE_XP_PER_DAY, practicesPerDay: config.OFFLINE_PRACTICES_PER_DAY, maxAgeMs: config.OFFLINE_MAX_AGE_DAYS * 86_400_000 };
}

/**
 * Per-address limits at their ceilings, for runs where every client comes from one address
 * (the test suite, the load harness on loopback). Never for a server on the internet.
 */
export const SINGLE_ADDRESS_LIMITS: Readonly<Record<string, string>> = {
  API_REQUESTS_PER_MINUTE_PER_ADDRESS: "1000000",
  AUTH_RATE_PER_MINUTE: "100000",
  GUESTS_PER_ADDRESS_PER_DAY: "1000000",
  MATCHMAKE_PER_MINUTE_PER_ADDRESS: "1000000",
  ROOMS_PER_MINUTE_PER_ADDRESS: "1000000",
  CHALLENGE_LOOKUPS_PER_MINUTE: "100000",
  CLASS_LOOKUPS_PER_MINUTE: "100000",
  CONNECTIONS_PER_ADDRESS: "100000",
};

type Keys = typeof CONFIG_KEYS;
export type Config = Readonly<{ [K in keyof Keys]: z.output<Keys[K][0]> }> & {
  /** True when JWT_SECRET was not set and a random one was made for this run. */
  readonly jwtSecretGenerated: boolean;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/**
 * Parses the environment. Empty strings count as unset.
 * @example loadConfig({ PORT: "0", JWT_SECRET: "x".repeat(32) })
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, [schema]] of Object.entries(CONFIG_KEYS)) {
    const raw = env[key] === "" ? undefined : env[key];
    const parsed = (schema as z.ZodTypeAny).safeParse(raw);
    if (parsed.success) out[key] = parsed.data;
    else problems.push(`${key}=${JSON.stringify(raw)}: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  }
  if (problems.length > 0) throw new ConfigError(`bad configuration:\n  ${problems.join("\n  ")}`);
  if (out.NODE_ENV === "production" && !out.JWT_SECRET) {
    throw new ConfigError("JWT_SECRET: required when NODE_ENV=production (at least 32 characters)");
  }
  if (Boolean(out.ADMIN_USER) !== Boolean(out.ADMIN_PASSWORD)) {
    throw new ConfigError("ADMIN_USER and ADMIN_PASSWORD: set both to enable the monitor, or neither");
  }
  // Without MongoDB each process keeps its own users in memory: a cluster of them would
  // accept a token on one process and not know its learner on the next.
  if (out.REDIS_URL && !out.MONGODB_URL) {
    throw new ConfigError("REDIS_URL needs MONGODB_URL: the processes of a cluster must share one store of record (set MONGODB_URL, or unset REDIS_URL for one process)");
  }
  if ((out.REDIS_SENTINELS as string[]).length > 0 && !out.REDIS_URL) {
    throw new ConfigError("REDIS_SENTINELS needs REDIS_URL (redis://[:password@]any/<db>): it gives the DB index, password and TLS of the primary the Sentinels name");
  }
  // "{port}" gives every process of a PM2 group its own address and files (PORT differs per process).
  for (const key of ["PUBLIC_ADDRESS", "OUTBOX_PATH", "DEAD_LETTER_PATH"] as const) {
    if (typeof out[key] === "string") out[key] = (out[key] as string).replace(/\{port\}/g, String(out.PORT));
  }
  const jwtSecretGenerated = !out.JWT_SECRET;
  if (jwtSecretGenerated) out.JWT_SECRET = randomBytes(32).toString("hex");
  return Object.freeze({ ...out, jwtSecretGenerated }) as Config;
}
