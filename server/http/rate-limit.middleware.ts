/** Limits on HTTP routes (server/limits.ts counts): 429 RATE_LIMITED with Retry-After. */
import type { RequestHandler, Response } from "express";
import { AppError } from "../errors";
import type { Limit, Taken } from "../limits";

/** Sets Retry-After: whole seconds until the limit lets the caller in again, at least 1. */
export function setRetryAfter(res: Response, retryAfterMs: number): void {
  res.setHeader("Retry-After", String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
}

/** The error a refused request gets, with Retry-After set. */
export function rateLimited(res: Response, taken: Exclude<Taken, { ok: true }>, message: string): AppError {
  setRetryAfter(res, taken.retryAfterMs);
  return new AppError("RATE_LIMITED", message);
}

/** Takes one point of `limit` for the caller's address (`req.ip`, see TRUST_PROXY). */
export function perAddress(limit: Limit, message: string): RequestHandler {
  return (req, res, next) => {
    limit.take(req.ip ?? "unknown").then(
      (taken) => next(taken.ok ? undefined : rateLimited(res, taken, message)),
      next,
    );
  };
}
