/**
 * One place that answers errors: `{error:{code,message}}`. Our own AppErrors say what they
 * say; a client's malformed request that Express or body-parser caught (bad JSON, a body
 * over the limit, a Content-Encoding, broken %-encoding in the path) is a 4xx with a plain
 * message, logged as a client's mistake (sampled, debug); a database outage is 503; anything
 * else is our fault: logged whole and answered as a plain 500.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import { AppError } from "../errors";
import type { Logger } from "../logger";
import { isRedisOutage } from "../redis";

export function notFound(): RequestHandler {
  return (req, _res, next) => next(new AppError("NOT_FOUND", `no route for ${req.method} ${req.path.slice(0, 200)}`));
}

/** What a client's mistake caught below our routes is answered with (http-errors' `status` tells it apart). */
export function clientMistake(err: { status?: unknown; statusCode?: unknown; type?: unknown; limit?: unknown; message?: unknown; code?: unknown }): AppError | undefined {
  const status = typeof err.status === "number" ? err.status : typeof err.statusCode === "number" ? err.statusCode : 0;
  // Node's HTTP parser refused what came next on the connection (the socket is closing).
  if (typeof err.code === "string" && err.code.startsWith("HPE_")) return new AppError("BAD_REQUEST", "the request is malformed");
  if (status < 400 || status >= 500) return undefined;
  // zlib could not inflate a body sent with Content-Encoding.
  if (typeof err.code === "string" && err.code.startsWith("Z_")) return new AppError("BAD_REQUEST", "send the body as UTF-8 JSON, without Content-Encoding");
  switch (err.type) {
    case "entity.too.large":
      return new AppError("BODY_TOO_LARGE", `the request body is larger than ${Number(err.limit) || "the limit of"} bytes`);
    case "entity.parse.failed":
      return new AppError("BAD_REQUEST", "the request body is not valid JSON");
    case "encoding.unsupported":
    case "charset.unsupported":
      return new AppError("BAD_REQUEST", "send the body as UTF-8 JSON, without Content-Encoding");
  }
  if (typeof err.message === "string" && err.message.startsWith("Failed to decode param")) return new AppError("BAD_REQUEST", "the path holds broken %-encoding");
  if (status === 413) return new AppError("BODY_TOO_LARGE", "the request body is too large");
  if (status === 404) return new AppError("NOT_FOUND", "not found");
  return new AppError("BAD_REQUEST", "the request is malformed");
}

/** The client went away mid-answer: nothing to answer, nobody's fault. */
const GONE = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "ERR_STREAM_PREMATURE_CLOSE"]);

/** Only what an error says about itself: never the request (Node's parse errors carry its raw bytes, tokens included). */
export function loggable(err: unknown): object {
  if (!(err instanceof Error)) return { message: String(err) };
  const { name, message, stack } = err;
  return { name, message, stack, code: (err as { code?: unknown }).code };
}

/** How long a refused request's unread body may still be read (and dropped) before the socket is closed. */
const LINGER_MS = 2000;

/**
 * A request refused before its body was read (too large, say): answered now, the rest of the
 * body dropped as it arrives for a short while, so the client reads the answer, then the
 * socket is closed instead of taking a slow client's whole upload.
 */
export function closeUnreadBody(req: Request, res: Response): void {
  if (req.complete) return;
  res.once("finish", () => setTimeout(() => void (req.complete || req.socket.destroy()), LINGER_MS).unref());
}

export function errorHandler(base: Logger, mistake: (kind: string, detail: object) => void): ErrorRequestHandler {
  return (err, req, res, _next) => {
    // The request's own log (http/request-log.ts): its lines carry the request id.
    const log = (req as { log?: Logger }).log ?? base;
    if (GONE.has(err?.code) || req.socket.destroyed) return mistake("client_gone", { code: err?.code, path: req.path.slice(0, 100) });
    let error: AppError | undefined = err instanceof AppError ? err : clientMistake(err ?? {});
    if (error) {
      if (error.status < 500) mistake("http_refused", { code: error.code, method: req.method, path: req.path.slice(0, 100) });
    } else if (/^Mongo(ServerSelection|Network|NotConnected|Topology)/.test(err?.name ?? "")) {
      log.warn({ err: err.message, path: req.path }, "store unavailable");
      error = new AppError("UNAVAILABLE", "progress is unavailable right now; your results are kept and saved when it is back");
    } else if (isRedisOutage(err)) {
      // A route reading presence (a challenge code, a class game's PIN) while the cluster's Redis is away.
      log.warn({ err: err.message, path: req.path }, "cluster Redis unavailable");
      res.setHeader("Retry-After", "1");
      error = new AppError("CLUSTER_UNAVAILABLE", "the cluster's Redis cannot be reached: retry shortly");
    } else {
      log.error({ err: loggable(err), method: req.method, path: req.path }, "unhandled error in a route");
      error = new AppError("INTERNAL", "something went wrong on our side; please try again");
    }
    if (res.headersSent) return void res.destroy();
    closeUnreadBody(req, res);
    res.status(error.status).json({ error: { code: error.code, message: error.message } });
  };
}
