/**
 * Sends hostile HTTP requests (http-generators.ts), a few at once: well-formed ones with
 * node's client, malformed ones as raw bytes on a fresh socket. Keeps what should never
 * happen: a 5xx (but /readyz's 503), internal text in an answer, a request never answered.
 */
import http from "node:http";
import net from "node:net";
import { CORPUS, hostileRequest, type Credentials, type RawSpec, type RequestSpec } from "./http-generators";
import { Histogram, INTERNAL_TEXT } from "./observe";
import { Rand } from "./random";

export interface Answer {
  status?: number;
  contentType: string;
  body: Buffer;
  /** Why there is no status (the socket failed, or the timeout). */
  error?: string;
}

export class HttpReport {
  readonly statuses = new Histogram();
  readonly serverErrors: string[] = [];
  readonly leaks: string[] = [];
  readonly unanswered: string[] = [];
}

type Spec = RequestSpec | RawSpec;

function shown(bytes: Buffer, max: number): string {
  const text = bytes.toString("utf8");
  return Buffer.from(text).equals(bytes) ? JSON.stringify(text.slice(0, max)) : `hex ${bytes.subarray(0, max / 2).toString("hex")}`;
}

/** Enough of a request to send it again by hand: method, path, headers, body (UTF-8 if it is, else hex). */
export function describe(spec: Spec): string {
  if ("raw" in spec) return `raw (${spec.label}, ${spec.raw.length} bytes) ${shown(spec.raw, 600)}`;
  const body = spec.body ?? Buffer.alloc(0);
  const path = spec.path.length > 300 ? `${spec.path.slice(0, 300)}…(${spec.path.length} chars)` : spec.path;
  return `${spec.method} ${path} headers=${JSON.stringify(spec.headers).slice(0, 400)} framing=${spec.framing} body(${body.length} bytes)=${shown(body, 300)}`;
}

/** Keeps at most this much of an answer's body. */
const KEEP_BYTES = 64 * 1024;
const TIMEOUT_MS = 15000;

function sendHttp(base: URL, spec: RequestSpec, agent: http.Agent | false): Promise<Answer[]> {
  return new Promise((resolve) => {
    const framing = spec.framing === "chunked" ? { "transfer-encoding": "chunked" } : spec.body ? { "content-length": String(spec.body.length) } : {};
    const req = http.request({ host: base.hostname, port: base.port, method: spec.method, path: spec.path, headers: { ...spec.headers, ...framing }, agent });
    const fail = (error: string) => resolve([{ contentType: "", body: Buffer.alloc(0), error }]);
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
    req.on("error", (err) => fail((err as NodeJS.ErrnoException).code ?? err.message));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on("data", (c: Buffer) => void (kept < KEEP_BYTES && chunks.push(c) && (kept += c.length)));
      res.on("error", (err) => fail(err.message));
      res.on("end", () => resolve([{ status: res.statusCode, contentType: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks) }]));
    });
    req.end(spec.body);
  });
}

/** The answers in what a raw socket received (several when requests were pipelined). */
function parseRaw(received: Buffer, error?: string): Answer[] {
  const text = received.toString("latin1");
  const parts = text.split(/(?=HTTP\/1\.[01] \d{3} )/).filter((p) => p.startsWith("HTTP/"));
  if (parts.length === 0) return [{ contentType: "", body: received, error: error ?? "closed without an answer" }];
  return parts.map((part) => {
    const [head, ...rest] = part.split("\r\n\r\n");
    return { status: Number(head.slice(9, 12)), contentType: /^content-type:\s*(.*)$/im.exec(head)?.[1] ?? "", body: Buffer.from(rest.join("\r\n\r\n"), "latin1") };
  });
}

/**
 * Writes bytes on a fresh connection (never half-closed: node drops pipelined requests of a
 * client that has ended its side) and reads until the server closes it, or the timeout.
 */
function sendRaw(base: URL, bytes: Buffer): Promise<Answer[]> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(base.port), base.hostname);
    const chunks: Buffer[] = [];
    let error: string | undefined;
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
    socket.on("data", (c: Buffer) => void chunks.push(c));
    socket.on("error", (err) => void (error = (err as NodeJS.ErrnoException).code ?? err.message));
    socket.on("close", () => resolve(parseRaw(Buffer.concat(chunks), error)));
    socket.write(bytes);
  });
}

