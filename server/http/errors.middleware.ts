/** One place that answers errors: `{error:{code,message}}`; unknown errors are logged and answered 500. */
import type { ErrorRequestHandler, RequestHandler } from "express";
import { AppError } from "../errors";
import type { Logger } from "../logger";

export function notFound(): RequestHandler {
  return (req, _res, next) => next(new AppError("NOT_FOUND", `no route for ${req.method} ${req.path}`));
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let error: AppError;
    if (err instanceof AppError) error = err;
    else if (err?.type === "entity.too.large") error = new AppError("BODY_TOO_LARGE", `the request body is larger than ${err.limit} bytes`);
    else if (err?.type === "entity.parse.failed") error = new AppError("BAD_REQUEST", "the request body is not valid JSON");
    else if (err?.type === "encoding.unsupported" || err?.type === "charset.unsupported") error = new AppError("BAD_REQUEST", "send the body as UTF-8 JSON");
    else if (/^Mongo(ServerSelection|Network|NotConnected|Topology)/.test(err?.name ?? "")) {
      log.warn({ err: err.message, path: req.path }, "store unavailable");
      error = new AppError("UNAVAILABLE", "progress is unavailable right now; your results are kept and saved when it is back");
    } else {
      log.error({ err, method: req.method, path: req.path }, "unhandled error in a route");
      error = new AppError("INTERNAL", "something went wrong on our side; please try again");
    }
    if (res.headersSent) return;
    res.status(error.status).json({ error: { code: error.code, message: error.message } });
  };
}
