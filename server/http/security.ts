/**
 * Security headers (helmet) and cross-origin access (cors), from the configuration.
 * - The game's pages: scripts, styles and connections from this origin only (plus the
 *   WebSocket address of PUBLIC_ADDRESS), images also as data: URIs (the icon), never framed
 *   (`frame-ancestors 'none'`), no referrer, nosniff. No `upgrade-insecure-requests`: the game
 *   runs on plain http on loopback. The installable app's service worker (/sw.js) and web
 *   app manifest come from this origin only too (`worker-src`, `manifest-src`).
 * - The monitor (/colyseus) is a React bundle that injects its styles and loads Google's
 *   icon font: it gets a policy of its own with inline styles and that font allowed.
 * - CORS: /api and /matchmake answer other origins only when CORS_ORIGINS names them
 *   (with credentials, as colyseus.js sends them); by default same origin only.
 */
import cors from "cors";
import helmet from "helmet";
import type { RequestHandler } from "express";
import type { Config } from "../config";

/** The WebSocket origins of this process's PUBLIC_ADDRESS (`host[:port][/path]`). */
function webSocketOrigins(publicAddress: string | undefined): string[] {
  if (!publicAddress) return [];
  const host = publicAddress.replace(/^[a-z]+:\/\//i, "").split("/")[0];
  return host ? [`ws://${host}`, `wss://${host}`] : [];
}

const common = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  scriptSrcAttr: ["'none'"],
  upgradeInsecureRequests: null,
};

export function securityHeaders(config: Pick<Config, "PUBLIC_ADDRESS">): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        ...common,
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'", ...webSocketOrigins(config.PUBLIC_ADDRESS)],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
      },
    },
    referrerPolicy: { policy: "no-referrer" },
  });
}

/** The monitor's policy (replaces the game's on /colyseus). */
export function monitorHeaders(): RequestHandler {
  return helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      ...common,
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'", "https://fonts.googleapis.com"],
      fontSrc: ["'self'", "https://fonts.gstatic.com", "data:"],
      imgSrc: ["'self'", "data:"],
      connectSrc: ["'self'"],
    },
  });
}

/** CORS for /api and /matchmake: the configured origins, or none. */
export function corsFor(config: Pick<Config, "CORS_ORIGINS">): RequestHandler {
  const origins = config.CORS_ORIGINS as readonly string[];
  return cors({
    origin: origins.length > 0 ? [...origins] : false,
    credentials: true,
    methods: ["GET", "POST", "PUT", "OPTIONS"],
    allowedHeaders: ["Content-Type", "Authorization", "Accept"],
    maxAge: 600,
  });
}
