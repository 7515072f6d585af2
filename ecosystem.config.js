// PM2: N LinguaLeap processes on one machine, in fork mode, one port each.
//   npm install -g pm2   (or npx pm2)
//   JWT_SECRET=… REDIS_URL=redis://127.0.0.1:6379/2 MONGODB_URL=mongodb://127.0.0.1:27017 \
//   LL_PROCESSES=2 pm2 start ecosystem.config.js
// Process k listens on 2567 + k (increment_var) and announces PUBLIC_ADDRESS with {port}
// filled in; server/deploy/nginx.conf routes /<port>/… to it and the rest round-robin.
const instances = Number(process.env.LL_PROCESSES || 2);

module.exports = {
  apps: [
    {
      name: "lingualeap",
      script: "server/main.ts",
      interpreter: "node",
      node_args: "--import tsx",
      exec_mode: "fork", // Colyseus rooms are stateful: one process per port, never PM2 cluster mode
      instances,
      increment_var: "PORT",
      wait_ready: true, // main.ts sends "ready" once it listens
      listen_timeout: 30000,
      kill_timeout: 20000, // SIGTERM, then this long (> SHUTDOWN_GRACE_MS) before SIGKILL
      env: {
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: 2567,
        PUBLIC_ADDRESS: process.env.PUBLIC_ADDRESS || "127.0.0.1:8080/{port}",
        // nginx (server/deploy/nginx.conf) runs on this host: believe its X-Forwarded-For only.
        TRUST_PROXY: process.env.TRUST_PROXY || "loopback",
      },
    },
  ],
};
