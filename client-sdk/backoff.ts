/**
 * Reconnection delays: exponential from `baseMs`, capped at `maxMs`, with ±20 % jitter so
 * a server restart is not met by every client at the same instant.
 * @example backoffDelay(3, { baseMs: 250, maxMs: 4000 }, () => 0.5) // 2000
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 4000 };

export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, rng: () => number = Math.random): number {
  const raw = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(raw * (0.8 + 0.4 * rng()));
}
