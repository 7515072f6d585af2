/** Entry point: read the environment, build the app, listen, and shut down cleanly on signals. */
import { buildApp } from "./app";
import { ConfigError, loadConfig } from "./config";
import { createLogger } from "./logger";
import { MemoryStore } from "./store/MemoryStore";
import { loadDecks } from "../content/decks";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`lingualeap: ${err.message}\n`);
    process.exit(2);
  }
  // Accepted by the configuration, but this build has no Redis or MongoDB wiring yet:
  // refusing is better than silently keeping progress in memory.
  for (const key of ["REDIS_URL", "MONGODB_URL"] as const) {
    if (config[key]) {
      process.stderr.write(`lingualeap: ${key} is set, but this version runs in one process with the in-memory store only; unset it\n`);
      process.exit(2);
    }
  }
  const log = createLogger(config);
  if (config.jwtSecretGenerated) log.warn({}, "JWT_SECRET is not set: using a random key for this run (tokens end with the process)");
  const decks = loadDecks();
  const server = buildApp({ config, log, store: new MemoryStore(), decks });
  const port = await server.listen();
  log.info({ host: config.HOST, port, languages: [...decks.keys()] }, `LinguaLeap listening on http://${config.HOST}:${port}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS + 5000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err) => {
  process.stderr.write(`lingualeap: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
