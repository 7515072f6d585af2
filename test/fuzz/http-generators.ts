/**
 * Hostile HTTP requests over every route the server answers: odd methods, headers a proxy
 * or an attacker would send (Content-Encoding on plain bodies, forged and `alg: none`
 * tokens, Basic garbage, X-Forwarded-For lists), bodies built to trip a JSON reader or a
 * deep merge (prototype keys at any depth, deep nesting, wrong types, invalid UTF-8), broken
 * %-encoding in path parameters and URLs of a few KB.
 */
import { brotliCompressSync, constants, deflateSync, gzipSync } from "node:zlib";
import jwt from "jsonwebtoken";
import { TEST_ENV } from "../helpers/server";
import { isTame } from "./observe";
import { PROTOTYPE_NAMES } from "./frame-generators";
import type { Rand } from "./random";

export interface RequestSpec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /**
   * How the body is delimited: Content-Length, chunked, or not at all (written raw after the
   * headers of a keep-alive request, so the server reads it as the next request).
   */
  framing: "length" | "chunked" | "none";
}

/** Bytes written as they are on a fresh connection: HTTP that node's client refuses to send. */
export interface RawSpec {
  raw: Buffer;
  label: string;
}

/** Tokens of real learners, so some requests get past authentication. */
export interface Credentials {
  tokens: readonly string[];
}

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"];
const ODD_METHODS = ["TRACE", "PROPFIND", "FUZZ", "get"];
const MATCHMAKE_METHODS = ["joinOrCreate", "create", "join", "joinById", "reconnect"];
const ROOMS = ["word_duel", "practice", "ranked_queue", "leaderboard", "ranked_duel"];
const BROKEN_ESCAPES = ["%E0%A4%A", "%", "%ZZ", "%00", "%C0%AF", "%ED%A0%80", "%2e%2e%2f%2e%2e", "%F0%9F%98", "%u0041", "a%"];

