import { useEffect, useRef, useState } from "preact/hooks";
import type { ClassPlayerView, ClassSession, ClassView } from "../../../../client-sdk";
import type { Nav } from "../../app";
import { explain } from "../../errors";
import { client } from "../../game";
import { Banner } from "../../ui/Banner";
import { RoundTimer } from "../../ui/RoundTimer";
import { verdictText } from "../Duel";
import { forgetSeat } from "./class-seat";
import { useClass } from "./use-class";

/** A phone in a class game: waiting, answering each round, its own verdict, its place at the end. */
export function ClassPlayer({ nav, game }: { nav: Nav; game: ClassSession }) {
  const { view, reconnecting, closed } = useClass(game);
  const [sent, setSent] = useState("");
  const [notice, setNotice] = useState("");

  // A new round: nothing sent yet.
  useEffect(() => {
    setSent("");
    setNotice("");
  }, [view?.round, view?.phase === "round"]);

  useEffect(() => {
    const offs = [game.on("error", (e) => setNotice(explain(e))), game.on("closed", forgetSeat)];
    return () => offs.forEach((off) => off());
  }, [game]);

  function submit(answer: string) {
    if (sent || !answer.trim()) return;
    setSent(answer);
    game.answer(answer).catch((err) => {
      setSent("");
      setNotice(explain(err));
    });
  }

  const leave = () => {
    forgetSeat();
    void game.leave();
    history.replaceState(null, "", "/");
    nav.go(client.token ? { name: "home" } : { name: "start" });
  };
  const me = game.me;
  if (closed && view?.phase !== "podium") {
    return (
      <section class="card narrow center class-phone" aria-labelledby="gone-title">
        <h1 id="gone-title">You're out of this game</h1>
        <p role="alert">{closed.error ? explain(closed.error) : "This class game is closed."}</p>
        <button class="primary big" onClick={() => { history.replaceState(null, "", "/"); nav.go({ name: "class-join", pin: "" }); }}>Join another game</button>
      </section>
    );
  }
  if (!view || !me) return <p class="card center" role="status">Joining the class game…</p>;
  return (
    <div class="class-phone">
      {reconnecting && <Banner kind="info">Connection lost — reconnecting… Your place is kept.</Banner>}
      <p class="sr-only" aria-live="polite" aria-atomic="true">{say(view, me)}</p>
      <p class="me-line"><span class="name">{me.name}</span> <span class="score">{me.score} points</span></p>
      <Stage view={view} me={me} sent={sent} submit={submit} keyboard={nav.languages.find((l) => l.code === view.lang)?.keyboard ?? []} />
      {notice && <p class="note warn" role="alert">{notice}</p>}
      {view.phase === "podium" && <button class="primary big" onClick={leave}>Done</button>}
    </div>
  );
}

interface StageProps {
  view: ClassView;
  me: ClassPlayerView;
  sent: string;
  submit: (answer: string) => void;
  /** The target language's accented letters (buttons under a typed answer). */
  keyboard: string[];
}

function Stage({ view, me, sent, submit, keyboard }: StageProps) {
  switch (view.phase) {
    case "lobby":
      return <section class="card center"><h1>You're in!</h1><p class="big-text">Look at the big screen.</p><p class="hint">The game starts when your teacher says so.</p></section>;
    case "countdown":
      return <section class="card center"><h1>Get ready!</h1><p class="big-text">The first word is coming.</p></section>;
    case "round":
      return <PhoneRound view={view} answered={me.answered} sent={sent} submit={submit} keyboard={keyboard} />;
    case "reveal":
      return <PhoneReveal view={view} me={me} />;
    case "podium":
      return (
        <section class="card center" aria-labelledby="end-title">
          <h1 id="end-title">{me.rank > 0 && me.rank <= 3 ? `You're on the podium: #${me.rank}!` : `You finished #${me.rank || "–"}`}</h1>
          <p class="big-text">{me.score} points · +{me.xp} XP</p>
          <p class="hint">Well played! Look at the big screen for the podium.</p>
        </section>
      );
  }
}

