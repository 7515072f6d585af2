import { useEffect, useRef, useState } from "preact/hooks";
import type { DuelResult, DuelSession, DuelView, PlayerView, RoundResult } from "../../../client-sdk";
import type { Nav } from "../app";
import { directionLabel } from "../game";
import { explain } from "../errors";
import { translate, useT } from "../i18n";
import { Banner } from "../ui/Banner";
import { RoundTimer } from "../ui/RoundTimer";
import { markers, rich } from "../ui/rich";
import { insertAt } from "../ui/insert-at";

/** How a duel ended, for the result screen. */
export interface DuelEnd {
  me: string;
  view: DuelView;
  /** The server's result; missing when the duel finished while this device was away. */
  result?: DuelResult;
}

/** The duel itself: players, the word, the answer, the countdown, the reveal. */
export function Duel({ nav, duel, onEnd }: { nav: Nav; duel: DuelSession; onEnd: (end: DuelEnd) => void }) {
  const t = useT();
  const [view, setView] = useState<DuelView | undefined>(duel.view);
  const [reveal, setReveal] = useState<RoundResult | undefined>();
  const [sent, setSent] = useState("");
  const [typed, setTyped] = useState("");
  const [reconnecting, setReconnecting] = useState(false);
  /** A refused answer, explained at each render. */
  const [notice, setNotice] = useState<{ err: unknown }>();
  /** What a screen reader hears next, said at each render (so in the language on show). */
  const [announce, setAnnounce] = useState<Announcement>();
  const [shared, setShared] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const firstChoice = useRef<HTMLButtonElement>(null);
  const ended = useRef(false);
  /** The learner chose to leave: back home, no error. */
  const leaving = useRef(false);

  useEffect(() => {
    const end = (result?: DuelResult) => {
      if (ended.current || !duel.view) return;
      ended.current = true;
      onEnd({ me: duel.sessionId, view: duel.view, result });
    };
    const offs = [
      duel.on("state", (v) => {
        setView(v);
        // Back after a drop into a duel that ended meanwhile: its result message is gone, the
        // final state says how it ended (a short wait lets a result still in flight arrive).
        if (v.phase === "finished") setTimeout(() => end(), 500);
      }),
      duel.on("round", (r) => {
        setReveal(undefined);
        setSent("");
        setTyped("");
        setNotice(undefined);
        setAnnounce({ round: r.round, prompt: r.prompt });
      }),
      duel.on("reveal", (r) => {
        setReveal(r);
        const mine = r.results[duel.sessionId];
        setAnnounce({ answer: r.answer, verdict: mine?.verdict ?? "none", reason: mine?.reason, points: mine?.points ?? 0 });
      }),
      duel.on("result", (r) => end(r)),
      duel.on("error", (err) => setNotice({ err })),
      duel.on("reconnecting", () => setReconnecting(true)),
      duel.on("reconnected", () => setReconnecting(false)),
      duel.on("closed", ({ error }) => {
        setReconnecting(false);
        if (duel.view?.phase === "finished") return end();
        if (ended.current) return;
        ended.current = true;
        if (leaving.current) return nav.go({ name: "home" });
        nav.fail(error ?? new Error("closed"));
        nav.go({ name: "home" });
      }),
    ];
    if (duel.view?.phase === "round") setAnnounce({ round: duel.view.round, prompt: duel.view.prompt });
    return () => offs.forEach((off) => off());
  }, [duel]);

  // New round: put the focus where the answer goes.
  useEffect(() => {
    if (view?.phase !== "round") return;
    if (view.mode === "typed") input.current?.focus();
    else firstChoice.current?.focus();
  }, [view?.phase, view?.round]);

  // Keys 1–4 pick a choice.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (view?.phase !== "round" || view.mode !== "choice" || e.ctrlKey || e.metaKey || e.altKey) return;
      const n = Number(e.key);
      if (n >= 1 && n <= view.choices.length) {
        e.preventDefault();
        submit(view.choices[n - 1]);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  function submit(answer: string) {
    if (sent || !answer.trim()) return;
    setSent(answer);
    duel.answer(answer).catch((err) => {
      setSent("");
      setNotice({ err });
    });
  }

  if (!view) return <p class="card center" role="status">{t("duel:joining")}</p>;
  const me = view.players.find((p) => p.sessionId === duel.sessionId);
  const answerLang = view.direction === "en-target" ? view.lang : "en";
  return (
    <div class="duel">
      {reconnecting && <Banner kind="info">{t("duel:reconnecting")}</Banner>}
      <div class="sr-only" aria-live="assertive" aria-atomic="true">{say(announce)}</div>
      <Players players={view.players} me={duel.sessionId} answering={view.phase === "round"} />
      {!view.practice && (
        <p class="meta watch-line">
          <span data-testid="watching">{t("duel:watching", { count: view.watching })}</span>
          <button class="link" onClick={() => void navigator.clipboard?.writeText(`${location.origin}/?watch=${duel.roomId}`).then(() => setShared(true), () => setShared(false))}>
            {shared ? t("duel:watchCopied") : t("duel:shareWatch")}
          </button>
        </p>
      )}
      {view.phase === "waiting" && <p class="card center" role="status">{view.practice ? t("duel:starting") : t("duel:waitingOpponent")}</p>}
      {view.phase === "countdown" && (
        <p class="card center big-text" role="status">
          {view.ranked ? t("duel:countdownRanked") : t("duel:countdown")}
        </p>
      )}
      {(view.phase === "round" || view.phase === "reveal") && (
        <section class="card play" aria-labelledby="prompt">
          <p class="meta">
            {t("duel:round", { round: view.round, total: view.totalRounds })} · {directionLabel(nav.languages, view.direction, view.lang)}
          </p>
          <h1 id="prompt" class="prompt" lang={view.direction === "en-target" ? "en" : view.lang}>{view.prompt}</h1>
          {view.phase === "round" && <RoundTimer key={view.round} round={view.round} roundEndsAt={view.phaseEndsAt} roundMs={view.roundMs} />}
          {view.phase === "round" && view.mode === "choice" && (
            <div class="choices" role="group" aria-label={t("duel:choicesKeys", { n: view.choices.length })}>
              {view.choices.map((c, i) => (
                <button key={c} ref={i === 0 ? firstChoice : undefined} class={sent === c ? "choice picked" : "choice"} disabled={!!sent || me?.answered} onClick={() => submit(c)} lang={answerLang}>
                  <kbd aria-hidden="true">{i + 1}</kbd> {c}
                </button>
              ))}
            </div>
          )}
          {view.phase === "round" && view.mode === "typed" && (
            <form class="typed" onSubmit={(e) => { e.preventDefault(); submit(typed); }}>
              <label for="answer">{t("duel:yourTranslation")}</label>
              <div class="inline">
                <input id="answer" ref={input} value={typed} lang={answerLang} maxLength={100} autoComplete="off" autoCapitalize="off" spellcheck={false} disabled={!!sent} onInput={(e) => setTyped(e.currentTarget.value)} />
                <button class="primary" type="submit" disabled={!!sent || !typed.trim()}>{t("duel:send")}</button>
              </div>
              {answerLang !== "en" && (
                <div class="accents" role="group" aria-label={t("duel:accents")}>
                  {(nav.languages.find((l) => l.code === answerLang)?.keyboard ?? []).map((ch) => (
                    <button key={ch} type="button" class="accent" disabled={!!sent} aria-label={t("duel:insert", { letter: ch })} onClick={() => { insertAt(input.current, ch, setTyped); }}>
                      {ch}
                    </button>
                  ))}
                </div>
              )}
            </form>
          )}
          {view.phase === "round" && (sent || me?.answered) && <p class="note" role="status">{sent ? t("duel:sent", { answer: sent }) : t("duel:sentHidden")}</p>}
          {view.phase === "reveal" && reveal && <Reveal reveal={reveal} players={view.players} me={duel.sessionId} />}
          {notice && <p class="note warn" role="alert">{explain(notice.err)}</p>}
        </section>
      )}
      <button
        class="link leave"
        onClick={() => {
          if (!view.practice && !confirm(t("duel:leaveConfirm"))) return;
          leaving.current = true;
          void duel.leave();
        }}
      >
        {view.practice ? t("duel:leavePractice") : t("duel:leaveDuel")}
      </button>
    </div>
  );
}

/** A new round, or a round's answer and how the learner did. */
type Announcement = { round: number; prompt: string } | { answer: string; verdict: string; reason?: string; points: number };

function say(a: Announcement | undefined): string {
  if (!a) return "";
  if ("prompt" in a) return translate("duel:announceRound", { round: a.round, prompt: a.prompt });
  return translate("duel:announceReveal", { answer: a.answer, verdict: verdictText(a.verdict, a.reason, a.answer), count: a.points });
}

export function Players({ players, me, answering }: { players: PlayerView[]; me: string; answering: boolean }) {
  const t = useT();
  return (
    <ul class="players" aria-label={t("duel:players")}>
      {players.map((p) => (
        <li key={p.sessionId} class={p.sessionId === me ? "player me" : "player"}>
          <span class="name">
            {p.name}
            {p.sessionId === me && <span class="tag">{t("tagYou")}</span>}
            {p.isBot && <span class="tag">{t("duel:tagBot")}</span>}
          </span>
          <span class="score" aria-label={t("duel:points", { count: p.score })}>{p.score}</span>
          <span class="status">{status(p, answering)}</span>
        </li>
      ))}
    </ul>
  );
}

function status(p: PlayerView, answering: boolean): string {
  if (p.forfeited) return translate("duel:status.left");
  if (!p.connected) return translate("duel:status.reconnecting");
  if (answering) return p.answered ? translate("duel:status.answered") : translate("duel:status.thinking");
  return p.streak > 1 ? translate("duel:status.streak", { n: p.streak }) : translate("duel:status.connected");
}

export function Reveal({ reveal, players, me }: { reveal: RoundResult; players: PlayerView[]; me: string }) {
  const t = useT();
  const others = reveal.accepted.slice(1); // the SDK lists the main answer first
  return (
    <div class="reveal">
      <p class="answer">
        {rich(t("duel:answer", markers("answer")), { answer: <strong>{reveal.answer}</strong> })}
        {others.length > 0 && <span class="also"> {t("duel:also", { answers: others })}</span>}
      </p>
      <ul>
        {players.map((p) => {
          const r = reveal.results[p.sessionId];
          if (!r) return null;
          return (
            <li key={p.sessionId} class={`verdict ${r.verdict}`}>
              <span>{p.sessionId === me ? t("duel:you") : p.name}</span>
              <span>{r.answer && r.verdict !== "correct" ? t("duel:verdictGiven", { verdict: verdictText(r.verdict, r.reason, reveal.answer), answer: r.answer }) : verdictText(r.verdict, r.reason, reveal.answer)}</span>
              <span>+{r.points}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** A verdict in words; `answer` (the right one) says what to mind for an article that disagreed. */
export function verdictText(verdict: string, reason?: string, answer?: string): string {
  if (verdict === "correct") return translate("duel:verdict.right");
  if (verdict === "almost" && reason === "article") return answer ? translate("duel:verdict.article", { answer }) : translate("duel:verdict.articleBare");
  if (verdict === "almost") return reason === "accent" ? translate("duel:verdict.accent") : translate("duel:verdict.typo");
  if (verdict === "wrong") return translate("duel:verdict.wrong");
  return translate("duel:verdict.none");
}
