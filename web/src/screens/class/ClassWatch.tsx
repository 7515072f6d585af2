import { useEffect, useState } from "preact/hooks";
import type { ClassSession } from "../../../../client-sdk";
import type { Nav } from "../../app";
import { explain } from "../../errors";
import { client, rememberToken, timeZone } from "../../game";
import { uiLanguage, useT } from "../../i18n";
import { Banner } from "../../ui/Banner";
import { Countdown, HostRound } from "./ClassHost";
import { HostPodium } from "./HostPodium";
import { HostReveal } from "./HostReveal";
import { useClass } from "./use-class";
import "./class.css";

/**
 * A class game's watch link (`/?watchclass=<PIN>`): what the projector shows, read-only — the
 * word, the reveal with how the class answered, the top five, the podium — for parents and
 * guests. No player's own line reaches a watcher (the server filters it), and no seat is taken.
 */
export function ClassWatch({ nav, pin }: { nav: Nav; pin: string }) {
  const t = useT();
  const [watch, setWatch] = useState<ClassSession | undefined>();
  /** Why watching failed, explained at each render. */
  const [failed, setFailed] = useState<{ err: unknown }>();

  useEffect(() => {
    let live = true;
    let session: ClassSession | undefined;
    void (async () => {
      try {
        // Watching needs a token, not an account: a signed-out viewer gets a guest.
        if (!client.token) await client.signInAsGuest(t("duel:watch.viewerName", { n: Math.floor(100 + Math.random() * 900) }), { timeZone: timeZone(), uiLang: uiLanguage() });
        rememberToken();
        session = await client.watchClassGame(pin);
        if (live) setWatch(session);
        else void session.leave();
      } catch (err) {
        setFailed({ err });
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
        <h1>{t("class:watch.unwatchable")}</h1>
        <p>{explain(failed.err)}</p>
        <button class="primary" onClick={() => nav.go({ name: client.token ? "home" : "start" })}>{t("class:backHome")}</button>
      </section>
    );
  }
  if (!watch) return <p class="card center" role="status">{t("class:opening")}</p>;
  return <Watching session={watch} pin={pin} />;
}

function Watching({ session, pin }: { session: ClassSession; pin: string }) {
  const t = useT();
  const { view, closed } = useClass(session);
  if (!view) return <p class="card center" role="status">{t("class:opening")}</p>;
  return (
    <div class="class-host class-watch">
      {closed && view.phase !== "podium" && <Banner kind="info">{closed.error ? explain(closed.error) : t("class:closed")}</Banner>}
      <p class="host-meta" role="status">{t("class:watch.watching", { host: view.hostName })} · {t("class:players", { count: view.playerCount })} · {t("duel:watching", { count: view.watching })}</p>
      {view.phase === "lobby" && <h1 class="host-huge center">{t("class:watch.waitingTeacher")}</h1>}
      {view.phase === "countdown" && <Countdown view={view} />}
      {view.phase === "round" && <HostRound view={view} watcher />}
      {view.phase === "reveal" && <HostReveal view={view} />}
      {view.phase === "podium" && <HostPodium view={view} pin={pin} watcher />}
    </div>
  );
}
