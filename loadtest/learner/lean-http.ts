/**
 * The two HTTP calls of the lean learner (LeanLearner.ts): guest sign-in
 * (`POST /api/auth/guest`, docs/protocol/http.md 2.3) and the seat reservation
 * (`POST /matchmake/joinOrCreate/<room>` with `Authorization: Bearer <token>`,
 * docs/protocol/rooms.md 1.2). Plain node:http over one keep-alive agent per process: its
 * idle sockets carry the next requests, instead of one connection per call. No cap on the
 * sockets in use: a request never queues inside the bot process, so a sign-in's or a join's
 * time is the server's.
 */
import http from "node:http";

/** A request whose socket stays silent this long fails with TIMEOUT. */
const REQUEST_TIMEOUT_MS = 10_000;

const agent = new http.Agent({ keepAlive: true, scheduling: "lifo" });

/** A failed call, with the code a learner counts it under. */
export class LeanHttpError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Answer {
  status: number;
  data: unknown;
}

function post(base: string, path: string, body: object, token?: string, retried = false): Promise<Answer> {
  const payload = JSON.stringify(body);
  const headers: http.OutgoingHttpHeaders = { "content-type": "application/json", "content-length": Buffer.byteLength(payload) };
  if (token) headers.authorization = `Bearer ${token}`;
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method: "POST", agent, headers, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        try {
          resolve({ status: res.statusCode ?? 0, data: JSON.parse(text) });
        } catch {
          reject(new LeanHttpError("LOADTEST_BAD_ANSWER", `${path} answered ${res.statusCode} with something that is not JSON: ${text.slice(0, 100)}`));
        }
      });
      res.on("error", (err) => reject(new LeanHttpError("NETWORK", `${path}: ${err.message}`)));
    });
    req.on("timeout", () => req.destroy(new LeanHttpError("TIMEOUT", `${path}: no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", (err) => {
      // A kept-alive socket the server closed just as it was reused: once more on a fresh one.
      if (req.reusedSocket && !retried && (err as NodeJS.ErrnoException).code === "ECONNRESET") return resolve(post(base, path, body, token, true));
      reject(err instanceof LeanHttpError ? err : new LeanHttpError("NETWORK", `${path}: ${err.message}`));
    });
    req.end(payload);
  });
}

/** The code of an error answer: `{error:{code,message}}` (the API) or `{code, error:"CODE: …"}` (matchmaking). */
function refusal(path: string, a: Answer): LeanHttpError {
  const d = a.data as { error?: unknown; code?: unknown } | null;
  if (d && typeof d.error === "object" && d.error !== null) {
    const e = d.error as { code?: unknown; message?: unknown };
    return new LeanHttpError(String(e.code ?? "HTTP_ERROR"), `${path}: ${String(e.message ?? a.status)}`);
  }
  const text = typeof d?.error === "string" ? d.error : JSON.stringify(d).slice(0, 200);
  const coded = /^([A-Z][A-Z0-9_]+): /.exec(text)?.[1];
  return new LeanHttpError(coded ?? "ROOM_UNAVAILABLE", `${path}: ${text} (${a.status}${typeof d?.code === "number" ? `, ${d.code}` : ""})`);
}

/**
 * A new guest's token.
 * @example const token = await signInGuest("http://127.0.0.1:2567", "lt1")
 */
export async function signInGuest(base: string, name: string): Promise<string> {
  const a = await post(base, "/api/auth/guest", { name });
  const token = (a.data as { token?: unknown } | null)?.token;
  if (a.status !== 201 || typeof token !== "string") throw refusal("/api/auth/guest", a);
  return token;
}

/** A seat reservation: where the room is, and the learner's sessionId in it. */
export interface Reservation {
  roomId: string;
  processId: string;
  /** `host:port` of the room's process, when it has a PUBLIC_ADDRESS. */
  publicAddress?: string;
  sessionId: string;
}

/**
 * Reserves a seat with `joinOrCreate`.
 * @example const seat = await joinOrCreate(base, token, "word_duel", { lang: "es", mode: "choice", direction: "en-target" })
 */
export async function joinOrCreate(base: string, token: string, room: string, options: object): Promise<Reservation> {
  const path = `/matchmake/joinOrCreate/${room}`;
  const a = await post(base, path, options, token);
  const d = a.data as { room?: { roomId?: unknown; processId?: unknown; publicAddress?: unknown }; sessionId?: unknown } | null;
  const r = d?.room;
  if (a.status !== 200 || !r || typeof r.roomId !== "string" || typeof r.processId !== "string" || typeof d?.sessionId !== "string") throw refusal(path, a);
  return { roomId: r.roomId, processId: r.processId, publicAddress: typeof r.publicAddress === "string" ? r.publicAddress : undefined, sessionId: d.sessionId };
}

/**
 * The room's WebSocket address, as colyseus.js's `buildEndpoint` makes it (the token is not
 * needed there: the reservation carries the identity).
 * @example roomUrl("http://127.0.0.1:2567", seat) // ws://127.0.0.1:2567/<processId>/<roomId>?sessionId=<sessionId>
 */
export function roomUrl(base: string, seat: Reservation): string {
  const host = seat.publicAddress ? seat.publicAddress.replace(/\/+$/, "") : new URL(base).host;
  return `ws://${host}/${seat.processId}/${seat.roomId}?sessionId=${encodeURIComponent(seat.sessionId)}`;
}
