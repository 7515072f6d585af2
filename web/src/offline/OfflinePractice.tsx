import { useEffect, useRef, useState } from "preact/hooks";
import type { Direction, LessonPack } from "../../../client-sdk";
import type { Nav } from "../app";
import { languageName } from "../game";
import { useT } from "../i18n";
import { kept } from "./offline.service";
import { DIRECTIONS } from "../../../rooms/word-duel/messages";
import { answerOf, answerTime, holdFor, judge, PRACTICE_WORDS, practiceWords, type Judged, type PracticeWord } from "./practice.rules";
import { MAX_ANSWER_MS } from "../../../rooms/word-duel/offline.rules";
import { PracticeSummary, VerdictLine, type Played } from "./PracticeSummary";
import "./offline.css";
import { insertAt } from "../ui/insert-at";

/**
 * A kept lesson practised without the network: its words typed one by one, each judged on
 * the device by the server's own judge, with the verdict and the XP it is worth; at the end
 * the practice is saved on the device and sent when online (PracticeSummary).
 */
export function OfflinePractice({ nav, lessonId }: { nav: Nav; lessonId: string }) {
  const t = useT();
  const [pack, setPack] = useState<LessonPack | null>();
  const [direction, setDirection] = useState<Direction>(nav.prefs.direction);
  const [run, setRun] = useState<{ words: PracticeWord[]; startedAt: number; key: number }>();
  const [done, setDone] = useState<{ played: Played[]; finishedAt: number }>();

  useEffect(() => {
    kept.get(lessonId).then((l) => setPack(l?.pack ?? null), () => setPack(null));
  }, [lessonId]);

  if (pack === undefined) return <p class="card center" role="status">{t("offline:practice.loading")}</p>;
  if (pack === null) {
    return (
      <section class="card narrow center" role="alert">
        <p>{t("offline:practice.missing")}</p>
        <button class="primary" onClick={() => nav.go({ name: "offline" })}>{t("offline:practice.back")}</button>
      </section>
    );
  }
  const start = () => {
    setDone(undefined);
    setRun({ words: practiceWords(pack, direction, Math.random), startedAt: Date.now(), key: (run?.key ?? 0) + 1 });
  };
  if (done && run) return <PracticeSummary nav={nav} pack={pack} direction={direction} startedAt={run.startedAt} {...done} onAgain={start} />;
  if (run) return <Rounds key={run.key} nav={nav} pack={pack} direction={direction} words={run.words} onEnd={(played) => setDone({ played, finishedAt: Date.now() })} />;
  const target = languageName(nav.languages, pack.lang);
  return (
    <section class="card narrow" aria-labelledby="offline-setup-title">
      <h1 id="offline-setup-title">{pack.title}</h1>
      <p class="hint">{t("offline:practice.intro", { count: Math.min(pack.words.length, PRACTICE_WORDS) })}</p>
      <fieldset>
        <legend>{t("offline:practice.direction")}</legend>
        <div class="chips">
          {DIRECTIONS.map((d) => (
            <label key={d} class={d === direction ? "chip on" : "chip"}>
              <input type="radio" name="offline-direction" value={d} checked={d === direction} onChange={() => setDirection(d)} />
              {t(`offline:direction.${d}`, { lang: target })}
            </label>
          ))}
        </div>
      </fieldset>
      <button class="primary big" onClick={start}>{t("offline:practice.start")}</button>
      <button class="link" onClick={() => nav.go({ name: "offline" })}>{t("offline:practice.back")}</button>
    </section>
  );
}

