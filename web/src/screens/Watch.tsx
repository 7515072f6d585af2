import { useEffect, useState } from "preact/hooks";
import type { DuelResult, DuelView, RoundResult, WatchSession } from "../../../client-sdk";
import type { Nav } from "../app";
import { client, directionLabel, rememberToken, timeZone } from "../game";
import { uiLanguage, useT } from "../i18n";
import { Players, Reveal } from "./Duel";

/**
 * A watch link (`/?watch=<roomId>`): a running duel or party, read-only — the players, the
 * word, the reveal, the standings at the end, and how many watch. A signed-out viewer gets a
 * guest made first (watching needs a token, not an account).
 */
export function Watch({ nav, roomId }: { nav: Nav; roomId: string }) {
  const t = useT();
  const [watch, setWatch] = useState<WatchSession | undefined>();
  const [view, setView] = useState<DuelView | undefined>();
  const [reveal, setReveal] = useState<RoundResult | undefined>();
  const [result, setResult] = useState<DuelResult | undefined>();
  /** Why nothing more comes: the game ended (a normal end or not), or could not be watched. */
  const [ended, setEnded] = useState<"" | "over" | "ended" | "unwatchable">("");

  useEffect(() => {
    let session: WatchSession | undefined;
    let live = true;
    void (async () => {
      try {
        if (!client.token) await client.signInAsGuest(t("duel:watch.viewerName", { n: Math.floor(100 + Math.random() * 900) }), { timeZone: timeZone(), uiLang: uiLanguage() });
        rememberToken();
        session = await client.watch(roomId);
        if (!live) return void session.leave();
        session.on("state", setView);
        session.on("round", () => setReveal(undefined));
        session.on("reveal", setReveal);
        session.on("result", setResult);
        session.on("closed", ({ error }) => setEnded(error ? "ended" : "over"));
        setView(session.view);
        setWatch(session);
      } catch (err) {
        nav.fail(err);
        setEnded("unwatchable");
      }
    })();
    return () => {
      live = false;
      void session?.leave();
      // Elsewhere in the game now: a reload must not open this watch again.
      if (location.search.includes("watch=")) history.replaceState(null, "", "/");
    };
  }, [roomId]);

  const home = () => {
    history.replaceState(null, "", "/");
    void watch?.leave();
    nav.go({ name: client.token ? "home" : "start" });
  };
  const endedText = ended === "over" ? t("duel:watch.over") : ended === "ended" ? t("duel:watch.ended") : ended === "unwatchable" ? t("duel:watch.unwatchable") : "";
  if (!view) return <section class="card center" role="status"><p>{endedText || t("duel:watch.opening")}</p><button class="link" onClick={home}>{t("duel:home")}</button></section>;
  const standings = result?.standings ?? [...view.players].sort((a, b) => b.score - a.score);
  return (
    <div class="duel watching">
      <p class="meta" data-testid="watching" role="status">{t("duel:watch.live")} · {t("duel:watching", { count: view.watching })}</p>
      <Players players={view.players} me="" answering={view.phase === "round"} />
      {view.phase === "waiting" && <p class="card center" role="status">{view.party ? t("duel:watch.partyNotStarted") : t("duel:watch.waitingPlayers")}</p>}
      {view.phase === "countdown" && <p class="card center big-text" role="status">{t("duel:countdown")}</p>}
      {(view.phase === "round" || view.phase === "reveal") && (
        <section class="card play" aria-labelledby="prompt">
          <p class="meta">{t("duel:round", { round: view.round, total: view.totalRounds })} · {directionLabel(nav.languages, view.direction, view.lang)}</p>
          <h1 id="prompt" class="prompt" lang={view.direction === "en-target" ? "en" : view.lang}>{view.prompt}</h1>
          {view.mode === "choice" && view.phase === "round" && (
            <ul class="choices read-only" aria-label={t("duel:choices")}>
              {view.choices.map((c) => <li key={c} class="choice">{c}</li>)}
            </ul>
          )}
          {view.phase === "reveal" && reveal && <Reveal reveal={reveal} players={view.players} me="" />}
        </section>
      )}
      {view.phase === "finished" && (
        <section class="card" aria-labelledby="final-title">
          <h1 id="final-title">{t("duel:watch.final")}</h1>
          <ol class="standings">
            {standings.map((s) => <li key={s.sessionId}><span class="name">{s.name}</span><span class="score">{t("duel:pts", { n: s.score })}</span></li>)}
          </ol>
        </section>
      )}
      {ended && <p class="note" role="status">{endedText}</p>}
      <button class="link leave" onClick={home}>{t("duel:watch.stop")}</button>
    </div>
  );
}
