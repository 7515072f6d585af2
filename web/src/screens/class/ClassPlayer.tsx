import { useEffect, useRef, useState } from "preact/hooks";
import type { ClassPlayerView, ClassSession, ClassView } from "../../../../client-sdk";
import type { Nav } from "../../app";
import { explain } from "../../errors";
import { capitalise, client } from "../../game";
import { translate, useT } from "../../i18n";
import { Banner } from "../../ui/Banner";
import { RoundTimer } from "../../ui/RoundTimer";
import { verdictText } from "../Duel";
import { forgetSeat } from "./class-seat";
import { useClass } from "./use-class";

/** A phone in a class game: waiting, answering each round, its own verdict, its place at the end. */
export function ClassPlayer({ nav, game }: { nav: Nav; game: ClassSession }) {
  const t = useT();
  const { view, reconnecting, closed } = useClass(game);
  const [sent, setSent] = useState("");
  /** A refused answer, explained at each render. */
  const [notice, setNotice] = useState<{ err: unknown }>();

  // A new round: nothing sent yet.
  useEffect(() => {
    setSent("");
    setNotice(undefined);
  }, [view?.round, view?.phase === "round"]);

  useEffect(() => {
    const offs = [game.on("error", (err) => setNotice({ err })), game.on("closed", forgetSeat)];
    return () => offs.forEach((off) => off());
  }, [game]);

  function submit(answer: string) {
    if (sent || !answer.trim()) return;
    setSent(answer);
    game.answer(answer).catch((err) => {
      setSent("");
      setNotice({ err });
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
        <h1 id="gone-title">{t("class:phone.out")}</h1>
        <p role="alert">{closed.error ? explain(closed.error) : t("class:closed")}</p>
        <button class="primary big" onClick={() => { history.replaceState(null, "", "/"); nav.go({ name: "class-join", pin: "" }); }}>{t("class:phone.joinAnother")}</button>
      </section>
    );
  }
  if (!view || !me) return <p class="card center" role="status">{t("class:phone.joining")}</p>;
  return (
    <div class="class-phone">
      {reconnecting && <Banner kind="info">{t("class:phone.reconnecting")}</Banner>}
      <p class="sr-only" aria-live="polite" aria-atomic="true">{say(view, me)}</p>
      <p class="me-line"><span class="name">{me.name}</span> <span class="score">{t("duel:points", { count: me.score })}</span></p>
      <Stage view={view} me={me} sent={sent} submit={submit} keyboard={nav.languages.find((l) => l.code === view.lang)?.keyboard ?? []} />
      {notice && <p class="note warn" role="alert">{explain(notice.err)}</p>}
      {view.phase === "podium" && <button class="primary big" onClick={leave}>{t("class:phone.done")}</button>}
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
  const t = useT();
  switch (view.phase) {
    case "lobby":
      return <section class="card center"><h1>{t("class:phone.in")}</h1><p class="big-text">{t("class:phone.lookUp")}</p><p class="hint">{t("class:phone.startsWhen")}</p></section>;
    case "countdown":
      return <section class="card center"><h1>{t("class:phone.getReady")}</h1><p class="big-text">{t("class:phone.firstWord")}</p></section>;
    case "round":
      return <PhoneRound view={view} answered={me.answered} sent={sent} submit={submit} keyboard={keyboard} />;
    case "reveal":
      return <PhoneReveal view={view} me={me} />;
    case "podium":
      return (
        <section class="card center" aria-labelledby="end-title">
          <h1 id="end-title">{me.rank > 0 && me.rank <= 3 ? t("class:phone.podium", { rank: me.rank }) : me.rank > 0 ? t("class:phone.finished", { rank: me.rank }) : t("class:phone.finishedUnranked")}</h1>
          <p class="big-text">{t("duel:points", { count: me.score })} · {t("xpGain", { n: me.xp })}</p>
          <p class="hint">{t("class:phone.wellPlayed")}</p>
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
  const t = useT();
  const done = answered || !!sent;
  const answerLang = view.direction === "en-target" ? view.lang : "en";
  return (
    <section class="card phone-round" aria-labelledby="phone-prompt">
      <p class="meta">{t("duel:round", { round: view.round, total: view.totalRounds })}</p>
      <h1 id="phone-prompt" class="prompt" lang={view.direction === "en-target" ? "en" : view.lang}>{view.prompt}</h1>
      {view.paused ? <p class="paused" role="status">{t("class:phone.paused")}</p> : <RoundTimer key={`${view.round}-${view.phaseEndsAt}`} round={view.round} roundEndsAt={view.phaseEndsAt} roundMs={view.roundMs} />}
      {view.mode === "choice" && (
        <div class="phone-choices" role="group" aria-label={t("duel:choices")}>
          {view.choices.map((c, i) => (
            <button key={c} class={`tile t${i + 1}${sent === c ? " picked" : ""}`} disabled={done || view.paused} onClick={() => submit(c)} lang={answerLang}>
              <span class="mark" aria-hidden="true">{i + 1}</span>{c}
            </button>
          ))}
        </div>
      )}
      {view.mode === "typed" && (
        <form class="typed" onSubmit={(e) => { e.preventDefault(); submit(typed); }}>
          <label for="class-answer">{t("duel:yourTranslation")}</label>
          <div class="inline">
            <input id="class-answer" ref={field} value={typed} lang={answerLang} maxLength={100} autoComplete="off" autoCapitalize="off" spellcheck={false} disabled={done} onInput={(e) => setTyped(e.currentTarget.value)} />
            <button class="primary" type="submit" disabled={done || view.paused || !typed.trim()}>{t("duel:send")}</button>
          </div>
          {answerLang !== "en" && keyboard.length > 0 && (
            <div class="accents" role="group" aria-label={t("duel:accents")}>
              {keyboard.map((ch) => <button key={ch} type="button" class="accent" disabled={done} aria-label={t("duel:insert", { letter: ch })} onClick={() => setTyped(insert(field.current, ch))}>{ch}</button>)}
            </div>
          )}
        </form>
      )}
      <p class="sent" role="status" aria-live="polite">{done ? (sent ? t("class:phone.sent", { answer: sent }) : t("class:phone.sentHidden")) : ""}</p>
    </section>
  );
}

function PhoneReveal({ view, me }: { view: ClassView; me: ClassPlayerView }) {
  const t = useT();
  const verdict = me.lastVerdict || "none";
  const headline = verdict === "correct" ? t("class:phone.right") : verdict === "almost" ? t("class:phone.almost") : verdict === "wrong" ? t("class:phone.wrong") : t("class:phone.none");
  return (
    <section class={`card center phone-reveal verdict-card ${verdict}`} >
      <h1>{headline}</h1>
      <p>{verdict === "almost" ? capitalise(verdictText(verdict, me.lastReason, view.reveal)) : t("class:phone.theAnswer", { answer: view.reveal })}</p>
      <p class="big-text">{t("class:phone.plusPoints", { count: me.lastPoints })}</p>
      <p>{me.rank > 0 ? t("class:phone.rankOf", { rank: me.rank, total: view.playerCount }) : ""}{me.streak > 1 ? ` · ${t("duel:status.streak", { n: me.streak })}` : ""}</p>
    </section>
  );
}

/** What a screen reader hears when the phase or the round changes. */
function say(view: ClassView, me: ClassPlayerView): string {
  if (view.phase === "round") return translate("class:say.phoneRound", { round: view.round, total: view.totalRounds, prompt: view.prompt });
  if (view.phase === "reveal") return translate("class:say.phoneReveal", { verdict: verdictText(me.lastVerdict || "none", me.lastReason, view.reveal), answer: view.reveal, count: me.lastPoints, rank: me.rank });
  if (view.phase === "podium") return translate("class:say.phonePodium", { rank: me.rank, xp: me.xp });
  return view.phase === "countdown" ? translate("class:say.countdown") : translate("class:say.phoneLobby");
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
