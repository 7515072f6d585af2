// PM2: N LinguaLeap processes on one machine, in fork mode, one port each, running the
// compiled server: build first, `npm run build` (scripts/build.mjs: the browser game, the
// server compiled into dist/ with its decks and the game beside it), then
//   npm install -g pm2   (or npx pm2)
//   JWT_SECRET=… REDIS_URL=redis://127.0.0.1:6379/2 MONGODB_URL=mongodb://127.0.0.1:27017 \
//   LL_PROCESSES=2 pm2 start ecosystem.config.js
// and `npm run build` again before a `pm2 reload` that should run new code. LL_BUILD_DIR
// names another build folder (`node scripts/build.mjs --out-dir DIR`; default dist).
// Process k listens on 2567 + k (increment_var) and announces PUBLIC_ADDRESS with {port}
// filled in; server/deploy/nginx.conf routes /<port>/… to it and the rest round-robin.
// `pm2 reload lingualeap` restarts the processes one at a time (fork mode: each one drains,
// exits, and its successor starts on the same port); nginx retries matchmaking on the others
// meanwhile.
const instances = Number(process.env.LL_PROCESSES || 2);
const buildDir = process.env.LL_BUILD_DIR || "dist";

module.exports = {
  apps: [
    {
      name: "lingualeap",
      // Plain node on compiled JavaScript: nothing compiles TypeScript at run time in production.
      script: `${buildDir}/server/main.js`,
      interpreter: "node",
      exec_mode: "fork", // Colyseus rooms are stateful: one process per port, never PM2 cluster mode
      instances,
      increment_var: "PORT",
      wait_ready: true, // main.ts sends "ready" once it listens
      // How long PM2 waits for that "ready" before it counts the process as up anyway (and a
      // reload moves on to the next one): above the worst start-up seen (16.5 s) and the
      // ~35 s main.ts keeps retrying a MongoDB that is not up yet.
      listen_timeout: 60000,
      // SIGTERM, then this long before SIGKILL. It must exceed SHUTDOWN_GRACE_MS (default
      // 200000: a whole typed duel, 10 × (15 s + 3 s) + 3 s, plus margin) and main.ts's own
      // forced exit 5 s after it, or running duels are killed mid-drain.
      kill_timeout: 210000,
      env: {
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: Number(process.env.PORT || 2567), // the first process's; the others count up from it
        PUBLIC_ADDRESS: process.env.PUBLIC_ADDRESS || "127.0.0.1:8080/{port}",
        // One fallback outbox and one dead-letter file per process ({port} filled in), never shared.
        OUTBOX_PATH: process.env.OUTBOX_PATH || ".data/outbox-{port}.jsonl",
        DEAD_LETTER_PATH: process.env.DEAD_LETTER_PATH || ".data/dead-letter-{port}.jsonl",
        // nginx (server/deploy/nginx.conf) runs on this host: believe its X-Forwarded-For only.
        TRUST_PROXY: process.env.TRUST_PROXY || "loopback",
      },
    },
  ],
};
