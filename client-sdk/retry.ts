/**
 * When an HTTP request is sent again, and where. A request that fails is one of:
 *
 * - `refused`: no server took it (connection refused, unknown host, no route, connect
 *   timeout). Nothing happened on any server: it is always safe to send it again.
 * - `broken`: the connection failed after the request may have reached a server (reset,
 *   closed, no answer in time). Sent again only when that is harmless (`resendable`: reads,
 *   matchmaking — a seat reserved and never taken simply expires — and sign-in).
 * - `unavailable`: a server or proxy answered 502, 503 or 504 (a process draining, the
 *   cluster's Redis down, a proxy with no live upstream): this one cannot serve now.
 * - `final`: any other answer; it is the caller's to read.
 *
 * The rule (`nextAttemptDelay`), with n endpoints:
 * 1. A failure on an endpoint moves to the next one (endpoints.ts). The first n tries go out
 *    at once: one lap over the endpoints, the fast failover.
 * 2. When every endpoint failed to connect and none answered `unavailable`, nobody can be
 *    reached: stop (the caller's NETWORK or TIMEOUT), a learner offline learns it at once.
 * 3. Otherwise some server is up but cannot serve now: try again after
 *    `backoffDelay(attempt − n)` (0.4 s, 0.8 s, 1.6 s … with the defaults), or the answer's
 *    `Retry-After` if longer (up to the backoff's cap), up to `retries + 1` tries in all
 *    (never fewer than n), then surface the last answer's code (UNAVAILABLE,
 *    CLUSTER_UNAVAILABLE, …).
 */
import { backoffDelay, type BackoffOptions } from "./backoff";

/** What became of one try; see the header. */
export type FailureKind = "refused" | "broken" | "unavailable" | "final";

/** How often and how fast a request that could not be served is sent again. */
export interface RetryOptions {
  /** Tries after the first, over all endpoints (at least one try per endpoint is always made). */
  retries: number;
  /** The wait before each try after the first lap over the endpoints. */
  backoff: BackoffOptions;
}

/** 3 retries, 0.4 s doubling to at most 3 s: about 3 s of retries through a proxy before giving up. */
export const DEFAULT_RETRY: RetryOptions = { retries: 3, backoff: { baseMs: 400, maxMs: 3000 } };

/** HTTP statuses that say "this endpoint cannot serve now" rather than answering. */
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

/** Error codes (Node, undici) of a connection that was never made. */
const NEVER_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "UND_ERR_CONNECT_TIMEOUT"]);

/**
 * The kind of an HTTP answer: `unavailable` for 502/503/504, else `final`.
 * @example statusKind(503) // "unavailable"
 */
export function statusKind(status: number): FailureKind {
  return UNAVAILABLE_STATUSES.has(status) ? "unavailable" : "final";
}

/**
 * The network error code inside a failed fetch (undici puts it in `cause`, or in the
 * `cause.errors` of an AggregateError when several addresses were tried); undefined in a
 * browser, whose fetch says nothing more than "Failed to fetch".
 * @example connectionErrorCode(Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } })) // "ECONNREFUSED"
 */
export function connectionErrorCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown; errors?: { code?: unknown }[] } } | undefined)?.cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * The kind of a fetch that threw: `refused` when the connection was never made, else
 * `broken` (also a browser's opaque "Failed to fetch", which may hide either).
 * @example networkKind(Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } })) // "broken"
 */
export function networkKind(err: unknown): FailureKind {
  const code = connectionErrorCode(err);
  if (code && NEVER_CONNECTED.has(code)) return "refused";
  // The fetch standard's blocked ports (e.g. 1) fail before any connection is tried.
  if (/bad port/i.test((err as { cause?: { message?: unknown } } | undefined)?.cause?.message as string ?? "")) return "refused";
  return "broken";
}

/**
 * The wait before the next try, or undefined to stop; `failures` lists each try's kind so
 * far, oldest first (see the header for the rule).
 * @example
 * nextAttemptDelay(["unavailable"], { endpoints: 1, resendable: true }, DEFAULT_RETRY, () => 0.5) // 400
 * nextAttemptDelay(["refused"], { endpoints: 2, resendable: true }) // 0: the other endpoint at once
 * nextAttemptDelay(["refused", "refused"], { endpoints: 2, resendable: true }) // undefined: nobody reachable
 * nextAttemptDelay(["unavailable"], { endpoints: 1, resendable: true, retryAfterMs: 1000 }) // about 1000
 */
export function nextAttemptDelay(
  failures: readonly FailureKind[],
  ctx: { endpoints: number; resendable: boolean; retryAfterMs?: number },
  opts: RetryOptions = DEFAULT_RETRY,
  rng: () => number = Math.random,
): number | undefined {
  const attempt = failures.length;
  const last = failures[attempt - 1];
  if (last === undefined || last === "final") return undefined;
  if (last === "broken" && !ctx.resendable) return undefined;
  const endpoints = Math.max(1, ctx.endpoints);
  if (attempt >= Math.max(opts.retries + 1, endpoints)) return undefined;
  if (attempt >= endpoints && !failures.includes("unavailable")) return undefined;
  if (attempt < endpoints) return 0;
  return Math.max(backoffDelay(attempt - endpoints, opts.backoff, rng), Math.min(ctx.retryAfterMs ?? 0, opts.backoff.maxMs));
}

/**
 * A Retry-After header in ms (seconds, or an HTTP date); undefined when absent or unreadable.
 * @example retryAfterMs("1") // 1000
 */
export function retryAfterMs(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
