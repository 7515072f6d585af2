import { useEffect, useState } from "preact/hooks";
import type { DuelKind, Nav } from "../app";
import { capitalise, client, languageName, type Profile } from "../game";
import { formatNumber, ordinal, useT } from "../i18n";
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
  const t = useT();
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

  const winnerName = view.players.find((p) => p.sessionId === winner)?.name;
  const headline = view.practice ? t("duel:result.practiceDone") : winner === "" ? t("duel:result.draw") : winner === me ? t("duel:result.youWon") : winnerName ? t("duel:result.won", { name: winnerName }) : t("duel:result.opponentWon");
  const delta = progress.ratingAfter !== undefined && progress.ratingBefore !== undefined ? progress.ratingAfter - progress.ratingBefore : undefined;
  const standings = result?.standings ?? [...view.players].sort((a, b) => b.score - a.score).map((p) => ({ sessionId: p.sessionId, name: p.name, score: p.score, forfeited: p.forfeited, isBot: p.isBot, xp: undefined as number | undefined }));
  const place = standings.findIndex((s) => s.sessionId === me) + 1;
  return (
    <section class="card narrow" aria-labelledby="result-title">
      <h1 id="result-title" class="headline">{headline}</h1>
      {!result && <p class="hint">{t("duel:result.whileAway")}</p>}
      <ol class="standings">
        {standings.map((s, i) => (
          <li key={s.sessionId} class={s.sessionId === me ? "me" : ""}>
            {view.party && <span class="place">{ordinal(i + 1)}</span>}
            <span class="name">{s.sessionId === me ? t("you", { name: s.name }) : s.name}{s.isBot ? ` · ${t("duel:tagBot")}` : ""}{s.forfeited ? ` · ${t("duel:result.tagLeft")}` : ""}</span>
            <span class="score">{t("duel:pts", { n: s.score })}</span>
            {s.xp !== undefined && !s.isBot && <span class="xp">{t("xpGain", { n: s.xp })}</span>}
          </li>
        ))}
      </ol>
      <dl class="facts">
        {view.party && place > 0 && <><dt>{t("duel:result.yourPlace")}</dt><dd data-testid="place">{t("duel:result.placeOf", { place: ordinal(place), n: standings.length })}</dd></>}
        {view.party && <><dt>{t("duel:result.rating")}</dt><dd>{t("duel:result.partyUnrated")}</dd></>}
        {mine && <><dt>{t("duel:result.xpEarned")}</dt><dd>{t("duel:result.plus", { n: mine.xp })}</dd></>}
        {progress.xp !== undefined && <><dt>{t("duel:result.totalXp")}</dt><dd>{formatNumber(progress.xp)}</dd></>}
        {delta !== undefined && <><dt>{capitalise(t("duel:result.languageRating", { language: languageName(nav.languages, lang) }))}</dt><dd>{t("duel:result.ratingChange", { rating: progress.ratingAfter, delta })}</dd></>}
        {vsBot && <><dt>{t("duel:result.rating")}</dt><dd>{t("duel:result.botUnrated")}</dd></>}
        {progress.rank != null && <><dt>{t("duel:result.yourRank")}</dt><dd>{progress.board?.startsWith("rating-") ? t("duel:result.rankRating", { rank: progress.rank }) : t("duel:result.rankXp", { rank: progress.rank, language: languageName(nav.languages, lang) })}</dd></>}
      </dl>
      <div class="actions">
        <button class="primary big" onClick={again} disabled={busy}>{how.kind === "challenge" || how.kind === "party" ? t("duel:result.newDuel") : t("duel:result.again")}</button>
        <button class="secondary" onClick={() => nav.go({ name: "boards" })}>{t("nav.boards")}</button>
        <button class="link" onClick={() => nav.go({ name: "home" })}>{t("duel:home")}</button>
      </div>
    </section>
  );
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
