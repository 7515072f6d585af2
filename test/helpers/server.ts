/** Boots a real LinguaLeap server on 127.0.0.1 (a free port) for integration tests. */
import type { Direction } from "../../rooms/word-duel/messages";
import { buildApp, type LinguaLeap } from "../../server/app";
import { leagueSettings, loadConfig, SINGLE_ADDRESS_LIMITS, type Config } from "../../server/config";
import { createLogger } from "../../server/logger";
import { MemoryStore } from "../../server/store/MemoryStore";
import type { Store } from "../../server/store/store";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { answersFor as deckAnswers, loadDecks, type Deck, type TargetLang } from "../../content/decks";
import { testClient, type TestClient } from "./colyseus-testing";

/** Short phases so whole duels run in a couple of seconds. */
export const TEST_ENV: Record<string, string> = {
  NODE_ENV: "test",
  HOST: "127.0.0.1",
  PORT: "0",
  JWT_SECRET: "test-secret-that-is-only-for-the-test-suite-0123456789",
  LOG_LEVEL: "silent",
  DUEL_ROUNDS: "3",
  DUEL_COUNTDOWN_MS: "50",
  DUEL_REVEAL_MS: "50",
  DUEL_CHOICE_ROUND_MS: "3000",
  DUEL_TYPED_ROUND_MS: "3000",
  DUEL_FINISHED_LINGER_MS: "500",
  RECONNECT_SECONDS: "2",
  // A drain waits for running duels this long (the default covers a whole duel: minutes).
  SHUTDOWN_GRACE_MS: "8000",
  // Every test learner comes from 127.0.0.1 (tests of the limits set their own).
  ...SINGLE_ADDRESS_LIMITS,
  MATCHMAKE_PER_MINUTE: "100000",
  ROOMS_PER_MINUTE: "100000",
  AUTH_RATE_PER_MINUTE: "1000",
};

export interface TestServer {
  server: LinguaLeap;
  config: Config;
  store: Store;
  decks: Map<TargetLang, Deck>;
  port: number;
  /** Milliseconds added to the rooms' clock (to make answers late on purpose). */
  clock: { skewMs: number };
  http: string;
  ws: string;
  close(): Promise<void>;
}

let decksCache: Map<TargetLang, Deck> | undefined;

export function realDecks(): Map<TargetLang, Deck> {
  decksCache ??= loadDecks();
  return decksCache;
}

export async function startServer(env: Record<string, string> = {}, given?: Store): Promise<TestServer> {
  const outbox = join(mkdtempSync(join(tmpdir(), "lingualeap-outbox-")), "outbox.jsonl");
  const config = loadConfig({ ...TEST_ENV, OUTBOX_PATH: outbox, ...env });
  const store = given ?? new MemoryStore({ leagues: leagueSettings(config) });
  const decks = realDecks();
  const clock = { skewMs: 0 };
  const server = buildApp({ config, log: createLogger(config), store, decks, now: () => Date.now() + clock.skewMs });
  const port = await server.listen();
  return {
    server, config, store, decks, port, clock,
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    close: () => server.close(),
  };
}

/** Every accepted answer for a prompt of a deck, in the direction asked (throws if none has it). */
export function answersFor(deck: Deck, prompt: string, direction: Direction = "en-target"): string[] {
  const answers = deckAnswers(deck, prompt, direction);
  if (!answers) throw new Error(`no word with prompt "${prompt}" in the ${deck.lang} deck`);
  return answers;
}

/** A signed-in guest's token, through the real HTTP API. */
export async function guestToken(http: string, name: string): Promise<string> {
  const res = await fetch(`${http}/api/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
  if (res.status !== 201) throw new Error(`guest sign-in failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** A @colyseus/testing client of its own, signed in as a new guest. */
export async function guestClient(t: TestServer, name: string): Promise<TestClient> {
  return testClient(t, await guestToken(t.http, name));
}
