/**
 * The one error type the SDK throws and emits: a stable `code` (see docs/protocol.md) and
 * a sentence a learner can read.
 * @example
 * try { await ll.login("maria", "wrong") } catch (e) { if (e instanceof LinguaLeapError && e.code === "AUTH_BAD_CREDENTIALS") … }
 */
export class LinguaLeapError extends Error {
  constructor(
    /** A code from the server's catalogue, or an SDK code: NETWORK, TIMEOUT, SESSION_LOST. */
    readonly code: string,
    message: string,
    /** HTTP status, when the error came from an HTTP answer. */
    readonly status?: number,
  ) {
    super(message);
    this.name = "LinguaLeapError";
  }
}

/**
 * Turns a Colyseus matchmaking error ("CODE: message") into a LinguaLeapError.
 * @example fromRoomError(new Error("DUEL_BAD_OPTIONS: unknown lang")) // code DUEL_BAD_OPTIONS
 */
export function fromRoomError(err: unknown): LinguaLeapError {
  if (err instanceof LinguaLeapError) return err;
  const text = err instanceof Error ? err.message : String(err);
  const match = /^([A-Z][A-Z0-9_]+): (.*)$/s.exec(text);
  if (match) return new LinguaLeapError(match[1], match[2]);
  return new LinguaLeapError("NETWORK", text || "could not reach the game server");
}