/** Every byte of the UTF-8 of `text` %-encoded (lone surrogates become U+FFFD, as Buffer writes them). */
function percentEncoded(text: string): string {
  return [...Buffer.from(text)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
}

/** A path parameter: plausible, prototype-named, %-broken, or a few KB long. */
function segment(r: Rand, plausible: readonly string[]): string {
  return r.weighted<() => string>([
    [4, () => r.pick(plausible)],
    [3, () => r.pick(BROKEN_ESCAPES)],
    [2, () => r.pick(PROTOTYPE_NAMES)],
    [2, () => percentEncoded(r.oddText(r.int(1, 30)))],
    [1, () => r.text(r.int(500, 5000))],
    [1, () => r.pick(["..", ".", "%2F", "a;b", "a,b", "~", "*", "null", "undefined", "-1", "1e999"])],
  ])();
}

/** A query string qs would read into arrays, nested objects and prototype keys. */
function query(r: Rand, keys: readonly string[], values: readonly string[]): string {
  const parts = Array.from({ length: r.int(0, 5) }, () => {
    const key = r.pick(keys);
    const shape = r.pick(["plain", "array", "nested", "proto", "broken"] as const);
    const value = r.chance(0.7) ? r.pick(values) : segment(r, values);
    if (shape === "array") return `${key}[]=${value}&${key}[]=${value}`;
    if (shape === "nested") return `${key}[$ne]=${value}`;
    if (shape === "proto") return `${key}[${r.pick(PROTOTYPE_NAMES)}][x]=1`;
    if (shape === "broken") return `${key}=${r.pick(BROKEN_ESCAPES)}`;
    return `${key}=${value}`;
  });
  if (r.chance(0.05)) parts.push(Array.from({ length: 1200 }, (_, i) => `k${i}=1`).join("&"));
  return parts.length ? `?${parts.join("&")}` : "";
}

/** JSON text with a prototype-named key at some depth. */
function protoJson(r: Rand, base: Record<string, unknown>): string {
  let inner = JSON.stringify({ polluted: true, isAdmin: true, [r.text(3)]: 1 });
  for (let d = r.int(0, 20); d > 0; d--) inner = `{${JSON.stringify(r.pick([...PROTOTYPE_NAMES, "a", "options"]))}:${inner}}`;
  const outer = JSON.stringify(base);
  return `${outer.slice(0, -1)}${outer.length > 2 ? "," : ""}${JSON.stringify(r.pick(PROTOTYPE_NAMES))}:${inner}}`;
}

function oddScalar(r: Rand): unknown {
  return r.pick<unknown>([r.oddText(r.int(0, 40)), "", 0, -1, 1e308, true, null, [], {}, ["es"], { $ne: null }, "x".repeat(r.int(20, 20000))]);
}

/** A body for a route that reads the fields of `sample` (which holds sensible values for them). */
function body(r: Rand, sample: Record<string, unknown>): Buffer {
  const fields = Object.keys(sample);
  return r.weighted<() => Buffer>([
    [4, () => Buffer.from(JSON.stringify(Object.fromEntries(fields.map((f) => [f, r.chance(0.6) ? sample[f] : oddScalar(r)]))))],
    [3, () => Buffer.from(protoJson(r, sample))],
    [2, () => { const n = r.pick([10, 100, 1000, 5000]); const open = r.chance(0.5) ? "[" : '{"a":'; return Buffer.from(open.repeat(n) + "1" + (open === "[" ? "]" : "}").repeat(n)); }],
    [2, () => Buffer.from(JSON.stringify(r.pick<unknown>([[sample], 42, "text", true, null, [], {}])))],
    [1, () => Buffer.from(JSON.stringify({ ...sample, pad: "x".repeat(r.int(1000, 20000)) }))],
    [1, () => r.bytes(r.int(1, 2000))],
    [1, () => Buffer.concat([Buffer.from('{"name":"'), Buffer.of(0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80), Buffer.from('"}')])],
    [1, () => Buffer.from(JSON.stringify(sample).slice(0, r.int(0, 10)))],
    [1, () => Buffer.from(`\ufeff${JSON.stringify(sample)}`)],
    [1, () => Buffer.from(JSON.stringify(sample), "utf16le")],
    [1, () => Buffer.from("name=x&__proto__[isAdmin]=1&constructor[prototype][x]=1")],
    [1, () => Buffer.alloc(0)],
  ])();
}

function token(r: Rand, creds: Credentials): string {
  const secret = TEST_ENV.JWT_SECRET;
  const sub = r.pick(["__proto__", "constructor", "toString", "hasOwnProperty", "", "x".repeat(3000), "00000000-0000-0000-0000-000000000000"]);
  return r.weighted<() => string>([
    [3, () => (creds.tokens.length ? r.pick(creds.tokens) : "none")],
    [3, () => jwt.sign({ name: r.oddText(r.int(0, 40)), guest: r.pick([true, "yes", 1]) }, secret, { subject: sub, issuer: "lingualeap", expiresIn: 600 })],
    [1, () => jwt.sign({ name: "x", sub: r.pick([5, null, ["a"], { a: 1 }]) }, secret, { issuer: "lingualeap", expiresIn: 600 })],
    [1, () => jwt.sign({ name: "x" }, secret, { subject: "u", issuer: "lingualeap", expiresIn: 60 * 60 * 24 * 3650 })],
    [1, () => jwt.sign({ name: "x" }, secret, { subject: "u", issuer: "lingualeap", algorithm: "HS512", expiresIn: 600 })],
    [2, () => jwt.sign({ name: "x" }, "not-the-secret-of-this-server-at-all-0123456789", { subject: "u", issuer: "lingualeap", expiresIn: 600 })],
    [2, () => `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${Buffer.from(JSON.stringify({ sub: sub, name: "x", iss: "lingualeap", exp: 9e9, iat: 1 })).toString("base64url")}.`],
    [2, () => r.pick(["a.b.c", "...", "e30.e30.e30", "%%%", r.text(r.int(1, 4000)), "eyJ" + r.text(40)])],
  ])();
}

function authorization(r: Rand, creds: Credentials): string {
  return r.weighted<() => string>([
    [5, () => `Bearer ${token(r, creds)}`],
    [1, () => r.pick(["Bearer", "Bearer ", "bearer  x y", "Token abc", "Bearer\tx"])],
    [2, () => `Basic ${Buffer.from(r.pick(["admin:wrong", "admin:", ":", "admin", r.oddText(20), "admin:" + "x".repeat(2000)])).toString("base64")}`],
    [1, () => `Basic ${r.pick(["!!!", "=", "a".repeat(3000), "YWRtaW4=garbage"])}`],
  ])();
}

function headers(r: Rand, creds: Credentials, hasBody: boolean): Record<string, string> {
  const h: Record<string, string> = {};
  if (hasBody || r.chance(0.2)) {
    const type = r.pick(["application/json", "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16", "application/json; charset=koi8-r", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "%%%", "application/vnd.api+json", ""]);
    if (type) h["content-type"] = type;
  }
  if (hasBody && r.chance(0.15)) h["content-encoding"] = r.pick(["gzip", "br", "deflate", "identity", "gzip, gzip", "x-compress", "GZIP"]);
  if (r.chance(0.4)) h.authorization = authorization(r, creds);
  if (r.chance(0.25)) h["x-forwarded-for"] = r.pick(["1.2.3.4", "1.2.3.4, 10.0.0.1", "::1", "unknown", "999.999.999.999", "-", " , ,", "fe80::1%eth0", Array.from({ length: 200 }, (_, i) => `10.0.${i % 256}.1`).join(", ")]);
  if (r.chance(0.15)) h.origin = r.pick(["https://evil.example", "null", "http://127.0.0.1", "file://"]);
  if (r.chance(0.05)) h["x-http-method-override"] = r.pick(METHODS);
  return h;
}

export type Encoding = "gzip" | "deflate" | "br";

/** Compressed bodies, made once: small on the wire, big (or not JSON) once inflated. */
const COMPRESSED: Record<string, Buffer> = {};

/** `size` spaces (0: a small JSON object) compressed with `encoding`. */
export function compressedBody(encoding: Encoding, size: number): Buffer {
  const plain = size === 0 ? Buffer.from('{"name":"Zipped"}') : Buffer.alloc(size, 0x20);
  const quality = { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } };
  return (COMPRESSED[`${encoding}:${size}`] ??= encoding === "gzip" ? gzipSync(plain) : encoding === "deflate" ? deflateSync(plain) : brotliCompressSync(plain, quality));
}

