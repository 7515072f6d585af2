import { useEffect, useState } from "preact/hooks";
import type { ClassSession } from "../../../../client-sdk";
import type { Nav } from "../../app";
import { explain } from "../../errors";
import { client, rememberToken, timeZone } from "../../game";
import { Banner } from "../../ui/Banner";
import { Countdown, HostRound } from "./ClassHost";
import { HostPodium } from "./HostPodium";
import { HostReveal } from "./HostReveal";
import { count, useClass } from "./use-class";
import "./class.css";

/**
 * A class game's watch link (`/?watchclass=<PIN>`): what the projector shows, read-only — the
 * word, the reveal with how the class answered, the top five, the podium — for parents and
 * guests. No player's own line reaches a watcher (the server filters it), and no seat is taken.
 */
export function ClassWatch({ nav, pin }: { nav: Nav; pin: string }) {
  const [watch, setWatch] = useState<ClassSession | undefined>();
  const [failed, setFailed] = useState("");

  useEffect(() => {
    let live = true;
    let session: ClassSession | undefined;
    void (async () => {
      try {
        // Watching needs a token, not an account: a signed-out viewer gets a guest.
        if (!client.token) await client.signInAsGuest(`Viewer ${Math.floor(100 + Math.random() * 900)}`, { timeZone: timeZone() });
        rememberToken();
        session = await client.watchClassGame(pin);
        if (live) setWatch(session);
        else void session.leave();
      } catch (err) {
        setFailed(explain(err));
      }
    })();
    return () => {
      live = false;
      void session?.leave();
    };
  }, [pin]);

  if (failed) {
    return (
      <section class="card narrow center" role="alert">
        <h1>This class game can't be watched</h1>
        <p>{failed}</p>
        <button class="primary" onClick={() => nav.go({ name: client.token ? "home" : "start" })}>Back to LinguaLeap</button>
      </section>
    );
  }
  if (!watch) return <p class="card center" role="status">Opening the class game…</p>;
  return <Watching session={watch} pin={pin} />;
}

function Watching({ session, pin }: { session: ClassSession; pin: string }) {
  const { view, closed } = useClass(session);
  if (!view) return <p class="card center" role="status">Opening the class game…</p>;
  return (
    <div class="class-host class-watch">
      {closed && view.phase !== "podium" && <Banner kind="info">{closed.error ? explain(closed.error) : "This class game is closed."}</Banner>}
      <p class="host-meta" role="status">Watching {view.hostName}'s class game · {count(view.playerCount, "player")} · {view.watching} watching</p>
      {view.phase === "lobby" && <h1 class="host-huge center">Waiting for the teacher to start…</h1>}
      {view.phase === "countdown" && <Countdown view={view} />}
      {view.phase === "round" && <HostRound view={view} watcher />}
      {view.phase === "reveal" && <HostReveal view={view} />}
      {view.phase === "podium" && <HostPodium view={view} pin={pin} watcher />}
    </div>
  );
}
