/**
 * One place that answers errors: `{error:{code,message}}`. Our own AppErrors say what they
 * say; a client's malformed request that Express or body-parser caught (bad JSON, a body
 * over the limit, a Content-Encoding, broken %-encoding in the path) is a 4xx with a plain
 * message, logged as a client's mistake (sampled, debug); a database outage is 503; anything
 * else is our fault: logged whole and answered as a plain 500.
 */
import type { ErrorRequestHandler, RequestHandler } from "express";
import { AppError } from "../errors";
import type { Logger } from "../logger";

export function notFound(): RequestHandler {
  return (req, _res, next) => next(new AppError("NOT_FOUND", `no route for ${req.method} ${req.path.slice(0, 200)}`));
}

/** What a client's mistake caught below our routes is answered with (http-errors' `status` tells it apart). */
export function clientMistake(err: { status?: unknown; statusCode?: unknown; type?: unknown; limit?: unknown; message?: unknown; code?: unknown }): AppError | undefined {
  const status = typeof err.status === "number" ? err.status : typeof err.statusCode === "number" ? err.statusCode : 0;
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

export function errorHandler(log: Logger, mistake: (kind: string, detail: object) => void): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let error: AppError | undefined = err instanceof AppError ? err : clientMistake(err ?? {});
    if (error) {
      if (error.status < 500) mistake("http_refused", { code: error.code, method: req.method, path: req.path.slice(0, 100) });
    } else if (/^Mongo(ServerSelection|Network|NotConnected|Topology)/.test(err?.name ?? "")) {
      log.warn({ err: err.message, path: req.path }, "store unavailable");
      error = new AppError("UNAVAILABLE", "progress is unavailable right now; your results are kept and saved when it is back");
    } else {
      log.error({ err, method: req.method, path: req.path }, "unhandled error in a route");
      error = new AppError("INTERNAL", "something went wrong on our side; please try again");
    }
    if (res.headersSent) return void res.destroy();
    res.status(error.status).json({ error: { code: error.code, message: error.message } });
  };
}
