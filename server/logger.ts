/** The server's logger: JSON lines on stdout (pino). */
import pino from "pino";
import type { Config } from "./config";

export type Logger = pino.Logger;

/**
 * Fields no line may show, whoever logs them: credentials in headers, tokens and passwords
 * (the request log never logs headers or bodies at all: http/request-log.ts).
 */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.cookie",
  "authorization",
  "password",
  "token",
  "reconnectionToken",
  "*.password",
  "*.token",
  "*.reconnectionToken",
];

/** The server's logger; `destination` (default stdout) is for tests that read the lines. */
export function createLogger(config: Pick<Config, "LOG_LEVEL">, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = { level: config.LOG_LEVEL, base: { pid: process.pid }, redact: { paths: REDACTED_PATHS, censor: "[Redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}

/** A client's mistakes of one kind are logged at most this often. */
const MISTAKE_EVERY_MS = 10_000;

/**
 * Logs clients' mistakes (a malformed frame, a refused body, a bad option) at debug level,
 * sampled: the first of each kind, then at most one line per kind every 10 s with how many
 * were skipped. A hostile client sending a thousand bad frames a second costs a line every
 * 10 s, not a stack trace per frame.
 * @example const mistake = mistakeLog(log); mistake("bad_frame", { room: "word_duel" });
 */
export function mistakeLog(log: Logger, now: () => number = Date.now): (kind: string, detail: object) => void {
  const last = new Map<string, { at: number; skipped: number }>();
  return (kind, detail) => {
    if (!log.isLevelEnabled("debug")) return;
    const seen = last.get(kind);
    const t = now();
    if (seen && t - seen.at < MISTAKE_EVERY_MS) {
      seen.skipped += 1;
      return;
    }
    log.debug({ ...detail, kind, skipped: seen?.skipped ?? 0 }, "a client's mistake");
    last.set(kind, { at: t, skipped: 0 });
  };
}

/**
 * Colyseus's lines that only say a client misbehaved. They arrive as strings (the WebSocket
 * library's errors as message + stack: every error `ws`'s frame reader raises is listed).
 */
const CLIENT_NOISE = [
  /Invalid WebSocket frame/i,
  /Unsupported WebSocket frame/i,
  /Too many (buffered chunks|message fragments)/i,
  /Max payload size exceeded/i,
  /seat reservation expired/i,
  /couldn't decode message/i,
  /onMessage for ".*" not registered/i,
  /^(RangeError|TypeError|Error): .*(msgpack|Unexpected end of|Data read, but end of buffer)/i,
  /WebSocket was closed before the connection was established/i,
  /reconnection token invalid or expired/i,
  /has been disposed/i,
];

/**
 * The logger Colyseus writes through (`new Server({ logger })`): pino underneath, with the
 * lines a misbehaving client causes turned into sampled debug lines.
 */
export function colyseusLogger(log: Logger) {
  const child = log.child({ component: "colyseus" });
  const mistake = mistakeLog(child);
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.stack ?? a.message : String(a))).join(" ");
  const write = (level: "info" | "warn" | "error", args: unknown[]) => {
    const line = text(args);
    if (CLIENT_NOISE.some((re) => re.test(line))) return mistake("colyseus", { line: line.split("\n")[0].slice(0, 200) });
    child[level](line);
  };
  return {
    debug: (...args: unknown[]) => child.debug(text(args)),
    trace: (...args: unknown[]) => child.trace(text(args)),
    info: (...args: unknown[]) => write("info", args),
    warn: (...args: unknown[]) => write("warn", args),
    error: (...args: unknown[]) => write("error", args),
  };
}