/** Sizes {@link compressedBody} is drawn with. */
export const COMPRESSED_SIZES = [0, 1024 * 1024, 20 * 1024 * 1024];

function compressed(r: Rand, h: Record<string, string>): Buffer {
  const encoding = r.pick(["gzip", "deflate", "br"] as const);
  h["content-encoding"] = encoding;
  h["content-type"] = "application/json";
  return compressedBody(encoding, r.pick(COMPRESSED_SIZES));
}

type Route = (r: Rand) => { method: string; path: string; sample?: Record<string, unknown> };

const ROUTES: readonly (readonly [number, Route])[] = [
  [7, () => ({ method: "POST", path: "/api/auth/guest", sample: { name: "Ana", timeZone: "Europe/Madrid" } })],
  [5, () => ({ method: "POST", path: "/api/auth/register", sample: { username: "maria_1", password: "a long password", timeZone: "UTC" } })],
  [5, () => ({ method: "POST", path: "/api/auth/login", sample: { username: "maria_1", password: "a long password" } })],
  [5, () => ({ method: "GET", path: "/api/me" })],
  [2, () => ({ method: "GET", path: "/api/languages" })],
  [4, (r) => ({ method: "GET", path: `/api/lessons${query(r, ["lang"], ["es", "fr", "xx", ""])}` })],
  [4, (r) => ({ method: "GET", path: `/api/lessons/${segment(r, ["es-food", "es-greetings", "fr-food", "nope"])}` })],
  [6, (r) => ({ method: "GET", path: `/api/leaderboards/${segment(r, ["global", "es", "rating-es", "rating-xx"])}${query(r, ["period", "limit", "around", "week"], ["alltime", "weekly", "10", "0", "101", "me", "2026-W47", "2026-W99", "1e1", "-1"])}` })],
  [4, (r) => ({ method: "GET", path: `/api/challenges/${segment(r, ["K7QX2M", "k7qx2m", "AAAAAA", "0OIL11", "ABC"])}` })],
  [14, (r) => ({ method: "POST", path: `/matchmake/${r.chance(0.85) ? r.pick(MATCHMAKE_METHODS) : segment(r, ["joinorcreate", "remoteRoomCall"])}/${r.chance(0.8) ? r.pick(ROOMS) : segment(r, ["abcdefghi", "roomId_1"])}`, sample: { lang: "es", mode: r.pick(["typed", "choice"]), direction: "target-en", lessonId: "es-food", challenge: true, review: false, board: "global", period: "alltime" } })],
  [2, (r) => ({ method: "POST", path: r.pick(["/matchmake", "/matchmake/", "/api/matchmake/x/y", "/x/matchmake/joinOrCreate/word_duel", "/matchmake/joinOrCreate", "/matchmake/joinOrCreate/word_duel/extra"]), sample: { lang: "es" } })],
  [2, () => ({ method: "GET", path: "/healthz" })],
  [2, () => ({ method: "GET", path: "/readyz" })],
  [2, (r) => ({ method: "GET", path: r.pick(["/", "/?a=1", "//", "/index.html"]) })],
  [3, (r) => ({ method: "GET", path: `/assets/${segment(r, ["index.js", "../index.html", "..%2f..%2fpackage.json", "x.css"])}` })],
  [3, (r) => ({ method: "GET", path: `/colyseus${r.pick(["", "/", "/api", "/api/room?roomId=x", "/api/room/call?roomId=x&method=disconnect"])}` })],
  [3, (r) => ({ method: r.pick(["GET", "POST"]), path: `/admin/${r.pick(["results", "dead-letters", "dead-letters/replay", "x"])}`, sample: { matchIds: ["a"] } })],
  [5, (r) => ({ method: r.pick(METHODS), path: `/${Array.from({ length: r.int(1, 6) }, () => segment(r, ["api", "x", "matchmake", "me", "%2e%2e"])).join("/")}${query(r, ["a", "lang"], ["1"])}` })],
];

