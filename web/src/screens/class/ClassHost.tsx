import { useEffect, useState } from "preact/hooks";
import type { ClassReportMessage, ClassSession, ClassView } from "../../../../client-sdk";
import type { Nav } from "../../app";
import { explain } from "../../errors";
import { translate, useT } from "../../i18n";
import { Banner } from "../../ui/Banner";
import { RoundTimer } from "../../ui/RoundTimer";
import { HostLobby } from "./HostLobby";
import { HostReveal } from "./HostReveal";
import { HostPodium } from "./HostPodium";
import { forgetSeat, rememberSeat } from "./class-seat";
import { useClass } from "./use-class";
import "./class.css";

/** The teacher's screen for the projector: lobby, each round, each reveal, the podium and the report. */
export function ClassHost({ nav, host, pin }: { nav: Nav; host: ClassSession; pin: string }) {
  const t = useT();
  const { view, reconnecting, closed } = useClass(host);
  const [report, setReport] = useState<ClassReportMessage | undefined>();
  /** A refused command, explained at each render. */
  const [notice, setNotice] = useState<{ err: unknown }>();
  /** A command is on its way: the controls wait for it (a double click is not a second Next). */
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    // A reload of this tab comes back to this screen (ClassRejoin), until the game is left or closed.
    rememberSeat({ roomId: host.roomId, pin, role: "host" });
    const offs = [host.on("report", setReport), host.on("error", (err) => setNotice({ err })), host.on("closed", forgetSeat)];
    return () => offs.forEach((off) => off());
  }, [host]);

  /** A host command: its refusal shows on the screen. */
  const act = (command: () => Promise<void>) => {
    setNotice(undefined);
    setBusy(true);
    command().catch((err) => setNotice({ err })).finally(() => setBusy(false));
  };

  /** Back home: a host who leaves ends the game (in the lobby it closes; later the rounds played count). */
  const leave = () => {
    forgetSeat();
    void host.leave();
    nav.go({ name: "home" });
  };

  if (!view) return <p class="card center" role="status">{t("class:opening")}</p>;
  const over = view.phase === "podium";
  return (
    <div class="class-host">
      {reconnecting && <Banner kind="info">{t("class:host.reconnecting")}</Banner>}
      {closed && !over && <Banner kind="error">{closed.error ? explain(closed.error) : t("class:closed")}</Banner>}
      {notice && <Banner kind="error" onClose={() => setNotice(undefined)}>{explain(notice.err)}</Banner>}
      <p class="sr-only" aria-live="polite" aria-atomic="true">{say(view)}</p>
      {view.phase === "lobby" && <HostLobby view={view} pin={pin} onStart={() => act(() => host.start())} onRemove={(key) => act(() => host.remove(key))} onLock={(on) => act(() => host.lock(on))} onCancel={leave} />}
      {view.phase === "countdown" && <Countdown view={view} />}
      {view.phase === "round" && <HostRound view={view} />}
      {view.phase === "reveal" && <HostReveal view={view} />}
      {over && <HostPodium view={view} report={report} pin={pin} />}
      {!over && view.phase !== "lobby" && !closed && <Controls view={view} act={act} host={host} busy={busy} />}
      {(over || closed) && (
        <div class="host-controls">
          <button class="secondary" onClick={leave}>{t("class:backHome")}</button>
        </div>
      )}
    </div>
  );
}

/** What a screen reader hears when the phase or the round changes. */
function say(view: ClassView): string {
  if (view.phase === "round") return translate("class:say.round", { round: view.round, total: view.totalRounds, prompt: view.prompt });
  if (view.phase === "reveal") return translate("class:say.reveal", { round: view.round, answer: view.reveal });
  if (view.phase === "podium") return view.top[0] ? translate("class:say.podium", { name: view.top[0].name }) : translate("class:say.podiumNobody");
  return view.phase === "countdown" ? translate("class:say.countdown") : "";
}

export function Countdown({ view }: { view: ClassView }) {
  const t = useT();
  return (
    <section class="host-stage center" aria-labelledby="countdown-title">
      <p class="host-meta">{t("class:words", { count: view.totalRounds })} · {t("class:players", { count: view.playerCount })}</p>
      <h1 id="countdown-title" class="host-huge">{t("duel:countdown")}</h1>
    </section>
  );
}

/** A round on the big screen: the host's (with how many answered) or a watcher's. */
export function HostRound({ view, watcher = false }: { view: ClassView; watcher?: boolean }) {
  const t = useT();
  return (
    <section class="host-stage" aria-labelledby="host-prompt">
      <p class="host-meta">{t("duel:round", { round: view.round, total: view.totalRounds })}</p>
      <h1 id="host-prompt" class="host-prompt" lang={view.direction === "en-target" ? "en" : view.lang}>{view.prompt}</h1>
      {view.paused ? <p class="paused" role="status">{t("class:host.paused", { n: Math.ceil(view.pausedLeftMs / 1000) })}</p> : <RoundTimer key={`${view.round}-${view.phaseEndsAt}`} round={view.round} roundEndsAt={view.phaseEndsAt} roundMs={view.roundMs} />}
      {view.mode === "choice" && (
        <ol class="host-choices">
          {view.choices.map((c, i) => <li key={c} class={`tile t${i + 1}`} lang={view.direction === "en-target" ? view.lang : "en"}><span class="mark" aria-hidden="true">{i + 1}</span>{c}</li>)}
        </ol>
      )}
      {view.mode === "typed" && <p class="host-meta">{t("class:host.typeOnPhone")}</p>}
      {!watcher && <p class="answered">{t("class:host.answered", { n: view.answered, total: view.playerCount })}</p>}
    </section>
  );
}

function Controls({ view, host, act, busy }: { view: ClassView; host: ClassSession; act: (c: () => Promise<void>) => void; busy: boolean }) {
  const t = useT();
  const last = view.round >= view.totalRounds;
  const nextLabel = view.phase === "round" ? t("class:host.closeRound") : view.phase === "reveal" ? (last ? t("class:host.showPodium") : t("class:host.nextWord")) : t("class:host.next");
  return (
    <div class="host-controls" role="group" aria-label={t("class:host.controls")}>
      <button class="primary" onClick={() => act(() => host.next())} disabled={busy || view.phase === "countdown"}>{nextLabel}</button>
      {view.paused ? <button class="secondary" disabled={busy} onClick={() => act(() => host.resume())}>{t("class:host.resume")}</button> : <button class="secondary" disabled={busy} onClick={() => act(() => host.pause())}>{t("class:host.pause")}</button>}
      <label class="check">
        <input type="checkbox" checked={view.autoAdvance} onChange={(e) => act(() => host.setAutoAdvance(e.currentTarget.checked))} />
        {t("class:host.autoAdvance")}
      </label>
      <label class="check">
        <input type="checkbox" checked={view.locked} onChange={(e) => act(() => host.lock(e.currentTarget.checked))} />
        {t("class:host.lock")}
      </label>
      <button class="secondary danger" onClick={() => confirm(t("class:host.endConfirm")) && act(() => host.end())}>{t("class:host.end")}</button>
    </div>
  );
}
