/** Entry point: read the environment, build the app, listen, and shut down cleanly on signals. */
import { buildApp } from "./app";
import { ConfigError, leagueSettings, loadConfig } from "./config";
import { createLogger } from "./logger";
import { MemoryStore } from "./store/MemoryStore";
import { MongoStore } from "./store/MongoStore";
import { loadDecks } from "../content/decks";
import { isRedisOutage } from "./redis";


async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`lingualeap: ${err.message}\n`);
    process.exit(2);
  }
  const log = createLogger(config);
  if (config.jwtSecretGenerated) log.warn({}, "JWT_SECRET is not set: using a random key for this run (tokens end with the process)");
  const decks = loadDecks();
  // Serves at once: a database that is not up yet only delays what needs it (results wait in the outbox).
  const options = { leagues: leagueSettings(config) };
  const store = config.MONGODB_URL ? MongoStore.open(config.MONGODB_URL, config.MONGODB_DB, log, undefined, options) : new MemoryStore(options);
  const server = buildApp({ config, log, store, decks });

  let stopping = false;
  const stop = (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS + 5000);
    force.unref();
    server.close().then(
      () => process.exit(exitCode),
      (err) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  // Last resorts, for our own bugs (nothing a client sends gets here: the rooms and routes
  // catch it). A rejected background task (a Redis call, a log write) is logged and the
  // process goes on; an exception nobody caught leaves the process in an unknown state, so
  // it drains like a SIGTERM (running duels finish and are recorded) and exits.
  const onRejection = (reason: unknown) => {
    // Colyseus leaves some Redis calls unawaited: while Redis is away they reject here (the
    // outage itself is logged once by server/redis.ts).
    if (isRedisOutage(reason)) return log.debug({ err: (reason as Error).message }, "a background Redis call failed (Redis away)");
    log.error({ err: reason }, "a background task failed (unhandled rejection)");
  };
  const onException = (err: Error) => {
    log.fatal({ err }, "uncaught exception: draining and exiting");
    stop("uncaughtException", 1);
  };
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  // @pm2/io, which Colyseus's stats load in the background, adds handlers of its own that
  // print raw lines. pm2-io.ts keeps it from starting; should anything load it all the same,
  // only ours stay.
  const onlyOurs = () => {
    for (const [event, ours] of [["unhandledRejection", onRejection], ["uncaughtException", onException]] as const) {
      for (const listener of process.listeners(event as "unhandledRejection")) if (listener !== ours) process.off(event, listener as never);
    }
  };
  onlyOurs();
  void server.joined.then(onlyOurs);
  setTimeout(onlyOurs, 1000).unref();

  const port = await server.listen();
  log.info({ host: config.HOST, port, languages: [...decks.keys()], startMs: Math.round(process.uptime() * 1000) }, `LinguaLeap listening on http://${config.HOST}:${port}`);
  // PM2 (wait_ready) waits for this before it counts the process as up: once matchmaking is open.
  void server.joined.then(() => {
    log.info({ readyMs: Math.round(process.uptime() * 1000) }, "ready: matchmaking is open");
    process.send?.("ready");
  });
}

main().catch((err) => {
  process.stderr.write(`lingualeap: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