/** Malformed HTTP at the level of node's parser: framing that lies, bytes no client sends. */
function rawRequest(r: Rand): RawSpec {
  const path = r.weighted(ROUTES)(r).path;
  const head = (lines: string[]) => Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");
  const made = r.weighted<() => [string, Buffer]>([
    [2, () => ["invalid bytes in the path", Buffer.concat([Buffer.from("GET /api/lessons/"), Buffer.of(0xff, 0xfe, 0x00, 0x7f), Buffer.from(" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")])]],
    [2, () => ["Content-Length and chunked", Buffer.concat([head(["POST /api/auth/guest HTTP/1.1", "Host: x", "Content-Length: 4", "Transfer-Encoding: chunked", "Connection: close"]), Buffer.from("0\r\n\r\nGET /api/me HTTP/1.1\r\n\r\n")])]],
    [2, () => ["two Content-Lengths", Buffer.concat([head(["POST /matchmake/joinOrCreate/word_duel HTTP/1.1", "Host: x", "Content-Length: 2", "Content-Length: 40", "Connection: close"]), Buffer.from("{}")])]],
    [1, () => ["odd Content-Length", head([`POST ${path} HTTP/1.1`, "Host: x", `Content-Length: ${r.pick(["-1", "1e3", "0x10", "99999999999999999999", " 5 5"])}`, "Connection: close"])]],
    [2, () => ["bad chunk sizes", Buffer.concat([head(["POST /api/auth/login HTTP/1.1", "Host: x", "Transfer-Encoding: chunked", "Connection: close"]), Buffer.from(r.pick(["zz\r\n{}\r\n0\r\n\r\n", "fffffffffffffffff\r\n{", "2;" + "e".repeat(5000) + "\r\n{}\r\n0\r\n\r\n"]))])]],
    [2, () => ["broken header lines", head(["GET /api/me HTTP/1.1", "Host: x", r.pick(["no colon here", " folded: continuation", "Bad Name: x", "X: a\u0000b", "Authorization: Bearer a\r b"]), "Connection: close"])]],
    [1, () => ["many headers", head(["GET /healthz HTTP/1.1", "Host: x", ...Array.from({ length: 3000 }, (_, i) => `X-H${i}: ${i}`), "Connection: close"])]],
    [2, () => ["odd request line", head([r.pick(["GET http://evil.example/api/me HTTP/1.1", "OPTIONS * HTTP/1.1", "GET /healthz HTTP/2.0", "GET /healthz HTTP/1.0", "GET /healthz", "GET  /healthz  HTTP/1.1", "\r\nGET /healthz HTTP/1.1"]), "Host: x", "Connection: close"])]],
    [2, () => ["pipelined", Buffer.concat([head([`GET ${path} HTTP/1.1`, "Host: x"]), head(["POST /api/auth/guest HTTP/1.1", "Host: x", "Content-Type: application/json", "Content-Length: 14"]), Buffer.from('{"name":"Pip"}'), head(["GET /api/languages HTTP/1.1", "Host: x", "Connection: close"])])]],
  ])();
  // The server may echo a path: never text that looks internal.
  return isTame(made[1]) ? { label: made[0], raw: made[1] } : rawRequest(r);
}

