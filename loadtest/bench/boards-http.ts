/**
 * The boards bench's HTTP side: GET /api/leaderboards/global over keep-alive connections to
 * the server it started, and the checks every answer must pass, so that a broken path
 * (an error, MongoDB's fallback answering something else, a wrong rank) cannot look fast.
 */
import http from "node:http";
import type { LeaderboardPage, LeaderboardRow } from "../../server/http/api.types";
import { AROUND_SPAN } from "../../server/boards";
import type { Standings, World } from "./boards-data";

const REQUEST_TIMEOUT_MS = 10_000;

export class BoardsClient {
  private readonly agent: http.Agent;

  constructor(
    private readonly base: string,
    sockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  /** GET `path` as JSON; rejects on anything but a 200. */
  get(path: string, token?: string): Promise<LeaderboardPage> {
    return new Promise((resolve, reject) => {
      const req = http.get(`${this.base}${path}`, { agent: this.agent, headers: token ? { authorization: `Bearer ${token}` } : {}, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== 200) return reject(new Error(`GET ${path}: HTTP ${res.statusCode} ${text.slice(0, 300)}`));
          try {
            resolve(JSON.parse(text) as LeaderboardPage);
          } catch {
            reject(new Error(`GET ${path}: not JSON: ${text.slice(0, 300)}`));
          }
        });
      });
      req.on("timeout", () => req.destroy(new Error(`GET ${path}: no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on("error", reject);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The expected row of the learner at board position `k` (0-based). */
function expectedAt(world: World, s: Standings, k: number) {
  const i = s.order[k];
  return { rank: k + 1, userId: world.learners[i].id, score: world.xp[i], name: world.learners[i].name };
}

function sameRows(what: string, got: readonly LeaderboardRow[], want: readonly LeaderboardRow[]): void {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} rows, expected ${want.length}`);
  got.forEach((row, k) => {
    const w = want[k];
    if (row.rank !== w.rank || row.userId !== w.userId || row.score !== w.score || row.name !== w.name) {
      throw new Error(`${what}: row ${k} is ${JSON.stringify(row)}, expected ${JSON.stringify(w)}`);
    }
  });
}

/** The top-10 answer is exactly the bench's own top 10 (ranks 1..10 in order, ids, scores, names). */
export function checkTop(world: World, s: Standings, page: LeaderboardPage, limit = 10): void {
  if (page.board !== "global" || page.period !== "alltime") throw new Error(`top: answered board ${page.board}/${page.period}`);
  const want = Array.from({ length: Math.min(limit, s.order.length) }, (_, k) => expectedAt(world, s, k));
  sameRows("top", page.top, want);
}

/** The around-me answer holds the learner's own row at their rank, and the rows around it are the board's. */
export function checkAround(world: World, s: Standings, page: LeaderboardPage, learner: number): void {
  const id = world.learners[learner].id;
  const rank = s.rankOf[learner];
  if (!page.me) throw new Error(`around-me for ${id}: no "me" in the answer`);
  if (page.me.rank !== rank) throw new Error(`around-me for ${id}: rank ${page.me.rank}, expected ${rank}`);
  const from = Math.max(0, rank - 1 - AROUND_SPAN);
  const to = Math.min(s.order.length, rank + AROUND_SPAN);
  const want = Array.from({ length: to - from }, (_, k) => expectedAt(world, s, from + k));
  sameRows(`around-me for ${id}`, page.me.around, want);
}
