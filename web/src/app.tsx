import type { ComponentChildren } from "preact";
import { useEffect, useErrorBoundary, useState } from "preact/hooks";
import type { DuelSession, RankedSearch } from "../../client-sdk";
import { client, loadPrefs, rememberToken, savePrefs, signOut, type Language, type Prefs, type Profile } from "./game";
import { explain, needsSignIn } from "./errors";
import { useT } from "./i18n";
import { followAccount } from "./ui-language";
import { Start } from "./screens/Start";
import { Home } from "./screens/Home";
import { Waiting } from "./screens/Waiting";
import { PartyLobby } from "./screens/PartyLobby";
import { Watch } from "./screens/Watch";
import { Duel, type DuelEnd } from "./screens/Duel";
import { Result } from "./screens/Result";
import { Boards } from "./screens/Boards";
import { ProfileScreen } from "./screens/Profile";
import { Leagues } from "./screens/leagues/Leagues";
import { Banner } from "./ui/Banner";
import type { ClassSession } from "../../client-sdk";
import { ClassSetup } from "./screens/class/ClassSetup";
import { ClassWatch } from "./screens/class/ClassWatch";
import { ClassHost } from "./screens/class/ClassHost";
import { ClassJoin } from "./screens/class/ClassJoin";
import { ClassPlayer } from "./screens/class/ClassPlayer";
import { ClassRejoin } from "./screens/class/ClassRejoin";
import { keptSeat, type ClassSeat } from "./screens/class/class-seat";
import { OfflineLessons } from "./offline/OfflineLessons";
import { OfflinePractice } from "./offline/OfflinePractice";
import { OfflineNotice, OnlineOnly } from "./offline/OfflineNotice";
import { SyncNews } from "./offline/SyncNews";
import { UpdateBanner } from "./pwa/UpdateBanner";

/** How a duel came about: what "play again" does. */
export type DuelKind = { kind: "ranked" } | { kind: "challenge" } | { kind: "party" } | { kind: "practice"; lessonId?: string; review?: boolean };

/** The screen on show, with what it needs. */
export type Screen =
  | { name: "start" }
  | { name: "home" }
  | { name: "queue"; search: RankedSearch }
  | { name: "challenge"; code: string; duel: DuelSession }
  | { name: "party"; code: string; duel: DuelSession }
  | { name: "watch"; roomId: string }
  | { name: "class-watch"; pin: string }
  | { name: "duel"; duel: DuelSession; how: DuelKind; before?: Profile }
  | { name: "result"; end: DuelEnd; how: DuelKind; before?: Profile }
  | { name: "class-setup" }
  | { name: "class-host"; host: ClassSession; pin: string }
  | { name: "class-join"; pin: string }
  | { name: "class-play"; game: ClassSession }
  | { name: "class-rejoin"; seat: ClassSeat }
  | { name: "boards" }
  | { name: "leagues" }
  | { name: "profile" }
  | { name: "offline" }
  | { name: "offline-practice"; lessonId: string };

/** What every screen gets: where to go next, and how to report a problem. */
export interface Nav {
  go(screen: Screen): void;
  fail(err: unknown): void;
  prefs: Prefs;
  setPrefs(p: Prefs): void;
  languages: Language[];
}

export function App() {
  const [screen, setScreen] = useState<Screen>(firstScreen);
  /** The problem on show, explained at each render (so in the language on show). */
  const [error, setError] = useState<{ err: unknown }>();
  const t = useT();
  const [languages, setLanguages] = useState<Language[]>([]);
  const [prefs, setPrefsState] = useState<Prefs>(loadPrefs());

  useEffect(() => {
    client.languages().then(setLanguages, (err) => setError({ err }));
    // A kept token may have expired or its account gone: find out now, not mid-game.
    if (client.token) client.me().then(followAccount, (err) => needsSignIn(err) && nav.fail(err));
    const onUnhandled = (e: PromiseRejectionEvent) => {
      e.preventDefault();
      setError({ err: e.reason });
    };
    window.addEventListener("unhandledrejection", onUnhandled);
    return () => window.removeEventListener("unhandledrejection", onUnhandled);
  }, []);

  const nav: Nav = {
    go(next) {
      setError(undefined);
      if (client.token) rememberToken();
      setScreen(next);
      window.scrollTo(0, 0);
    },
    fail(err) {
      setError({ err });
      if (needsSignIn(err)) {
        signOut();
        setScreen({ name: "start" });
      }
    },
    prefs,
    setPrefs(p) {
      savePrefs(p);
      setPrefsState(p);
    },
    languages,
  };

  const signedIn = client.token !== undefined && screen.name !== "start";
  const inClass = screen.name === "class-host" || screen.name === "class-play";
  const inGame = screen.name === "duel" || screen.name === "queue" || screen.name === "challenge" || screen.name === "party";
  return (
    <div class={screen.name === "class-host" ? "shell wide" : "shell"}>
      <header class="top">
        <a class="brand" href="/" onClick={(e) => { e.preventDefault(); if (!inGame && !inClass) nav.go(signedIn ? { name: "home" } : { name: "start" }); }}>
          LinguaLeap
        </a>
        {signedIn && !inGame && !inClass && (
          <nav aria-label={t("nav.label")}>
            <button class="link" aria-current={screen.name === "home" ? "page" : undefined} onClick={() => nav.go({ name: "home" })}>{t("nav.play")}</button>
            <button class="link" aria-current={screen.name === "boards" ? "page" : undefined} onClick={() => nav.go({ name: "boards" })}>{t("nav.boards")}</button>
            <button class="link" aria-current={screen.name === "leagues" ? "page" : undefined} onClick={() => nav.go({ name: "leagues" })}>{t("nav.leagues")}</button>
            <button class="link" aria-current={screen.name === "profile" ? "page" : undefined} onClick={() => nav.go({ name: "profile" })}>{t("nav.profile")}</button>
          </nav>
        )}
      </header>
      {error && <Banner kind="error" onClose={() => setError(undefined)}>{explain(error.err)}</Banner>}
      <UpdateBanner hidden={inGame || inClass} />
      <SyncNews signedIn={signedIn} />
      <main id="main">
        <Guard onReset={() => nav.go({ name: client.token ? "home" : "start" })}>{render(screen, nav)}</Guard>
      </main>
    </div>
  );
}