/**
 * One of each request that makes the server allocate outside its JS heap (inflating each
 * encoding at each size, scrypt for a sign-up and a sign-in), for a warm-up: the allocator
 * keeps such memory once it has had it, so measuring growth after these measures leaks.
 */
export function allocatingRequests(): RequestSpec[] {
  const json = { "content-type": "application/json" };
  const inflating = (["gzip", "deflate", "br"] as const).flatMap((encoding) =>
    COMPRESSED_SIZES.flatMap((size) =>
      ["/api/auth/guest", "/matchmake/joinOrCreate/word_duel"].map((path): RequestSpec => ({ method: "POST", path, headers: { ...json, "content-encoding": encoding }, body: compressedBody(encoding, size), framing: "length" })),
    ),
  );
  const account = Buffer.from(JSON.stringify({ username: "warm_up", password: "a long password" }));
  return [...inflating, ...["register", "login"].map((step): RequestSpec => ({ method: "POST", path: `/api/auth/${step}`, headers: json, body: account, framing: "length" }))];
}

/**
 * Requests that once found a defect, sent first on every run (the random draw reaches each
 * only now and then).
 */
export const CORPUS: readonly (RequestSpec | RawSpec)[] = [
  // A keep-alive GET / followed by bytes that are no request: the parse error reached the
  // page's sendFile callback and was logged at error level, the raw packet (token) included.
  { label: "GET / then a broken pipelined request", raw: Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer fuzz.corpus.token\r\n\r\n{"a":1}') },
  // Eleven leaderboard rooms (no token needed) subscribe eleven listeners to one presence
  // channel: node printed a MaxListenersExceededWarning on stderr, outside the logger.
  ...Array.from({ length: 11 }, (): RequestSpec => ({ method: "POST", path: "/matchmake/create/leaderboard", headers: { "content-type": "application/json" }, body: Buffer.from('{"board":"global","period":"alltime"}'), framing: "length" })),
];

/** One hostile request, drawn from `r` (each request has its own stream, so the order they run in does not matter). */
export function hostileRequest(r: Rand, creds: Credentials): RequestSpec | RawSpec {
  if (r.chance(0.03)) return rawRequest(r);
  for (;;) {
    const route = r.weighted(ROUTES)(r);
    const method = r.chance(0.8) ? route.method : r.chance(0.9) ? r.pick(METHODS) : r.pick(ODD_METHODS);
    const withBody = method !== "GET" && method !== "HEAD" ? r.chance(0.9) : r.chance(0.1);
    const h = headers(r, creds, withBody);
    let payload = withBody ? body(r, route.sample ?? { a: 1 }) : undefined;
    if (withBody && r.chance(0.04)) payload = compressed(r, h);
    const framing = !payload?.length ? "length" : r.weighted<RequestSpec["framing"]>([[85, "length"], [12, "chunked"], [3, "none"]]);
    const spec: RequestSpec = { method, path: route.path, headers: h, body: payload, framing };
    // The server may echo a path or a field name: never text that looks internal.
    if (isTame(spec.path) && isTame(JSON.stringify(h)) && (!payload || isTame(payload))) return spec;
  }
}
