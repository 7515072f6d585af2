/**
 * A real nginx running the repository's own server/deploy/nginx.conf for cluster tests.
 *
 * The file is read as it is and only its addresses are substituted: the upstream's compose
 * hosts (game1:2567, game2:2568, … in the order written) become the test processes'
 * loopback ports, each `/<port>/` route follows its process, and `listen 8080` becomes a free
 * loopback port. It is included into a small main configuration of the test's own (pid,
 * error log, temp paths and an access log with the upstream status, all in a temp dir), so
 * nginx runs without root and touches nothing outside that dir.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { freePort } from "../../loadtest/support/ports";
import { withTimeout } from "./wait";

const ROOT = resolve(__dirname, "..", "..");
/** The nginx configuration the deploy files use (compose mounts it as conf.d/default.conf). */
export const NGINX_CONF = join(ROOT, "server", "deploy", "nginx.conf");

export const NGINX_MISSING =
  "nginx is needed by the nginx cluster test and was not found (looked at NGINX_PATH, PATH, /usr/sbin/nginx): " +
  "install it with `apt-get install -y nginx-light` (.ci/run does), or point NGINX_PATH at an nginx binary";

/** The nginx binary: NGINX_PATH, else `nginx` on PATH or in /usr/sbin; throws saying how to install it. */
export function nginxBinary(): string {
  const candidates = [
    process.env.NGINX_PATH,
    ...(process.env.PATH ?? "").split(delimiter).filter(Boolean).map((dir) => join(dir, "nginx")),
    "/usr/sbin/nginx",
    "/usr/local/sbin/nginx",
  ].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p) && spawnSync(p, ["-v"]).status === 0);
  if (!found) throw new Error(NGINX_MISSING);
  return found;
}

/** The upstream servers of nginx.conf, `host:port` in the order written. */
export function upstreamServers(conf: string): string[] {
  const block = /upstream\s+\S+\s*\{([^}]*)\}/.exec(conf)?.[1];
  if (!block) throw new Error("nginx.conf has no upstream block");
  return [...block.matchAll(/^\s*server\s+([^\s;]+)/gm)].map((m) => m[1]);
}

/**
 * nginx.conf with its compose addresses replaced: upstream server k → 127.0.0.1:ports[k],
 * its `/<port>/` route → `/<ports[k]>/`, `listen 8080` → 127.0.0.1:listen. Throws when the
 * file does not have the shape this relies on, so a change to it is noticed here.
 */
export function renderNginxConf(conf: string, ports: readonly number[], listen: number): string {
  const servers = upstreamServers(conf);
  if (servers.length !== ports.length) throw new Error(`nginx.conf lists ${servers.length} upstream servers, the test runs ${ports.length} processes`);
  const swaps = new Map<string, string>();
  servers.forEach((hostPort, k) => {
    const port = /:(\d+)$/.exec(hostPort)?.[1];
    if (!port) throw new Error(`upstream server "${hostPort}" has no port`);
    swaps.set(hostPort, `127.0.0.1:${ports[k]}`);
    swaps.set(`location /${port}/`, `location /${ports[k]}/`);
  });
  swaps.set("listen 8080;", `listen 127.0.0.1:${listen};`);
  const escaped = [...swaps.keys()].map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const seen = new Map<string, number>();
  // One pass, so a substituted port is never substituted again.
  const out = conf.replace(new RegExp(escaped.join("|"), "g"), (hit) => {
    seen.set(hit, (seen.get(hit) ?? 0) + 1);
    return swaps.get(hit)!;
  });
  for (const [from] of swaps) {
    const want = from.startsWith("location") || from.startsWith("listen") ? 1 : 2; // upstream line + its own route's proxy_pass
    if ((seen.get(from) ?? 0) !== want) throw new Error(`nginx.conf: expected "${from}" ${want} time(s), found ${seen.get(from) ?? 0}`);
  }
  return out;
}

export interface AccessLine {
  /** When nginx finished the request, epoch seconds with milliseconds. */
  time: number;
  method: string;
  uri: string;
  status: number;
  /** What each process nginx tried answered, in order ("503, 200"; "502" for a refused connection). */
  upstreamStatus: string;
  upstreamAddr: string;
}

export interface NginxProcess {
  port: number;
  http: string;
  dir: string;
  child: ChildProcess;
  /** The requests nginx logged so far. */
  accessLog(): AccessLine[];
  errorLog(): string;
  stop(): Promise<void>;
}

const FORMAT = 'log_format upstreams escape=json \'{"time":$msec,"method":"$request_method","uri":"$uri","status":$status,"upstreamStatus":"$upstream_status","upstreamAddr":"$upstream_addr"}\';';

function mainConf(dir: string): string {
  return [
    "worker_processes 1;",
    `pid ${join(dir, "nginx.pid")};`,
    `error_log ${join(dir, "error.log")} notice;`,
    "events { worker_connections 1024; }",
    "http {",
    `  ${FORMAT}`,
    `  access_log ${join(dir, "access.log")} upstreams;`,
    ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${t}_temp_path ${join(dir, "temp", t)};`),
    `  include ${join(dir, "lingualeap.conf")};`,
    "}",
    "",
  ].join("\n");
}

/**
 * Starts nginx with the rendered nginx.conf in front of processes on `ports`, listening on
 * `port` (a free one when not given); waits until it answers.
 */
export async function startNginx(ports: readonly number[], port?: number): Promise<NginxProcess> {
  const binary = nginxBinary();
  const dir = mkdtempSync(join(tmpdir(), "ll-nginx-"));
  // Run as root (CI containers), nginx's workers switch to "nobody": they must reach the temp paths.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, "temp"));
  port ??= await freePort();
  writeFileSync(join(dir, "lingualeap.conf"), renderNginxConf(readFileSync(NGINX_CONF, "utf8"), ports, port));
  writeFileSync(join(dir, "nginx.conf"), mainConf(dir));
  const args = ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log"), "-g", "daemon off;"];
  const check = spawnSync(binary, [...args, "-t"], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`nginx -t refused the rendered nginx.conf:\n${check.stderr}`);

  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const killNow = () => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL");
  process.once("exit", killNow);
  const errorLog = () => (existsSync(join(dir, "error.log")) ? readFileSync(join(dir, "error.log"), "utf8") : "");
  const http = `http://127.0.0.1:${port}`;
  try {
    await withTimeout(
      (async () => {
        for (;;) {
          if (child.exitCode !== null) throw new Error(`nginx exited at start (code ${child.exitCode}):\n${output}\n${errorLog()}`);
          if (await fetch(`${http}/healthz`).then((r) => r.ok, () => false)) return;
          await Promise.race([exited, new Promise((r) => setTimeout(r, 50))]);
        }
      })(),
      10000,
      "nginx to answer",
    );
  } catch (err) {
    killNow();
    throw err;
  }
  return {
    port,
    http,
    dir,
    child,
    errorLog,
    accessLog() {
      const file = join(dir, "access.log");
      if (!existsSync(file)) return [];
      return readFileSync(file, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as AccessLine);
    },
    async stop() {
      process.removeListener("exit", killNow);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(killNow, 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
