/**
 * The one error type the SDK throws and emits: a stable `code` (see docs/protocol/errors.md) and
 * a sentence a learner can read.
 * @example
 * try { await ll.login("maria", "wrong") } catch (e) { if (e instanceof LinguaLeapError && e.code === "AUTH_BAD_CREDENTIALS") … }
 */
export class LinguaLeapError extends Error {
  constructor(
    /**
     * A code from the server's catalogue, or an SDK code: NETWORK, TIMEOUT, SESSION_LOST,
     * ROOM_UNAVAILABLE, QUEUE_CANCELLED, QUEUE_LOST.
     */
    readonly code: string,
    message: string,
    /** HTTP status, when the error came from an HTTP answer (in matchmaking: Colyseus's numeric code). */
    readonly status?: number,
  ) {
    super(message);
    this.name = "LinguaLeapError";
  }
}

/**
 * Codes that say "not now" rather than "no": nobody reachable, no answer in time, a server
 * draining or cut off from the cluster's Redis, a rate limit. Worth another try later.
 */
const TRANSIENT = new Set(["NETWORK", "TIMEOUT", "UNAVAILABLE", "CLUSTER_UNAVAILABLE", "RATE_LIMITED"]);

/**
 * True when trying again later may succeed (see TRANSIENT above); false for an answer that
 * stands (a refusal, a room or seat that is gone).
 * @example isTransient(new LinguaLeapError("UNAVAILABLE", "shutting down")) // true
 */
export function isTransient(err: LinguaLeapError): boolean {
  return TRANSIENT.has(err.code);
}

const CODED = /^([A-Z][A-Z0-9_]+): (.*)$/s;

/**
 * Turns a Colyseus matchmaking error ("CODE: message") into a LinguaLeapError.
 * @example fromRoomError(new Error("DUEL_BAD_OPTIONS: unknown lang")) // code DUEL_BAD_OPTIONS
 */
export function fromRoomError(err: unknown): LinguaLeapError {
  if (err instanceof LinguaLeapError) return err;
  const text = err instanceof Error ? err.message : String(err);
  const match = CODED.exec(text);
  if (match) return new LinguaLeapError(match[1], match[2]);
  return new LinguaLeapError("NETWORK", text || "could not reach the game server");
}

/**
 * The error of an HTTP answer in either of the server's shapes: the API's
 * `{error:{code,message}}`, or matchmaking's `{code, error}` (Colyseus's), whose text starts
 * with our catalogue code ("UNAVAILABLE: …") or is one of Colyseus's own refusals
 * (ROOM_UNAVAILABLE, its numeric code as `status`). A body in neither shape (a proxy's page)
 * is named after its status.
 * @example fromAnswer(503, { code: 503, error: "UNAVAILABLE: this server is shutting down; try again" }) // code UNAVAILABLE, status 503
 * @example fromAnswer(200, { code: 4212, error: 'room "x" not found' }) // code ROOM_UNAVAILABLE, status 4212
 */
export function fromAnswer(status: number, data: unknown): LinguaLeapError {
  const body = (typeof data === "object" && data !== null ? data : {}) as { code?: unknown; error?: unknown };
  if (typeof body.error === "object" && body.error !== null) {
    const { code, message } = body.error as { code?: unknown; message?: unknown };
    return new LinguaLeapError(typeof code === "string" ? code : "INTERNAL", typeof message === "string" ? message : `the server answered ${status}`, status);
  }
  if (typeof body.error === "string") {
    const numeric = typeof body.code === "number" ? body.code : status;
    const match = CODED.exec(body.error);
    if (match) return new LinguaLeapError(match[1], match[2], numeric);
    return new LinguaLeapError("ROOM_UNAVAILABLE", body.error, numeric);
  }
  const code = status === 502 || status === 503 || status === 504 ? "UNAVAILABLE" : status === 429 ? "RATE_LIMITED" : "INTERNAL";
  return new LinguaLeapError(code, `the server answered ${status}`, status);
}