/** The words one by one: answer, verdict, next; "Finish now" keeps what was answered. */
function Rounds({ nav, pack, direction, words, onEnd }: { nav: Nav; pack: LessonPack; direction: Direction; words: PracticeWord[]; onEnd: (played: Played[]) => void }) {
  const t = useT();
  const [index, setIndex] = useState(0);
  const [judged, setJudged] = useState<Judged>();
  const played = useRef<Played[]>([]);
  const next = useRef<HTMLButtonElement>(null);
  const word = words[index];
  const last = index === words.length - 1;

  useEffect(() => {
    if (judged) next.current?.focus();
  }, [judged]);

  const answered = (input: string, ms: number, result: Judged) => {
    played.current = [...played.current, { word, answer: answerOf(word, input, ms), judged: result }];
    setJudged(result);
  };
  const go = () => {
    if (last) return onEnd(played.current);
    setJudged(undefined);
    setIndex(index + 1);
  };
  const target = languageName(nav.languages, pack.lang);
  return (
    <div class="offline-practice">
      <section class="card play" aria-labelledby="prompt">
        <p class="meta">
          {t("offline:practice.progress", { n: index + 1, total: words.length })} · {t(`offline:direction.${direction}`, { lang: target })}
        </p>
        <h1 id="prompt" class="prompt" lang={direction === "en-target" ? "en" : pack.lang}>{word.question.prompt}</h1>
        {judged ? (
          <div class="offline-verdict">
            <VerdictLine judged={judged} question={word.question} />
            <button ref={next} class="primary" onClick={go}>{last ? t("offline:practice.results") : t("offline:practice.next")}</button>
          </div>
        ) : (
          <AnswerForm key={index} nav={nav} word={word} answerLang={direction === "en-target" ? pack.lang : "en"} xp={pack.xp} onAnswer={answered} />
        )}
      </section>
      <button class="link leave" onClick={() => (played.current.length > 0 ? onEnd(played.current) : nav.go({ name: "offline" }))}>
        {played.current.length > 0 ? t("offline:practice.finishNow") : t("offline:practice.leave")}
      </button>
    </div>
  );
}

/** The answer field (with the language's accented letters); a word left too long runs out of time. */
function AnswerForm({ nav, word, answerLang, xp, onAnswer }: { nav: Nav; word: PracticeWord; answerLang: string; xp: LessonPack["xp"]; onAnswer: (input: string, ms: number, judged: Judged) => void }) {
  const t = useT();
  const [typed, setTyped] = useState("");
  const [holding, setHolding] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const shownAt = useRef(Date.now());
  const taken = useRef(false);

  const take = (text: string) => {
    if (taken.current) return;
    taken.current = true;
    const { ms, timedOut } = answerTime(shownAt.current, Date.now());
    onAnswer(timedOut ? "" : text, ms, timedOut ? { verdict: "none", xp: 0 } : judge(word.question, text, xp));
  };
  useEffect(() => {
    input.current?.focus();
    const timer = setTimeout(() => take(""), MAX_ANSWER_MS);
    return () => clearTimeout(timer);
  }, []);
  const submit = (text: string) => {
    const hold = holdFor(text, Date.now() - shownAt.current);
    if (hold === 0) return take(text);
    setHolding(true);
    setTimeout(() => take(text), hold);
  };
  const keyboard = nav.languages.find((l) => l.code === answerLang)?.keyboard ?? [];
  return (
    <form class="typed" onSubmit={(e) => { e.preventDefault(); submit(typed); }}>
      <label for="offline-answer">{t("offline:practice.answerLabel")}</label>
      <div class="inline">
        <input id="offline-answer" ref={input} value={typed} lang={answerLang} maxLength={100} autoComplete="off" autoCapitalize="off" spellcheck={false} disabled={holding} onInput={(e) => setTyped(e.currentTarget.value)} />
        <button class="primary" type="submit" disabled={holding || !typed.trim()}>{t("offline:practice.check")}</button>
      </div>
      {keyboard.length > 0 && (
        <div class="accents" role="group" aria-label={t("offline:practice.accents")}>
          {keyboard.map((ch) => (
            <button key={ch} type="button" class="accent" aria-label={t("offline:practice.insert", { letter: ch })} onClick={() => insertAt(input.current, ch, setTyped)}>
              {ch}
            </button>
          ))}
        </div>
      )}
      <button type="button" class="link" disabled={holding} onClick={() => submit("")}>{t("offline:practice.skip")}</button>
    </form>
  );
}
