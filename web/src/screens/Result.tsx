import { useEffect, useState } from "preact/hooks";
import type { DuelKind, Nav } from "../app";
import { client, languageName, type Profile } from "../game";
import type { DuelEnd } from "./Duel";

interface Progress {
  xp?: number;
  ratingBefore?: number;
  ratingAfter?: number;
  rank?: number | null;
  board?: string;
}

/** The end of a duel: who won, XP, rating change, new rank; play again. */
export function Result({ nav, end, how, before }: { nav: Nav; end: DuelEnd; how: DuelKind; before?: Profile }) {
  const [progress, setProgress] = useState<Progress>({});
  const [busy, setBusy] = useState(false);
  const { view, result, me } = end;
  const mine = result?.standings.find((s) => s.sessionId === me);
  const winner = result?.winner ?? view.winner;
  const vsBot = view.players.some((p) => p.isBot);
  const lang = view.lang;

  useEffect(() => {
    let live = true;
    void (async () => {
      const after = await settledProfile(before);
      if (!live || !after) return;
      const rated = !view.practice && !vsBot && !view.party;
      const board = rated ? `rating-${lang}` : lang;
      const page = await client.leaderboard(board, { aroundMe: true, limit: 1 }).catch(() => undefined);
      if (!live) return;
      setProgress({ xp: after.xp, ratingBefore: before?.ratings[lang] ?? (rated ? 1200 : undefined), ratingAfter: rated ? after.ratings[lang] : undefined, rank: page?.me?.rank, board });
    })();
    return () => {
      live = false;
    };
  }, []);

  async function again() {
    setBusy(true);
    try {
      const options = { lang, mode: view.mode, direction: view.direction };
      if (how.kind === "ranked") nav.go({ name: "queue", search: await client.findRankedDuel(options) });
      else if (how.kind === "practice") nav.go({ name: "duel", duel: await client.practice({ ...options, lessonId: how.lessonId, review: how.review }), how });
      else nav.go({ name: "home" });
    } catch (err) {
      nav.fail(err);
    } finally {
      setBusy(false);
    }
  }

  const headline = view.practice ? "Practice done!" : winner === "" ? "A draw!" : winner === me ? "You won!" : `${view.players.find((p) => p.sessionId === winner)?.name ?? "Your opponent"} won`;
  const delta = progress.ratingAfter !== undefined && progress.ratingBefore !== undefined ? progress.ratingAfter - progress.ratingBefore : undefined;
  const standings = result?.standings ?? [...view.players].sort((a, b) => b.score - a.score).map((p) => ({ sessionId: p.sessionId, name: p.name, score: p.score, forfeited: p.forfeited, isBot: p.isBot, xp: undefined as number | undefined }));
  const place = standings.findIndex((s) => s.sessionId === me) + 1;
  return (
    <section class="card narrow" aria-labelledby="result-title">
      <h1 id="result-title" class="headline">{headline}</h1>
      {!result && <p class="hint">The duel finished while you were reconnecting; here is how it ended.</p>}
      <ol class="standings">
        {standings.map((s, i) => (
          <li key={s.sessionId} class={s.sessionId === me ? "me" : ""}>
            {view.party && <span class="place">{ordinal(i + 1)}</span>}
            <span class="name">{s.sessionId === me ? `${s.name} (you)` : s.name}{s.isBot ? " · bot" : ""}{s.forfeited ? " · left" : ""}</span>
            <span class="score">{s.score} pts</span>
            {s.xp !== undefined && !s.isBot && <span class="xp">+{s.xp} XP</span>}
          </li>
        ))}
      </ol>
      <dl class="facts">
        {view.party && place > 0 && <><dt>Your place</dt><dd data-testid="place">{ordinal(place)} of {standings.length}</dd></>}
        {view.party && <><dt>Rating</dt><dd>unchanged (parties are not rated)</dd></>}
        {mine && <><dt>XP earned</dt><dd>+{mine.xp}</dd></>}
        {progress.xp !== undefined && <><dt>Total XP</dt><dd>{progress.xp}</dd></>}
        {delta !== undefined && <><dt>{languageName(nav.languages, lang)} rating</dt><dd>{progress.ratingAfter} ({delta >= 0 ? "+" : ""}{delta})</dd></>}
        {vsBot && <><dt>Rating</dt><dd>unchanged (duels against bots are not rated)</dd></>}
        {progress.rank != null && <><dt>Your rank</dt><dd>#{progress.rank} on the {progress.board?.startsWith("rating-") ? "rating" : `${languageName(nav.languages, lang)} XP`} board</dd></>}
      </dl>
      <div class="actions">
        <button class="primary big" onClick={again} disabled={busy}>{how.kind === "challenge" || how.kind === "party" ? "New duel" : "Play again"}</button>
        <button class="secondary" onClick={() => nav.go({ name: "boards" })}>Leaderboards</button>
        <button class="link" onClick={() => nav.go({ name: "home" })}>Home</button>
      </div>
    </section>
  );
}

/** 1st, 2nd, 3rd, 4th… */
function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

/** The profile once this duel's result is in (results are recorded a moment after the end). */
async function settledProfile(before?: Profile): Promise<Profile | undefined> {
  for (let i = 0; i < 10; i++) {
    const now = await client.me().catch(() => undefined);
    if (!now || !before || now.xp !== before.xp || now.duels !== before.duels) return now;
    await new Promise((r) => setTimeout(r, 300));
  }
  return client.me().catch(() => undefined);
}
