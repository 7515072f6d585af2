/**
 * The floor: what the cheapest possible server spends on one message of an answer's size.
 * A bare `ws` echo server (ws-echo.ts) in a child process; C clients here, each sending one
 * binary message the size of a real `answer` frame, waiting for its echo, then sending the
 * next, M messages in all (or until the time budget); the child's CPU over those messages
 * (utime + stime from /proc) ÷ M.
 */
import { spawn } from "node:child_process";
import WebSocket from "ws";
import { deckWords, loadDecks } from "../../content/decks";
import { ROOT, track, withTimeout } from "../support/children";
import { freePort } from "../support/ports";
import { cpuMs } from "./cost-server";
import { answerFrame } from "./cost-wire";
import { inPool } from "./cost-learner";
import { note } from "./measure";

export interface FloorFigures {
  clients: number;
  messagesPlanned: number;
  messages: number;
  /** The message's size (the answer frame's payload) in bytes. */
  frameBytes: number;
  typicalAnswer: string;
  seconds: number;
  serverCpuMs: number;
  /** The floor: echo server CPU per message, ms. */
  cpuPerMessageMs: number;
  truncated: boolean;
}

/** The es deck's median-length first answer: what a typical `answer` carries in choice mode. */
export function typicalAnswer(): string {
  const words = deckWords(loadDecks().get("es")!).map((w) => w.target[0]);
  words.sort((a, b) => a.length - b.length || a.localeCompare(b));
  return words[Math.floor(words.length / 2)];
}

async function startEcho(): Promise<{ port: number; pid: number; stop(): void }> {
  const port = await freePort();
  const child = track(spawn(process.execPath, ["--import", "tsx", "loadtest/bench/ws-echo.ts", String(port)], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] }));
  let output = "";
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (c: Buffer) => ((output += c.toString()), output.includes("listening") && resolve()));
      child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
      child.once("exit", (code) => reject(new Error(`the echo server exited (${code}): ${output}`)));
    }),
    20_000,
    "the echo server to listen",
  );
  return { port, pid: child.pid!, stop: () => child.kill("SIGKILL") };
}

function open(port: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

/** Runs the floor: `clients` sockets, `messages` echoes in all, at most `budgetMs`. */
export async function runFloor(clients: number, messages: number, budgetMs: number): Promise<FloorFigures> {
  const answer = typicalAnswer();
  const frame = Buffer.from(answerFrame(answer));
  const echo = await startEcho();
  const sockets: WebSocket[] = [];
  try {
    await inPool(Array.from({ length: clients }), 100, async () => void sockets.push(await open(echo.port)));
    // Warm-up: a few round trips per socket, outside the measured window.
    await Promise.all(sockets.map((ws) => roundTrips(ws, frame, 5)));
    let sent = 0;
    let done = 0;
    const started = performance.now();
    const cpu0 = cpuMs(echo.pid);
    const over = () => performance.now() - started > budgetMs;
    await new Promise<void>((resolve) => {
      const next = (ws: WebSocket) => {
        if (sent < messages && !over()) {
          sent += 1;
          ws.send(frame);
        } else if (done === sent) resolve();
      };
      for (const ws of sockets) {
        ws.on("message", () => {
          done += 1;
          next(ws);
        });
      }
      for (const ws of sockets) next(ws);
    });
    const seconds = (performance.now() - started) / 1000;
    const serverCpuMs = cpuMs(echo.pid) - cpu0;
    note(`  floor: ${done} echoes in ${seconds.toFixed(1)} s`);
    return { clients, messagesPlanned: messages, messages: done, frameBytes: frame.length, typicalAnswer: answer, seconds, serverCpuMs, cpuPerMessageMs: serverCpuMs / done, truncated: done < messages };
  } finally {
    for (const ws of sockets) ws.terminate();
    echo.stop();
  }
}

function roundTrips(ws: WebSocket, frame: Buffer, n: number): Promise<void> {
  return new Promise((resolve) => {
    let left = n;
    const onMessage = () => {
      if (--left > 0) return void ws.send(frame);
      ws.off("message", onMessage);
      resolve();
    };
    ws.on("message", onMessage);
    ws.send(frame);
  });
}
