import { useEffect, useState } from "preact/hooks";
import type { DuelResult, DuelView, RoundResult, WatchSession } from "../../../client-sdk";
import type { Nav } from "../app";
import { client, languageName, rememberToken, timeZone } from "../game";
import { Players, Reveal } from "./Duel";

/**
 * A watch link (`/?watch=<roomId>`): a running duel or party, read-only — the players, the
 * word, the reveal, the standings at the end, and how many watch. A signed-out viewer gets a
 * guest made first (watching needs a token, not an account).
 */
export function Watch({ nav, roomId }: { nav: Nav; roomId: string }) {
  const [watch, setWatch] = useState<WatchSession | undefined>();
  const [view, setView] = useState<DuelView | undefined>();
  const [reveal, setReveal] = useState<RoundResult | undefined>();
  const [result, setResult] = useState<DuelResult | undefined>();
  const [ended, setEnded] = useState("");

  useEffect(() => {
    let session: WatchSession | undefined;
    let live = true;
    void (async () => {
      try {
        if (!client.token) await client.signInAsGuest(`Viewer ${Math.floor(100 + Math.random() * 900)}`, { timeZone: timeZone() });
        rememberToken();
        session = await client.watch(roomId);
        if (!live) return void session.leave();
        session.on("state", setView);
        session.on("round", () => setReveal(undefined));
        session.on("reveal", setReveal);
        session.on("result", setResult);
        session.on("closed", ({ error }) => setEnded(error ? "This game has ended." : "The game is over."));
        setView(session.view);
        setWatch(session);
      } catch (err) {
        nav.fail(err);
        setEnded("This game can't be watched (it may have ended).");
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
  if (!view) return <section class="card center" role="status"><p>{ended || "Opening the game…"}</p><button class="link" onClick={home}>Home</button></section>;
  const target = languageName(nav.languages, view.lang);
  const standings = result?.standings ?? [...view.players].sort((a, b) => b.score - a.score);
  return (
    <div class="duel watching">
      <p class="meta" data-testid="watching" role="status">Watching live (read-only) · {view.watching} watching</p>
      <Players players={view.players} me="" answering={view.phase === "round"} />
      {view.phase === "waiting" && <p class="card center" role="status">{view.party ? "The party has not started yet…" : "Waiting for the players…"}</p>}
      {view.phase === "countdown" && <p class="card center big-text" role="status">Get ready — the first word is coming!</p>}
      {(view.phase === "round" || view.phase === "reveal") && (
        <section class="card play" aria-labelledby="prompt">
          <p class="meta">Round {view.round} of {view.totalRounds} · {view.direction === "en-target" ? `English → ${target}` : `${target} → English`}</p>
          <h1 id="prompt" class="prompt" lang={view.direction === "en-target" ? "en" : view.lang}>{view.prompt}</h1>
          {view.mode === "choice" && view.phase === "round" && (
            <ul class="choices read-only" aria-label="Choices">
              {view.choices.map((c) => <li key={c} class="choice">{c}</li>)}
            </ul>
          )}
          {view.phase === "reveal" && reveal && <Reveal reveal={reveal} players={view.players} me="" />}
        </section>
      )}
      {view.phase === "finished" && (
        <section class="card" aria-labelledby="final-title">
          <h1 id="final-title">Final standings</h1>
          <ol class="standings">
            {standings.map((s) => <li key={s.sessionId}><span class="name">{s.name}</span><span class="score">{s.score} pts</span></li>)}
          </ol>
        </section>
      )}
      {ended && <p class="note" role="status">{ended}</p>}
      <button class="link leave" onClick={home}>Stop watching</button>
    </div>
  );
}
