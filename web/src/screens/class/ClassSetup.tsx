import { useEffect, useState } from "preact/hooks";
import type { Direction, LessonSummary, Mode } from "../../../../client-sdk";
import { CLASS_LIMITS } from "../../../../rooms/class-game/messages";
import type { Nav } from "../../app";
import { client, directionLabel, languageLabel } from "../../game";
import { useT } from "../../i18n";

const { rounds: ROUNDS, roundSeconds: SECONDS, lessons: LESSONS } = CLASS_LIMITS;

/** A teacher sets up a class game: language, lessons, mode, direction, rounds, round time. */
export function ClassSetup({ nav }: { nav: Nav }) {
  const t = useT();
  const [lang, setLang] = useState(nav.prefs.lang);
  const [mode, setMode] = useState<Mode>("choice");
  const [direction, setDirection] = useState<Direction>("en-target");
  const [lessons, setLessons] = useState<LessonSummary[]>([]);
  const [picked, setPicked] = useState<string[]>([]);
  const [rounds, setRounds] = useState(String(ROUNDS.default));
  const [seconds, setSeconds] = useState("");
  const [autoAdvance, setAutoAdvance] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setPicked([]);
    client.lessons(lang).then((l) => {
      setLessons(l);
      setPicked(l[0] ? [l[0].id] : []);
    }, nav.fail);
  }, [lang]);

  const roundsOk = whole(rounds, ROUNDS.min, ROUNDS.max) !== undefined;
  const secondsOk = seconds.trim() === "" || whole(seconds, SECONDS.min, SECONDS.max) !== undefined;
  const toggle = (id: string, on: boolean) => setPicked((p) => (on ? [...p, id] : p.filter((x) => x !== id)));

  async function create(e: Event) {
    e.preventDefault();
    if (!roundsOk || !secondsOk) return;
    setBusy(true);
    try {
      const roundSeconds = whole(seconds, SECONDS.min, SECONDS.max);
      const { host, pin } = await client.createClassGame({ lang, mode, direction, lessonIds: picked, rounds: whole(rounds, ROUNDS.min, ROUNDS.max), autoAdvance, ...(roundSeconds ? { roundSeconds } : {}) });
      nav.go({ name: "class-host", host, pin });
    } catch (err) {
      nav.fail(err);
      setBusy(false);
    }
  }

  const modes: [Mode, string][] = [["choice", t("home.picking")], ["typed", t("home.typing")]];
  const directions: [Direction, string][] = [["en-target", directionLabel(nav.languages, "en-target", lang)], ["target-en", directionLabel(nav.languages, "target-en", lang)]];
  return (
    <form class="card class-setup" aria-labelledby="setup-title" onSubmit={create}>
      <h1 id="setup-title">{t("home.hostClass")}</h1>
      <p class="lead">{t("class:setup.lead")}</p>
      <label for="class-lang">{t("home.language")}</label>
      <select id="class-lang" value={lang} onChange={(e) => setLang(e.currentTarget.value)}>
        {nav.languages.map((l) => <option key={l.code} value={l.code}>{languageLabel(nav.languages, l.code)}</option>)}
      </select>
      <Lessons lessons={lessons} picked={picked} toggle={toggle} />
      <div class="row">
        <Choice legend={t("home.answerBy")} name="class-mode" value={mode} set={setMode} options={modes} />
        <Choice legend={t("home.translate")} name="class-direction" value={direction} set={setDirection} options={directions} />
      </div>
      <div class="row">
        <div>
          <label for="class-rounds">{t("class:setup.rounds", { min: ROUNDS.min, max: ROUNDS.max })}</label>
          <input id="class-rounds" type="number" inputMode="numeric" min={ROUNDS.min} max={ROUNDS.max} required value={rounds} aria-invalid={!roundsOk} onInput={(e) => setRounds(e.currentTarget.value)} />
        </div>
        <div>
          <label for="class-seconds">{t("class:setup.seconds", { min: SECONDS.min, max: SECONDS.max })}</label>
          <input id="class-seconds" type="number" inputMode="numeric" min={SECONDS.min} max={SECONDS.max} placeholder={t("class:setup.secondsDefault")} aria-describedby="seconds-hint" aria-invalid={!secondsOk} value={seconds} onInput={(e) => setSeconds(e.currentTarget.value)} />
          <p id="seconds-hint" class="hint">{t("class:setup.secondsHint")}</p>
        </div>
      </div>
      <label class="check">
        <input type="checkbox" checked={autoAdvance} onChange={(e) => setAutoAdvance(e.currentTarget.checked)} />
        {t("class:setup.autoAdvance")}
      </label>
      <button class="primary big" type="submit" disabled={busy || !roundsOk || !secondsOk}>{busy ? t("class:setup.creating") : t("class:setup.create")}</button>
      <button class="link" type="button" onClick={() => nav.go({ name: "home" })}>{t("class:setup.back")}</button>
    </form>
  );
}

function Lessons({ lessons, picked, toggle }: { lessons: LessonSummary[]; picked: string[]; toggle: (id: string, on: boolean) => void }) {
  const t = useT();
  return (
    <fieldset class="lessons">
      <legend>{t("class:setup.lessons", { count: picked.length })}</legend>
      <div class="lesson-list">
        {lessons.map((l) => (
          <label key={l.id} class="check">
            <input type="checkbox" checked={picked.includes(l.id)} disabled={!picked.includes(l.id) && picked.length >= LESSONS.max} onChange={(e) => toggle(l.id, e.currentTarget.checked)} />
            {l.title} <span class="hint">{t("class:setup.lessonDetail", { level: l.level, count: l.wordCount })}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function Choice<T extends string>({ legend, name, value, set, options }: { legend: string; name: string; value: T; set: (v: T) => void; options: [T, string][] }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div class="chips">
        {options.map(([v, text]) => (
          <label key={v} class={v === value ? "chip on" : "chip"}>
            <input type="radio" name={name} value={v} checked={v === value} onChange={() => set(v)} />
            {text}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** A whole number in [min, max] typed in a field, or undefined. */
function whole(text: string, min: number, max: number): number | undefined {
  const n = Number(text.trim());
  return text.trim() !== "" && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}
