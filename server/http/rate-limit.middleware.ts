/** Per-address request limit for sensitive routes (sign-in, register), in this process's memory. */
import type { RequestHandler } from "express";
import { AppError } from "../errors";
import { RateLimiter } from "../../rooms/shared/rate-limit";

/** Addresses tracked at most; the oldest are forgotten first. */
const MAX_TRACKED = 10_000;

export function perAddressLimit(perMinute: number, now: () => number = Date.now): RequestHandler {
  const limiters = new Map<string, RateLimiter>();
  const options = { perSecond: perMinute / 60, burst: perMinute, disconnectAfter: Number.POSITIVE_INFINITY };
  return (req, _res, next) => {
    const key = req.ip ?? req.socket.remoteAddress ?? "unknown";
    let limiter = limiters.get(key);
    if (!limiter) {
      if (limiters.size >= MAX_TRACKED) limiters.delete(limiters.keys().next().value!);
      limiter = new RateLimiter(options, now());
      limiters.set(key, limiter);
    }
    if (limiter.take(now()) === "allow") return next();
    next(new AppError("RATE_LIMITED", "too many attempts from your address; wait a minute and try again"));
  };
}
