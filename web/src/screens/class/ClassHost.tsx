import { useEffect, useState } from "preact/hooks";
import type { ClassReportMessage, ClassSession, ClassView } from "../../../../client-sdk";
import type { Nav } from "../../app";
import { explain } from "../../errors";
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
  const { view, reconnecting, closed } = useClass(host);
  const [report, setReport] = useState<ClassReportMessage | undefined>();
  const [notice, setNotice] = useState("");
  /** A command is on its way: the controls wait for it (a double click is not a second Next). */
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    // A reload of this tab comes back to this screen (ClassRejoin), until the game is left or closed.
    rememberSeat({ roomId: host.roomId, pin, role: "host" });
    const offs = [host.on("report", setReport), host.on("error", (e) => setNotice(explain(e))), host.on("closed", forgetSeat)];
    return () => offs.forEach((off) => off());
  }, [host]);

  /** A host command: its refusal shows on the screen. */
  const act = (command: () => Promise<void>) => {
    setNotice("");
    setBusy(true);
    command().catch((err) => setNotice(explain(err))).finally(() => setBusy(false));
  };

  /** Back home: a host who leaves ends the game (in the lobby it closes; later the rounds played count). */
  const leave = () => {
    forgetSeat();
    void host.leave();
    nav.go({ name: "home" });
  };

  if (!view) return <p class="card center" role="status">Opening the class game…</p>;
  const over = view.phase === "podium";
  return (
    <div class="class-host">
      {reconnecting && <Banner kind="info">Connection lost — reconnecting… The game waits for you.</Banner>}
      {closed && !over && <Banner kind="error">{closed.error ? explain(closed.error) : "This class game is closed."}</Banner>}
      {notice && <Banner kind="error" onClose={() => setNotice("")}>{notice}</Banner>}
      <p class="sr-only" aria-live="polite" aria-atomic="true">{say(view)}</p>
      {view.phase === "lobby" && <HostLobby view={view} pin={pin} onStart={() => act(() => host.start())} onRemove={(key) => act(() => host.remove(key))} onLock={(on) => act(() => host.lock(on))} onCancel={leave} />}
      {view.phase === "countdown" && <Countdown view={view} />}
      {view.phase === "round" && <HostRound view={view} />}
      {view.phase === "reveal" && <HostReveal view={view} />}
      {over && <HostPodium view={view} report={report} pin={pin} />}
      {!over && view.phase !== "lobby" && !closed && <Controls view={view} act={act} host={host} busy={busy} />}
      {(over || closed) && (
        <div class="host-controls">
          <button class="secondary" onClick={leave}>Back to LinguaLeap</button>
        </div>
      )}
    </div>
  );
}

/** What a screen reader hears when the phase or the round changes. */
function say(view: ClassView): string {
  if (view.phase === "round") return `Round ${view.round} of ${view.totalRounds}: ${view.prompt}`;
  if (view.phase === "reveal") return `Round ${view.round}: the answer is ${view.reveal}.`;
  if (view.phase === "podium") return `The game is over. First: ${view.top[0]?.name ?? "nobody"}.`;
  return view.phase === "countdown" ? "Get ready: the first word is coming." : "";
}

export function Countdown({ view }: { view: ClassView }) {
  return (
    <section class="host-stage center" aria-labelledby="countdown-title">
      <p class="host-meta">{view.totalRounds} words · {view.playerCount} players</p>
      <h1 id="countdown-title" class="host-huge">Get ready — the first word is coming!</h1>
    </section>
  );
}

/** A round on the big screen: the host's (with how many answered) or a watcher's. */
export function HostRound({ view, watcher = false }: { view: ClassView; watcher?: boolean }) {
  return (
    <section class="host-stage" aria-labelledby="host-prompt">
      <p class="host-meta">Round {view.round} of {view.totalRounds}</p>
      <h1 id="host-prompt" class="host-prompt" lang={view.direction === "en-target" ? "en" : view.lang}>{view.prompt}</h1>
      {view.paused ? <p class="paused" role="status">Paused — {Math.ceil(view.pausedLeftMs / 1000)} s left</p> : <RoundTimer key={`${view.round}-${view.phaseEndsAt}`} round={view.round} roundEndsAt={view.phaseEndsAt} roundMs={view.roundMs} />}
      {view.mode === "choice" && (
        <ol class="host-choices">
          {view.choices.map((c, i) => <li key={c} class={`tile t${i + 1}`} lang={view.direction === "en-target" ? view.lang : "en"}><span class="mark" aria-hidden="true">{i + 1}</span>{c}</li>)}
        </ol>
      )}
      {view.mode === "typed" && <p class="host-meta">Type the translation on your phone.</p>}
      {!watcher && <p class="answered">{view.answered} of {view.playerCount} answered</p>}
    </section>
  );
}

function Controls({ view, host, act, busy }: { view: ClassView; host: ClassSession; act: (c: () => Promise<void>) => void; busy: boolean }) {
  const last = view.round >= view.totalRounds;
  const nextLabel = view.phase === "round" ? "Close the round" : view.phase === "reveal" ? (last ? "Show the podium" : "Next word") : "Next";
  return (
    <div class="host-controls" role="group" aria-label="Game controls">
      <button class="primary" onClick={() => act(() => host.next())} disabled={busy || view.phase === "countdown"}>{nextLabel}</button>
      {view.paused ? <button class="secondary" disabled={busy} onClick={() => act(() => host.resume())}>Resume</button> : <button class="secondary" disabled={busy} onClick={() => act(() => host.pause())}>Pause</button>}
      <label class="check">
        <input type="checkbox" checked={view.autoAdvance} onChange={(e) => act(() => host.setAutoAdvance(e.currentTarget.checked))} />
        Next word by itself
      </label>
      <label class="check">
        <input type="checkbox" checked={view.locked} onChange={(e) => act(() => host.lock(e.currentTarget.checked))} />
        Lock (no new players)
      </label>
      <button class="secondary danger" onClick={() => confirm("End the game now? The rounds played so far count.") && act(() => host.end())}>End game</button>
    </div>
  );
}
