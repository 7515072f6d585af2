/**
 * Load, soak and failure programs send traffic only to this machine: every address they are
 * given (an endpoint, a Redis they flush, a MongoDB they write and drop) is checked here, one
 * definition of loopback for all of them.
 */
import { UsageError } from "./args";

/** 127.x.x.x, localhost or ::1 (with or without URL brackets). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  return bare === "localhost" || bare === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** `url` (http://, redis://) parsed, or a usage error naming `flag` when it is not a loopback URL. */
export function loopbackUrl(flag: string, url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new UsageError(`${flag}: "${url}" is not a URL`);
  }
  if (!isLoopbackHost(parsed.hostname)) throw new UsageError(`${flag}: "${url}" is not a loopback address (load runs stay on 127.0.0.1)`);
  return parsed;
}

/** A mongodb:// URL whose every host is loopback (mongodb+srv never is). */
export function assertLoopbackMongo(flag: string, url: string): void {
  const m = /^mongodb:\/\/(?:[^@/]*@)?([^/?]+)/.exec(url);
  if (!m) throw new UsageError(`${flag} must look like mongodb://127.0.0.1:27017/ (mongodb+srv is not loopback)`);
  for (const hostPort of m[1].split(",")) {
    const host = hostPort.startsWith("[") ? hostPort.slice(1, hostPort.indexOf("]")) : hostPort.split(":")[0];
    if (!isLoopbackHost(host)) throw new UsageError(`${flag} must name only loopback hosts (127.x.x.x, localhost, [::1]); "${host}" is not`);
  }
}
