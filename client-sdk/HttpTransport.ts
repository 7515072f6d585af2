/**
 * Every HTTP request of the SDK (API, matchmaking, probes) goes through here, with fetch:
 * its own time limit per try, failover over the endpoints (endpoints.ts) and bounded retries
 * (retry.ts).
 *
 * colyseus.js 0.16 is not used for HTTP: it sends through @colyseus/httpie, which in Node
 * uses `http.globalAgent` (Node 20: keep-alive sockets with a 5 s idle timeout, which aborts
 * any matchmaking request slower than 5 s as "socket hang up") and in a browser an XHR with
 * no time limit at all, and it knows one endpoint only.
 */
import { EndpointPool } from "./endpoints";
import { connectionErrorCode, DEFAULT_RETRY, networkKind, nextAttemptDelay, retryAfterMs, statusKind, type FailureKind, type RetryOptions } from "./retry";
import { fromAnswer, LinguaLeapError } from "./errors";

/** Time limits of the SDK's requests, in ms. */
export interface Timeouts {
  /** An API request (sign-in, profile, lessons, boards): one try on one endpoint. */
  requestMs: number;
  /** A matchmaking request (join, create, reconnect): one try on one endpoint. */
  matchmakeMs: number;
  /** Opening a room's WebSocket and its join handshake, once a seat is reserved. */
  joinMs: number;
  /** Asking a room's own process whether it is still there, while reconnecting. */
  probeMs: number;
}

/** 10 s per request and join (a join through a busy cluster can take several seconds), 2 s per probe. */
export const DEFAULT_TIMEOUTS: Timeouts = { requestMs: 10_000, matchmakeMs: 10_000, joinMs: 10_000, probeMs: 2_000 };

/** One HTTP request as the SDK sends it. */
export interface HttpRequest {
  method: "GET" | "POST" | "PUT";
  path: string;
  body?: unknown;
  token?: string;
  timeoutMs: number;
  /** Whether sending it twice is harmless (see retry.ts); reads always are. */
  resendable: boolean;
  /** Stops the request (and its retries) early. */
  signal?: AbortSignal;
}

/** An answer that is the caller's to read (anything but 502/503/504, or the last of those). */
export interface HttpAnswer {
  status: number;
  data: unknown;
  /** The endpoint that answered. */
  endpoint: string;
  /** The answer's Retry-After, in ms. */
  retryAfterMs?: number;
}

/** What `probe` found out about a process: only `gone` is conclusive. */
export type ProbeResult = "gone" | "alive" | "unknown";

type Fetch = typeof fetch;

/** The reason a try failed, kept to explain the failure if it is the last. */
class TryFailed extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly error: LinguaLeapError,
    /** The network error code (ECONNREFUSED, …), where the runtime tells it. */
    readonly netCode?: string,
  ) {
    super(error.message);
  }
}

/**
 * Sends requests over a pool of endpoints.
 * @example
 * const http = new HttpTransport(new EndpointPool(["http://a:2567", "http://b:2568"]));
 * const { status, data } = await http.send({ method: "GET", path: "/api/languages", timeoutMs: 10_000, resendable: true });
 */
export class HttpTransport {
  constructor(
    readonly pool: EndpointPool,
    private readonly retry: RetryOptions = DEFAULT_RETRY,
    private readonly fetchImpl: Fetch = (...args) => fetch(...args),
    private readonly rng: () => number = Math.random,
  ) {}

  /**
   * Sends `req`, failing over and retrying as retry.ts says. Resolves with the first answer
   * to read; rejects with a LinguaLeapError: NETWORK (nobody reachable), TIMEOUT, or the
   * code of the last 502/503/504 (UNAVAILABLE, CLUSTER_UNAVAILABLE) once the retries are spent.
   * @example const answer = await http.send({ method: "POST", path: "/matchmake/joinOrCreate/word_duel", body: {}, timeoutMs: 10_000, resendable: true });
   */
  async send(req: HttpRequest): Promise<HttpAnswer> {
    const failures: FailureKind[] = [];
    for (;;) {
      const endpoint = this.pool.current;
      let failed: TryFailed;
      let wait: number | undefined;
      try {
        const answer = await this.once(endpoint, req);
        if (statusKind(answer.status) === "final") {
          this.pool.worked(endpoint);
          return answer;
        }
        failed = new TryFailed("unavailable", fromAnswer(answer.status, answer.data));
        wait = answer.retryAfterMs;
      } catch (err) {
        if (!(err instanceof TryFailed)) throw err;
        failed = err;
      }
      this.pool.failed(endpoint);
      failures.push(failed.kind);
      const delayMs = nextAttemptDelay(failures, { endpoints: this.pool.endpoints.length, resendable: req.resendable, retryAfterMs: wait }, this.retry, this.rng);
      if (delayMs === undefined) throw failed.error;
      await sleep(delayMs, req.signal);
    }
  }

  /**
   * Asks the process at `base` (a room's own address) for /healthz, once: `gone` when its
   * connection is refused (nothing listens there any more) or a proxy in front of it answers
   * 502 (its upstream is down); `alive` when it answers; `unknown` otherwise (no answer in
   * time, or a browser, whose fetch does not say why it failed).
   * @example if ((await http.probe("http://127.0.0.1:2568", 2000)) === "gone") giveUp();
   */
  async probe(base: string, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
    try {
      const answer = await this.once(base, { method: "GET", path: "/healthz", timeoutMs, resendable: true, signal });
      if (answer.status === 502) return "gone";
      return answer.status < 500 ? "alive" : "unknown";
    } catch (err) {
      return err instanceof TryFailed && err.netCode === "ECONNREFUSED" ? "gone" : "unknown";
    }
  }

  /** One try on one endpoint, within `req.timeoutMs` (the body read included). */
  private async once(endpoint: string, req: HttpRequest): Promise<HttpAnswer> {
    if (req.signal?.aborted) throw cancelled();
    const ctl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctl.abort();
    }, req.timeoutMs);
    const onAbort = () => ctl.abort();
    req.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const res = await this.fetchImpl(`${endpoint}${req.path}`, {
        method: req.method,
        headers: { accept: "application/json", ...(req.body !== undefined ? { "content-type": "application/json" } : {}), ...(req.token ? { authorization: `Bearer ${req.token}` } : {}) },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: ctl.signal,
      });
      const text = await res.text();
      return { status: res.status, data: parseJson(text), endpoint, retryAfterMs: retryAfterMs(res.headers.get("retry-after")) };
    } catch (err) {
      if (req.signal?.aborted) throw cancelled();
      if (timedOut) throw new TryFailed("broken", new LinguaLeapError("TIMEOUT", `${endpoint} did not answer within ${req.timeoutMs} ms`));
      const netCode = connectionErrorCode(err);
      throw new TryFailed(networkKind(err), new LinguaLeapError("NETWORK", `could not reach the server at ${endpoint}: ${netCode ?? (err as Error).message}`), netCode);
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", onAbort);
    }
  }
}

/** What a request stopped by its caller's signal rejects with. */
export function cancelled(): LinguaLeapError {
  return new LinguaLeapError("CANCELLED", "the request was cancelled");
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return signal?.aborted ? Promise.reject(cancelled()) : Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      signal?.removeEventListener("abort", stop);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener("abort", stop, { once: true });
  });
}
