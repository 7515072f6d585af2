/**
 * The deploy files agree with each other and with the server: docker-compose.yml (parsed, as
 * `docker compose config` would on a machine with Docker), ecosystem.config.js, nginx.conf,
 * the Dockerfile and .dockerignore. test/cluster/nginx.test.ts runs nginx.conf for real.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { CONFIG_KEYS } from "../../server/config";
import { upstreamServers } from "../helpers/nginx";

const ROOT = resolve(__dirname, "..", "..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
/** SHUTDOWN_GRACE_MS's default: how long a drain may let running duels go on. */
const GRACE_MS = CONFIG_KEYS.SHUTDOWN_GRACE_MS[0].parse(undefined) as number;
/** main.ts forces the exit this long after the grace: the process managers must wait longer still. */
const FORCED_EXIT_MARGIN_MS = 5000;

type Service = {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }> | string[];
  stop_grace_period?: string;
  profiles?: string[];
  ports?: string[];
  secrets?: string[];
};
const compose = parse(read("docker-compose.yml"), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown>; secrets: Record<string, unknown> };
const services = compose.services;
/** The game processes: the services that set PORT. */
const games = Object.entries(services).filter(([, s]) => s.environment?.PORT);

/** A compose duration ("210s", "3m30s", "1m") in milliseconds. */
function durationMs(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  assert.ok(parts.length > 0 && parts.map((p) => p[0]).join("") === text, `"${text}" is a compose duration`);
  const unit = { ms: 1, s: 1000, m: 60000, h: 3600000 } as const;
  return parts.reduce((sum, [, n, u]) => sum + Number(n) * unit[u as keyof typeof unit], 0);
}

/** ecosystem.config.js evaluated with an empty environment (its defaults, whatever the shell has). */
function ecosystem(): { apps: Record<string, any>[] } {
  const module = { exports: {} as any };
  new Function("module", "exports", "process", read("ecosystem.config.js"))(module, module.exports, { env: {} });
  return module.exports;
}

/** The volume (by name) mounted at the directory holding `path` in `service`. */
function volumeHolding(service: Service, path: string): string | undefined {
  const mount = (service.volumes ?? []).map((v) => v.split(":")).find(([, target]) => path.startsWith(`${target.replace(/\/$/, "")}/`));
  return mount?.[0];
}