/** The first screen: a watch link's game (a guest is made for a signed-out viewer), else home or sign-in. */
function firstScreen(): Screen {
  const roomId = new URLSearchParams(location.search).get("watch");
  if (roomId && /^[A-Za-z0-9_-]{1,64}$/.test(roomId)) return { name: "watch", roomId };
  const watchPin = new URLSearchParams(location.search).get("watchclass");
  if (watchPin && /^[0-9]{6}$/.test(watchPin)) return { name: "class-watch", pin: watchPin };
  const seat = keptSeat();
  if (seat && client.token) return { name: "class-rejoin", seat };
  const pin = new URLSearchParams(location.search).get("class");
  if (pin !== null) return { name: "class-join", pin: /^[0-9]{6}$/.test(pin) ? pin : "" };
  return client.token ? { name: "home" } : { name: "start" };
}

/** A screen that fails to draw shows a sentence and a way out, never a blank page. */
function Guard({ children, onReset }: { children: ComponentChildren; onReset: () => void }) {
  const [error, reset] = useErrorBoundary();
  const t = useT();
  if (!error) return <>{children}</>;
  return (
    <section class="card narrow center" role="alert">
      <h1>{t("guard.title")}</h1>
      <p>{t("guard.body")}</p>
      <button class="primary" onClick={() => { reset(); onReset(); }}>{t("guard.back")}</button>
    </section>
  );
}

function render(screen: Screen, nav: Nav) {
  switch (screen.name) {
    case "start":
      return <Start nav={nav} />;
    case "home":
      return <><OfflineNotice what="home" nav={nav} /><Home nav={nav} /></>;
    case "queue":
      return <><OfflineNotice what="queue" /><Waiting nav={nav} search={screen.search} /></>;
    case "challenge":
      return <><OfflineNotice what="challenge" /><Waiting nav={nav} challenge={{ code: screen.code, duel: screen.duel }} /></>;
    case "party":
      return <><OfflineNotice what="party" /><PartyLobby nav={nav} code={screen.code} duel={screen.duel} /></>;
    case "watch":
      return <Watch nav={nav} roomId={screen.roomId} />;
    case "class-watch":
      return <ClassWatch nav={nav} pin={screen.pin} />;
    case "duel":
      return <Duel key={screen.duel.roomId} nav={nav} duel={screen.duel} onEnd={(end) => nav.go({ name: "result", end, how: screen.how, before: screen.before })} />;
    case "result":
      return <Result nav={nav} end={screen.end} how={screen.how} before={screen.before} />;
    case "class-setup":
      return <ClassSetup nav={nav} />;
    case "class-host":
      return <ClassHost nav={nav} host={screen.host} pin={screen.pin} />;
    case "class-join":
      return <ClassJoin nav={nav} pin={screen.pin} />;
    case "class-play":
      return <ClassPlayer key={screen.game.roomId} nav={nav} game={screen.game} />;
    case "class-rejoin":
      return <ClassRejoin nav={nav} seat={screen.seat} />;
    case "boards":
      return <OnlineOnly what="boards" nav={nav}><Boards nav={nav} /></OnlineOnly>;
    case "leagues":
      return <OnlineOnly what="leagues" nav={nav}><Leagues nav={nav} /></OnlineOnly>;
    case "profile":
      return <ProfileScreen nav={nav} />;
    case "offline":
      return <OfflineLessons nav={nav} />;
    case "offline-practice":
      return <OfflinePractice nav={nav} lessonId={screen.lessonId} />;
  }
}