function PhoneRound({ view, answered, sent, submit, keyboard }: Omit<StageProps, "me"> & { answered: boolean }) {
  const [typed, setTyped] = useState("");
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    setTyped("");
    field.current?.focus();
  }, [view.round]);
  const done = answered || !!sent;
  const answerLang = view.direction === "en-target" ? view.lang : "en";
  return (
    <section class="card phone-round" aria-labelledby="phone-prompt">
      <p class="meta">Round {view.round} of {view.totalRounds}</p>
      <h1 id="phone-prompt" class="prompt" lang={view.direction === "en-target" ? "en" : view.lang}>{view.prompt}</h1>
      {view.paused ? <p class="paused" role="status">Paused by your teacher</p> : <RoundTimer key={`${view.round}-${view.phaseEndsAt}`} round={view.round} roundEndsAt={view.phaseEndsAt} roundMs={view.roundMs} />}
      {view.mode === "choice" && (
        <div class="phone-choices" role="group" aria-label="Choices">
          {view.choices.map((c, i) => (
            <button key={c} class={`tile t${i + 1}${sent === c ? " picked" : ""}`} disabled={done || view.paused} onClick={() => submit(c)} lang={answerLang}>
              <span class="mark" aria-hidden="true">{i + 1}</span>{c}
            </button>
          ))}
        </div>
      )}
      {view.mode === "typed" && (
        <form class="typed" onSubmit={(e) => { e.preventDefault(); submit(typed); }}>
          <label for="class-answer">Your translation</label>
          <div class="inline">
            <input id="class-answer" ref={field} value={typed} lang={answerLang} maxLength={100} autoComplete="off" autoCapitalize="off" spellcheck={false} disabled={done} onInput={(e) => setTyped(e.currentTarget.value)} />
            <button class="primary" type="submit" disabled={done || view.paused || !typed.trim()}>Send</button>
          </div>
          {answerLang !== "en" && keyboard.length > 0 && (
            <div class="accents" role="group" aria-label="Accented letters">
              {keyboard.map((ch) => <button key={ch} type="button" class="accent" disabled={done} aria-label={`Insert ${ch}`} onClick={() => setTyped(insert(field.current, ch))}>{ch}</button>)}
            </div>
          )}
        </form>
      )}
      <p class="sent" role="status" aria-live="polite">{done ? `Answer sent${sent ? `: ${sent}` : ""}. Look at the big screen!` : ""}</p>
    </section>
  );
}

function PhoneReveal({ view, me }: { view: ClassView; me: ClassPlayerView }) {
  const verdict = me.lastVerdict || "none";
  const headline = verdict === "correct" ? "Right!" : verdict === "almost" ? "Almost!" : verdict === "wrong" ? "Not this time" : "No answer";
  return (
    <section class={`card center phone-reveal verdict-card ${verdict}`} >
      <h1>{headline}</h1>
      <p>{verdict === "almost" ? capital(verdictText(verdict, me.lastReason, view.reveal)) : `The answer: ${view.reveal}`}</p>
      <p class="big-text">+{me.lastPoints} points</p>
      <p>{me.rank > 0 ? `You're #${me.rank} of ${view.playerCount}` : ""}{me.streak > 1 ? ` · streak ${me.streak}` : ""}</p>
    </section>
  );
}

/** What a screen reader hears when the phase or the round changes. */
function say(view: ClassView, me: ClassPlayerView): string {
  if (view.phase === "round") return `Round ${view.round} of ${view.totalRounds}. Translate: ${view.prompt}`;
  if (view.phase === "reveal") return `${verdictText(me.lastVerdict || "none", me.lastReason, view.reveal)}. The answer: ${view.reveal}. ${me.lastPoints} points. You are number ${me.rank}.`;
  if (view.phase === "podium") return `The game is over. You finished number ${me.rank} with ${me.xp} XP.`;
  return view.phase === "countdown" ? "Get ready: the first word is coming." : "You're in. Look at the big screen.";
}

/** The field's text with `ch` at the caret; the caret after it, the focus back in the field. */
function insert(field: HTMLInputElement | null, ch: string): string {
  if (!field) return ch;
  const start = field.selectionStart ?? field.value.length;
  const value = field.value.slice(0, start) + ch + field.value.slice(field.selectionEnd ?? start);
  field.value = value;
  field.focus();
  field.setSelectionRange(start + ch.length, start + ch.length);
  return value;
}

function capital(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}
