/**
 * The HTTP server's edge, below Express: who is asking, and how many connections they hold.
 * - The client's address is the TCP peer's, unless that peer is a proxy named in TRUST_PROXY:
 *   then it is what that proxy put in X-Forwarded-For (proxy-addr, Express's own rule).
 *   Trusting nobody by default means no client can claim another address with a header.
 * - A direct peer (not a trusted proxy) may hold CONNECTIONS_PER_ADDRESS open TCP
 *   connections; past that a new one is closed at once. Behind a proxy every learner shares
 *   the proxy's address, so there the cap applies per client address to WebSockets instead
 *   (the connections that stay open), in {@link webSocketGate}.
 * Both caps are per process: they protect this process's sockets and memory. Addresses are
 * counted by addressKey (one spelling per address, one key per IPv6 /64), as the limits are.
 */
import type http from "node:http";
import type { Socket } from "node:net";
import proxyaddr from "proxy-addr";
import { addressKey } from "../address-key";

/** Which peers are trusted proxies (compiled TRUST_PROXY). */
export type Trust = (address: string, hop: number) => boolean;

export function compileTrust(list: readonly string[]): Trust {
  return list.length === 0 ? () => false : proxyaddr.compile([...list]);
}

/** The client's address for a request, by the TRUST_PROXY rule. */
export function clientAddress(req: http.IncomingMessage, trust: Trust): string {
  try {
    return proxyaddr(req as Parameters<typeof proxyaddr>[0], trust);
  } catch {
    return req.socket.remoteAddress ?? "unknown";
  }
}

/** Open connections per address, for one kind of connection. */
class Counter {
  private open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Counts one more for `address` until `socket` closes; false (nothing counted) when over the cap. */
  admit(client: string, socket: Socket): boolean {
    const address = addressKey(client);
    const n = this.open.get(address) ?? 0;
    if (n >= this.max) return false;
    this.open.set(address, n + 1);
    socket.once("close", () => {
      const left = (this.open.get(address) ?? 1) - 1;
      if (left <= 0) this.open.delete(address);
      else this.open.set(address, left);
    });
    return true;
  }
}

/** Caps the TCP connections of direct peers (trusted proxies are not counted). */
export function capConnections(server: http.Server, max: number, trust: Trust): void {
  const counter = new Counter(max);
  server.on("connection", (socket: Socket) => {
    const peer = socket.remoteAddress ?? "unknown";
    if (trust(peer, 0)) return;
    if (!counter.admit(peer, socket)) socket.destroy();
  });
}

/** The room id a WebSocket URL names (`…/<processId>/<roomId>?…`, as Colyseus reads it). */
function roomIdOf(url: string | undefined): string | undefined {
  return /\/[A-Za-z0-9_-]+\/([A-Za-z0-9_-]+)(\?|$)/.exec(url ?? "")?.[1];
}

/**
 * The `verifyClient` of the WebSocket server: refuses (HTTP 429) a client address that
 * already holds `max` open WebSockets on this process, and (HTTP 400) a URL whose room id
 * names a member of Object.prototype: Colyseus looks local rooms up in a plain object, and
 * `/…/constructor` would reach a function where a room should be.
 */
export function webSocketGate(max: number, trust: Trust) {
  const counter = new Counter(max);
  return (info: { req: http.IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void): void => {
    const roomId = roomIdOf(info.req.url);
    if (roomId !== undefined && roomId in Object.prototype) return done(false, 400, "Bad Request");
    const ok = counter.admit(clientAddress(info.req, trust), info.req.socket);
    done(ok, ok ? undefined : 429, ok ? undefined : "Too Many Connections");
  };
}

/**
 * Hands every HTTP request to `app`. Colyseus puts its own matchmaking handler in front of
 * the server's listeners; the app's matchmaking route (matchmake.routes.ts) replaces it.
 */
export function serveWith(server: http.Server, app: http.RequestListener): void {
  server.removeAllListeners("request");
  server.on("request", app);
}
