/**
 * @colyseus/testing over a server that startServer built (test/helpers/server.ts): its test
 * server (`getRoomById`, `createRoom`, `cleanup`) and its clients (`sdk`).
 *
 * Not through its `boot(server)`: that calls `server.listen(2568)` whatever port it is given,
 * which on our gameServer would open the transport's HTTP server a second time (buildApp's
 * `listen()` already bound it, with the store health, the outbox and the cluster join that
 * Colyseus's listen knows nothing of), and its `shutdown()` is Colyseus's own shutdown, not
 * our `close()` (drain, recorder, store). So the app listens and closes itself as main.ts
 * does, and a ColyseusTestServer is constructed over its gameServer afterwards. It only needs
 * the bound port, which it reads from `server.port`: Colyseus sets that in `Server.listen`,
 * which our app does not call, so it is set here.
 */
import type { Server } from "@colyseus/core";
import type { ColyseusTestServer as TestServerClass } from "@colyseus/testing";
import type { TestServer } from "./server";

/** A colyseus.js client from @colyseus/testing (`joinOrCreate`, `joinById`, `reconnect`, `auth`…). */
export type TestClient = TestServerClass["sdk"];

/**
 * The package's entry loads @colyseus/tools, which on load reads /etc/environment (overriding)
 * and .env files into process.env and prints a line about each: the test process (and the
 * game processes it starts with its environment) keep the environment they had, quietly.
 */
function loadTesting(): typeof import("@colyseus/testing") {
  const env = { ...process.env };
  const info = console.info;
  process.env.DOTENV_CONFIG_QUIET = "true";
  console.info = () => undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- required here, not imported, so the side effects above can be undone
    return require("@colyseus/testing");
  } finally {
    console.info = info;
    for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
    Object.assign(process.env, env);
  }
}

const { ColyseusTestServer } = loadTesting();
const servers = new WeakMap<Server, TestServerClass>();

function testServerFor(t: TestServer): TestServerClass {
  const gameServer = t.server.gameServer;
  gameServer["port"] ??= t.port;
  return new ColyseusTestServer(gameServer);
}

/** The @colyseus/testing test server over `t`'s gameServer (one per server). */
export function colyseusOf(t: TestServer): TestServerClass {
  const gameServer = t.server.gameServer;
  let colyseus = servers.get(gameServer);
  if (!colyseus) servers.set(gameServer, (colyseus = testServerFor(t)));
  return colyseus;
}

/**
 * A client of its own, signed in with `token` when given. Each learner needs their own: a
 * test server's `sdk` is one colyseus.js client with one `auth.token`, sent with the
 * matchmake request and again when the socket opens, so two learners sharing it would
 * swap identities between the two steps.
 */
export function testClient(t: TestServer, token?: string): TestClient {
  const sdk = testServerFor(t).sdk;
  if (token) sdk.auth.token = token;
  return sdk;
}