describe("deploy files", () => {
  it("the grace periods of compose and PM2 exceed SHUTDOWN_GRACE_MS's default (and main.ts's forced exit after it)", () => {
    assert.ok(GRACE_MS >= 60000, `SHUTDOWN_GRACE_MS defaults to ${GRACE_MS}`);
    for (const [name, s] of games) {
      assert.ok(s.stop_grace_period, `${name} has a stop_grace_period`);
      assert.ok(durationMs(s.stop_grace_period) >= GRACE_MS + FORCED_EXIT_MARGIN_MS, `${name}: stop_grace_period ${s.stop_grace_period} > ${GRACE_MS} ms + ${FORCED_EXIT_MARGIN_MS}`);
    }
    const [app] = ecosystem().apps;
    assert.ok(app.kill_timeout >= GRACE_MS + FORCED_EXIT_MARGIN_MS, `PM2 kill_timeout ${app.kill_timeout} > ${GRACE_MS} ms + ${FORCED_EXIT_MARGIN_MS}`);
  });

  it("PM2 runs forked processes on their own ports, files and addresses, and waits for them to be ready", () => {
    const [app] = ecosystem().apps;
    assert.equal(app.exec_mode, "fork");
    assert.equal(app.increment_var, "PORT");
    assert.equal(app.wait_ready, true);
    assert.ok(app.listen_timeout >= 30000 && app.listen_timeout < app.kill_timeout, `listen_timeout ${app.listen_timeout}`);
    assert.ok(app.instances >= 2);
    assert.equal(app.env.PORT, 2567);
    for (const key of ["PUBLIC_ADDRESS", "OUTBOX_PATH", "DEAD_LETTER_PATH"]) assert.match(app.env[key], /\{port\}/, `${key} is per process`);
    assert.equal(app.env.TRUST_PROXY, "loopback");
  });

  it("every compose game process has its own PORT, PUBLIC_ADDRESS route, outbox and dead letters on its own volume", () => {
    assert.ok(games.length >= 2, "two game processes or more");
    const seen = { port: new Set<string>(), address: new Set<string>(), file: new Set<string>(), volume: new Set<string>() };
    for (const [name, s] of games) {
      const env = s.environment!;
      assert.ok(!seen.port.has(env.PORT), `${name}: PORT ${env.PORT} is its own`);
      seen.port.add(env.PORT);
      assert.ok(env.PUBLIC_ADDRESS?.endsWith(`/${env.PORT}`), `${name}: PUBLIC_ADDRESS ${env.PUBLIC_ADDRESS} is nginx's route /${env.PORT}`);
      assert.ok(!seen.address.has(env.PUBLIC_ADDRESS), `${name}: PUBLIC_ADDRESS is its own`);
      seen.address.add(env.PUBLIC_ADDRESS);
      const volumes = new Set<string>();
      for (const key of ["OUTBOX_PATH", "DEAD_LETTER_PATH"]) {
        const file = env[key];
        assert.ok(file?.startsWith("/"), `${name}: ${key} is set explicitly (${file})`);
        assert.ok(!seen.file.has(file), `${name}: ${key} ${file} is its own`);
        seen.file.add(file);
        const volume = volumeHolding(s, file);
        assert.ok(volume && volume in compose.volumes, `${name}: ${key} lies on a named volume`);
        volumes.add(volume);
      }
      for (const volume of volumes) {
        assert.ok(!seen.volume.has(volume), `${name}: volume ${volume} is its own`);
        seen.volume.add(volume);
      }
      assert.equal(env.REDIS_URL?.startsWith("redis://"), true, `${name}: REDIS_URL`);
      assert.ok(env.MONGODB_URL, `${name}: REDIS_URL needs MONGODB_URL`);
      assert.equal(env.TRUST_PROXY, "uniquelocal");
      assert.equal(s.ports, undefined, `${name}: game ports are not published (only nginx's)`);
    }
  });

  it("compose builds the game image, checks health on /readyz and starts nginx once the games are healthy", () => {
    for (const [name, s] of games) {
      assert.ok(s.build, `${name} is built from the Dockerfile`);
      const test = (s.healthcheck?.test ?? []).join(" ");
      assert.match(test, /\/readyz/, `${name}: the health check asks /readyz`);
      assert.doesNotMatch(test, /\b(curl|wget)\b/, `${name}: the slim Node image has neither curl nor wget`);
    }
    const nginx = services.nginx;
    assert.ok(nginx && !Array.isArray(nginx.depends_on), "nginx waits on conditions");
    for (const [name] of games) assert.equal((nginx.depends_on as Record<string, { condition: string }>)[name]?.condition, "service_healthy", `nginx waits for ${name}`);
    assert.ok(nginx.volumes?.some((v) => v.startsWith("./server/deploy/nginx.conf:")), "nginx runs the repo's nginx.conf");
  });

  it("Redis keeps pending results: append-only file, fsync every second, on a volume", () => {
    const redis = services.redis;
    const cmd = (redis.command ?? []).join(" ");
    assert.match(cmd, /--appendonly yes/);
    assert.match(cmd, /--appendfsync everysec/);
    assert.doesNotMatch(cmd, /--maxmemory-policy (?!noeviction)/, "Redis must never evict pending results");
    const volume = (redis.volumes ?? []).map((v) => v.split(":")).find(([, target]) => target === "/data")?.[0];
    assert.ok(volume && volume in compose.volumes, "Redis's /data is a named volume");
  });

  it("nginx.conf's upstream lists the compose game processes, and routes /<port>/ to each", () => {
    const conf = read("server/deploy/nginx.conf");
    const expected = games.map(([name, s]) => `${name}:${s.environment!.PORT}`).sort();
    assert.deepEqual([...upstreamServers(conf)].sort(), expected);
    for (const hostPort of expected) {
      const port = hostPort.split(":")[1];
      assert.match(conf, new RegExp(`location /${port}/ \\{ proxy_pass http://${hostPort}/; \\}`), `route /${port}/ → ${hostPort}`);
    }
    for (const line of /upstream\s+\S+\s*\{([^}]*)\}/.exec(conf)![1].split("\n").filter((l) => /^\s*server\s/.test(l))) {
      assert.match(line, /max_fails=0/, `never marked down: ${line.trim()}`);
    }
    const matchmake = /location \/matchmake\/ \{([^}]*)\}/.exec(conf)?.[1] ?? "";
    assert.match(matchmake, /proxy_next_upstream [^;]*\bhttp_503\b[^;]*\bnon_idempotent\b/, "matchmaking POSTs are retried on 503");
    const rest = /location \/ \{([^}]*)\}/.exec(conf)?.[1] ?? "";
    assert.doesNotMatch(rest, /non_idempotent/, "other POSTs (sign-in, register) are not retried once sent");
    assert.match(conf, /proxy_set_header X-Forwarded-For \$remote_addr;/, "nginx replaces X-Forwarded-For");
  });

  it("the monitoring profile mounts the scrape config and the dashboards from server/deploy/", () => {
    for (const name of ["prometheus", "grafana"]) {
      assert.deepEqual(services[name]?.profiles, ["monitoring"], `${name} runs only with --profile monitoring`);
      for (const source of (services[name].volumes ?? []).map((v) => v.split(":")[0]).filter((v) => v.startsWith("./"))) {
        assert.ok(source.startsWith("./server/deploy/"), `${name} mounts ${source}`);
        assert.ok(existsSync(join(ROOT, source)), `${name} mounts ${source}, which exists`);
      }
    }
    // prometheus.yml reads the admin credentials /metrics needs from /run/secrets/.
    assert.deepEqual(services.prometheus.secrets, ["admin_user", "admin_password"]);
    assert.deepEqual(compose.secrets, { admin_user: { environment: "ADMIN_USER" }, admin_password: { environment: "ADMIN_PASSWORD" } });
  });

  it("`docker compose config` accepts the file, where Docker Compose is installed", function () {
    const probe = spawnSync("docker", ["compose", "version"], { encoding: "utf8" });
    if (probe.status !== 0) return this.skip(); // no Compose here (CI has none): the checks above parse the file instead
    const env = { ...process.env, JWT_SECRET: "a".repeat(64), ADMIN_USER: "ops", ADMIN_PASSWORD: "a long admin password" };
    const check = spawnSync("docker", ["compose", "--profile", "monitoring", "config", "--quiet"], { cwd: ROOT, env, encoding: "utf8" });
    assert.equal(check.status, 0, check.stderr);
  });

  it("the Dockerfile builds the browser game and runs the server as a non-root user; .dockerignore keeps out builds, data and secrets", () => {
    const docker = read("Dockerfile");
    assert.match(docker, /RUN npm ci\b/);
    assert.match(docker, /RUN npm run build\b/, "the server is compiled and the game built in the image (else / says it is not built)");
    assert.match(docker, /npm ci --omit=dev/, "the runtime stage has production dependencies only");
    assert.match(docker, /COPY --from=build \/app\/dist \.\/dist/, "the build output: the compiled server, its decks and the built game");
    const users = [...docker.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    assert.ok(users.length > 0 && users.at(-1) !== "root", "the server does not run as root");
    const cmd = /^CMD\s+(.+)$/m.exec(docker)?.[1] ?? "";
    assert.ok(existsSync(join(ROOT, JSON.parse(cmd)[1].replace(/^dist\//, "").replace(/\.js$/, ".ts"))), `CMD runs the compiled entry point: ${cmd}`);
    const ignored = read(".dockerignore").split("\n").map((l) => l.trim());
    for (const entry of [".git", "**/node_modules", "web/dist", ".data", ".env", ".tools"]) assert.ok(ignored.includes(entry), `.dockerignore has ${entry}`);
  });
});
