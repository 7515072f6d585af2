import { useEffect, useState } from "preact/hooks";
import type { Direction, LessonSummary, Mode } from "../../../../client-sdk";
import { CLASS_LIMITS } from "../../../../rooms/class-game/messages";
import type { Nav } from "../../app";
import { client, languageName } from "../../game";

const { rounds: ROUNDS, roundSeconds: SECONDS, lessons: LESSONS } = CLASS_LIMITS;

/** A teacher sets up a class game: language, lessons, mode, direction, rounds, round time. */
export function ClassSetup({ nav }: { nav: Nav }) {
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

  const target = languageName(nav.languages, lang);
  return (
    <form class="card class-setup" aria-labelledby="setup-title" onSubmit={create}>
      <h1 id="setup-title">Host a class game</h1>
      <p class="lead">Your screen goes on the projector; your students play on their phones with a PIN.</p>
      <label for="class-lang">Language</label>
      <select id="class-lang" value={lang} onChange={(e) => setLang(e.currentTarget.value)}>
        {nav.languages.map((l) => <option key={l.code} value={l.code}>{l.name}</option>)}
      </select>
      <Lessons lessons={lessons} picked={picked} toggle={toggle} />
      <div class="row">
        <Choice legend="Answer by" name="class-mode" value={mode} set={setMode} options={[["choice", "Picking (4 choices)"], ["typed", "Typing"]]} />
        <Choice legend="Translate" name="class-direction" value={direction} set={setDirection} options={[["en-target", `English → ${target}`], ["target-en", `${target} → English`]]} />
      </div>
      <div class="row">
        <div>
          <label for="class-rounds">Rounds ({ROUNDS.min}–{ROUNDS.max})</label>
          <input id="class-rounds" type="number" inputMode="numeric" min={ROUNDS.min} max={ROUNDS.max} required value={rounds} aria-invalid={!roundsOk} onInput={(e) => setRounds(e.currentTarget.value)} />
        </div>
        <div>
          <label for="class-seconds">Seconds per round ({SECONDS.min}–{SECONDS.max})</label>
          <input id="class-seconds" type="number" inputMode="numeric" min={SECONDS.min} max={SECONDS.max} placeholder="Default" aria-describedby="seconds-hint" aria-invalid={!secondsOk} value={seconds} onInput={(e) => setSeconds(e.currentTarget.value)} />
          <p id="seconds-hint" class="hint">Leave empty for the usual time.</p>
        </div>
      </div>
      <label class="check">
        <input type="checkbox" checked={autoAdvance} onChange={(e) => setAutoAdvance(e.currentTarget.checked)} />
        Go on to the next word by itself after each answer is shown
      </label>
      <button class="primary big" type="submit" disabled={busy || !roundsOk || !secondsOk}>{busy ? "Creating…" : "Create the game"}</button>
      <button class="link" type="button" onClick={() => nav.go({ name: "home" })}>Back</button>
    </form>
  );
}

function Lessons({ lessons, picked, toggle }: { lessons: LessonSummary[]; picked: string[]; toggle: (id: string, on: boolean) => void }) {
  return (
    <fieldset class="lessons">
      <legend>Lessons ({picked.length} chosen; none: words from every lesson)</legend>
      <div class="lesson-list">
        {lessons.map((l) => (
          <label key={l.id} class="check">
            <input type="checkbox" checked={picked.includes(l.id)} disabled={!picked.includes(l.id) && picked.length >= LESSONS.max} onChange={(e) => toggle(l.id, e.currentTarget.checked)} />
            {l.title} <span class="hint">({l.level}, {l.wordCount} words)</span>
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
