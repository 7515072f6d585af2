/**
 * One log line per HTTP request (pino-http), with a request id that follows the request:
 * - the id is the caller's `X-Request-Id` when it is 1–64 characters of `A-Z a-z 0-9 . _ : -`
 *   (a proxy's or a client's), else a new UUID; it is echoed in the response's `X-Request-Id`,
 *   set as `req.id` (the matchmaking route hands `req` to the room's onAuth, so the room's
 *   join line names it: rooms/shared/authenticate.ts), and `req.log` writes lines that carry it;
 * - the line holds the method, the path with sensitive query values redacted, the client's
 *   address, the status and the latency (`responseTime`, ms) — never a header (so no
 *   Authorization, no cookie) and never a body;
 * - levels: 5xx `error` (503, an outage or a drain said plainly, `debug`), a client's mistake
 *   (4xx) or a request the client gave up on `debug`, health probes and scrapes that succeed
 *   `debug`, everything else `info`;
 * - with the log at `warn` or above, where only the `error` lines can be written, the same
 *   lines come from a small middleware of ours instead of pino-http (which builds a child
 *   logger and its serializers for every request whatever the level: 8 % of a server's CPU
 *   while learners join in a load run).
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import { pinoHttp } from "pino-http";
import type { Logger } from "../logger";

/** The response header that carries the request id (and the request header it may come from). */
export const REQUEST_ID_HEADER = "X-Request-Id";
/** What an incoming request id may look like: short, and nothing a log reader could trip on. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
/** Query parameters whose values never reach a log line. */
const SECRET_PARAMS = /^(token|access_token|id_token|reconnectiontoken|password|secret|key|code|authorization)$/i;
/** Paths whose successful answers are logged at debug (probes and scrapes come every few seconds). */
const QUIET_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);
/** Longest path logged (a hostile URL can be 16 KB). */
const MAX_URL = 300;

/**
 * The caller's request id when it is well-formed, else undefined.
 * @example requestIdFrom("7f9c-1") // "7f9c-1"
 * @example requestIdFrom("a b") // undefined (spaces are refused)
 */
export function requestIdFrom(header: string | string[] | undefined): string | undefined {
  return typeof header === "string" && REQUEST_ID.test(header) ? header : undefined;
}

/**
 * A URL as logged: the path, and the query with the values of secret parameters replaced.
 * @example redactUrl("/x?token=abc&lang=es") // "/x?token=[Redacted]&lang=es"
 */
export function redactUrl(url: string): string {
  const cut = url.length > MAX_URL ? `${url.slice(0, MAX_URL)}…` : url;
  const q = cut.indexOf("?");
  if (q < 0) return cut;
  const query = cut
    .slice(q + 1)
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // a broken %-escape is logged as it came
      }
      return eq >= 0 && SECRET_PARAMS.test(decoded) ? `${name}=[Redacted]` : pair;
    })
    .join("&");
  return `${cut.slice(0, q)}?${query}`;
}

type Req = IncomingMessage & { originalUrl?: string; ip?: string; id?: unknown };

/** The level of a request's line (see the header). */
export function requestLevel(req: Req, res: ServerResponse, err?: Error): "error" | "warn" | "info" | "debug" {
  if (!res.writableEnded) return "debug"; // the client went away before the answer
  // A 503 is an outage or a drain said plainly to each request: the outage itself is logged
  // once by what noticed it (StoreHealth, ClusterHealth), not once per learner.
  if (res.statusCode === 503) return "debug";
  if (err || res.statusCode >= 500) return "error";
  if (res.statusCode >= 400) return "debug";
  const path = (req.originalUrl ?? req.url ?? "").split("?")[0];
  return QUIET_PATHS.has(path) ? "debug" : "info";
}

/** The request as a log line shows it: no headers, no body. */
function requestFields(req: Req): object {
  return { id: req.id, method: req.method, url: redactUrl(req.originalUrl ?? req.url ?? ""), remoteAddress: req.ip ?? req.socket?.remoteAddress };
}

/** The request log; mounted first, so every route (and every error) has `req.id`. */
export function requestLog(log: Logger): RequestHandler {
  return log.isLevelEnabled("info") ? fullRequestLog(log) : errorRequestLog(log);
}

/** The request id of a request: the caller's when well-formed, else a new one; echoed in the answer. */
function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const id = requestIdFrom(req.headers["x-request-id"]) ?? randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** Only what can be written at `warn` and above: the `error` line of a request answered 5xx. */
function errorRequestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const id = assignRequestId(req, res);
    (req as Req).id = id;
    Object.defineProperty(req, "log", { configurable: true, get: () => log.child({ requestId: id }) });
    const started = performance.now();
    res.once("finish", () => {
      if (requestLevel(req, res) !== "error") return;
      log.error({ requestId: id, req: requestFields(req), res: { statusCode: res.statusCode }, responseTime: Math.round(performance.now() - started) }, `${req.method} ${res.statusCode}`);
    });
    next();
  };
}

function fullRequestLog(log: Logger): RequestHandler {
  return pinoHttp({
    logger: log,
    genReqId: assignRequestId,
    quietReqLogger: true,
    customAttributeKeys: { reqId: "requestId" },
    wrapSerializers: false,
    serializers: {
      req: requestFields,
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: requestLevel,
    // A 5xx line says the status; the error itself is logged whole where it happened
    // (errors.middleware.ts), so the request line carries no stack of its own.
    customErrorObject: (_req, _res, err, fields: { res: unknown; responseTime: number }) => ({
      res: fields.res,
      responseTime: fields.responseTime,
      ...(err.message.startsWith("failed with status code") ? {} : { err: err.message }),
    }),
    customSuccessMessage: (req, res) => (res.writableEnded ? `${req.method} ${res.statusCode}` : `${req.method} aborted by the client`),
    customErrorMessage: (req, res) => `${req.method} ${res.statusCode}`,
  }) as unknown as RequestHandler;
}
