/**
 * Where the SDK sends its HTTP requests (API and matchmaking): one address (a proxy, or the
 * one process) or the list of a cluster's processes.
 *
 * 1. The list is read once: each entry an http(s) URL, trailing slashes cut, duplicates
 *    dropped, in the order given.
 * 2. Every request goes to `current` first. When an endpoint cannot serve (no connection, or
 *    a 502/503/504), the pool moves on to the next one, round robin; a success keeps
 *    `current` where it is. So a learner sticks to the endpoint that works and pays for a
 *    dead one once, not on every call.
 */

/**
 * The endpoints as the SDK uses them: trimmed, no trailing slash, no duplicates.
 * Throws a TypeError naming the entry that is not an http(s) URL, or when there is none.
 * @example normalizeEndpoints(["http://a:2567/", "http://b:2568", "http://a:2567"]) // ["http://a:2567", "http://b:2568"]
 */
export function normalizeEndpoints(endpoints: string | readonly string[]): string[] {
  const list = typeof endpoints === "string" ? [endpoints] : [...endpoints];
  const out: string[] = [];
  for (const raw of list) {
    const endpoint = String(raw).trim().replace(/\/+$/, "");
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new TypeError(`not an endpoint URL: "${raw}" (use e.g. "http://127.0.0.1:2567")`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(`an endpoint must be http:// or https://, not "${raw}"`);
    if (!out.includes(endpoint)) out.push(endpoint);
  }
  if (out.length === 0) throw new TypeError("give the SDK at least one endpoint");
  return out;
}

/**
 * The endpoints and which one is used now; see the header for the rule.
 * @example
 * const pool = new EndpointPool(["http://a", "http://b"]);
 * pool.failed("http://a"); // pool.current === "http://b"
 * pool.worked("http://b"); // stays on b
 */
export class EndpointPool {
  private index = 0;

  constructor(readonly endpoints: readonly string[]) {
    if (endpoints.length === 0) throw new TypeError("give the SDK at least one endpoint");
  }

  /** The endpoint the next request goes to. */
  get current(): string {
    return this.endpoints[this.index];
  }

  /**
   * `endpoint` just served a request: keep using it.
   * @example pool.worked("http://b")
   */
  worked(endpoint: string): void {
    const i = this.endpoints.indexOf(endpoint);
    if (i >= 0) this.index = i;
  }

  /**
   * `endpoint` could not serve: when it is the current one, the next one becomes current.
   * A failure of an endpoint the pool already left (a slow request that was overtaken)
   * moves nothing.
   * @example pool.failed("http://a")
   */
  failed(endpoint: string): void {
    if (this.endpoints[this.index] === endpoint) this.index = (this.index + 1) % this.endpoints.length;
  }
}