/** A request whose body has no framing: headers of a keep-alive request, then the body as it is. */
function unframed(spec: RequestSpec, base: URL): Buffer {
  const lines = [`${spec.method} ${spec.path} HTTP/1.1`, `Host: ${base.host}`, "Connection: keep-alive", ...Object.entries(spec.headers).map(([k, v]) => `${k}: ${v}`)];
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), spec.body ?? Buffer.alloc(0)]);
}

/** Sends one request (`agent` false: on a connection of its own). */
export function send(base: URL, spec: Spec, agent: http.Agent | false = false): Promise<Answer[]> {
  if ("raw" in spec) return sendRaw(base, spec.raw);
  return spec.framing === "none" ? sendRaw(base, unframed(spec, base)) : sendHttp(base, spec, agent);
}

/** Static files and pages may hold any text; answers of the app (JSON, errors) may not. */
function mustBeClean(answer: Answer): boolean {
  const ok = answer.status !== undefined && answer.status < 300;
  return !ok || answer.contentType.includes("json");
}

function isReadyz(spec: Spec): boolean {
  return "raw" in spec ? false : spec.path.startsWith("/readyz");
}

function judge(spec: Spec, answers: Answer[], report: HttpReport): void {
  report.statuses.add(answers[0].status ?? `no answer (${answers[0].error})`);
  for (const answer of answers) {
    const text = answer.body.toString("utf8");
    const seen = `${describe(spec)}\n    -> ${answer.status ?? answer.error} ${text.slice(0, 300)}`;
    if (answer.status === undefined) report.unanswered.push(seen);
    else if (answer.status >= 500 && !(answer.status === 503 && isReadyz(spec))) report.serverErrors.push(seen);
    if (mustBeClean(answer) && INTERNAL_TEXT.test(text)) report.leaks.push(seen);
  }
}

/**
 * Sends `count` hostile requests: the corpus, then random ones `concurrency` at once. Request
 * i is drawn from its own stream of the seed, so the same seed sends the same requests
 * whatever order they finish in.
 */
export async function fuzzHttp(opts: { http: string; seed: number; count: number; concurrency: number; creds: Credentials }): Promise<HttpReport> {
  const report = new HttpReport();
  const base = new URL(opts.http);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  for (const spec of CORPUS) judge(spec, await send(base, spec, agent), report);
  let next = CORPUS.length;
  const runner = async () => {
    while (next < opts.count) {
      const spec = hostileRequest(new Rand(opts.seed, 100_000 + next++), opts.creds);
      judge(spec, await send(base, spec, agent), report);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, runner));
  agent.destroy();
  return report;
}

export interface HugeAnswer {
  status?: number;
  error?: string;
  ms: number;
  /** MB (2^20 bytes) written before the answer came (a server that reads all of it first sees every byte). */
  sentMb: number;
}

/**
 * POSTs a body of `totalBytes` (spaces) on a raw socket as fast as it takes them, chunked or
 * with a Content-Length that says so up front, and stops writing once an answer comes (a
 * server that answers early may close the socket under the writer: the answer still counts).
 */
export function sendHuge(base: string, path: string, totalBytes: number, declareLength: boolean, timeoutMs = 30000): Promise<HugeAnswer> {
  const url = new URL(base);
  const started = Date.now();
  const socket = net.connect(Number(url.port), url.hostname);
  let sent = 0;
  let received = "";
  let answer: HugeAnswer | undefined;
  const settled = new Promise<HugeAnswer>((resolve) => {
    const done = (a: Omit<HugeAnswer, "ms" | "sentMb">) => resolve((answer ??= { ...a, ms: Date.now() - started, sentMb: Math.round((sent / 1024 / 1024) * 10) / 10 }));
    socket.on("data", (c: Buffer) => {
      received += c.toString("latin1");
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(received)?.[1];
      if (!status) return;
      done({ status: Number(status) });
      socket.destroy();
    });
    socket.on("error", () => undefined);
    socket.on("close", () => done({ error: received ? `unreadable answer ${JSON.stringify(received.slice(0, 100))}` : "closed without an answer" }));
    socket.setTimeout(timeoutMs, () => socket.destroy());
  });
  const framing = declareLength ? `Content-Length: ${totalBytes}` : "Transfer-Encoding: chunked";
  socket.write(`POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n${framing}\r\n\r\n`);
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const framed = declareLength ? chunk : Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]);
  void (async () => {
    while (!answer && !socket.destroyed && sent < totalBytes) {
      sent += chunk.length;
      if (!socket.write(framed)) await Promise.race([new Promise((r) => socket.once("drain", r)), settled]);
    }
    if (!answer && !socket.destroyed && !declareLength) socket.write("0\r\n\r\n");
  })();
  return settled;
}
