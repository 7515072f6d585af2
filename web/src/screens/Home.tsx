import { useEffect, useState } from "preact/hooks";
import type { LessonSummary } from "../../../client-sdk";
import type { DuelKind, Nav } from "../app";
import { client, directionLabel, languageLabel, type Prefs } from "../game";
import { useT } from "../i18n";
import { OfflineEntry } from "../offline/OfflineEntry";
import { useOnline } from "../offline/use-online";

const MODES: readonly Prefs["mode"][] = ["choice", "typed"];
const DIRECTIONS: readonly Prefs["direction"][] = ["en-target", "target-en"];

/** Choose a language and a mode, then a ranked duel, a friend's challenge, or practice. */
export function Home({ nav }: { nav: Nav }) {
  const t = useT();
  const { prefs, languages } = nav;
  const [lessons, setLessons] = useState<LessonSummary[]>([]);
  const [lessonId, setLessonId] = useState("");
  const [code, setCode] = useState(() => {
    const query = new URLSearchParams(location.search);
    return (query.get("challenge") ?? query.get("party") ?? "").toUpperCase();
  });
  const [working, setBusy] = useState(false);
  // Offline, the buttons that need the server wait as they do for a request under way.
  const online = useOnline();
  const busy = working || !online;
  const [name, setName] = useState(client.user?.name ?? "");
  const [due, setDue] = useState<Record<string, number>>({});
  const set = (change: Partial<Prefs>) => nav.setPrefs({ ...prefs, ...change });

  useEffect(() => {
    client.me().then(
      (p) => {
        setName(p.user.name);
        setDue(p.due?.byLang ?? {});
      },
      () => undefined,
    );
  }, []);
  const dueHere = due[prefs.lang] ?? 0;

  useEffect(() => {
    client.lessons(prefs.lang).then((l) => {
      setLessons(l);
      setLessonId(l[0]?.id ?? "");
    }, nav.fail);
  }, [prefs.lang]);

  async function start(open: () => Promise<void>) {
    setBusy(true);
    try {
      await open();
    } catch (err) {
      nav.fail(err);
    } finally {
      setBusy(false);
    }
  }

  const options = { lang: prefs.lang, mode: prefs.mode, direction: prefs.direction };
  const before = () => client.me().catch(() => undefined);
  const ranked = () =>
    start(async () => {
      const search = await client.findRankedDuel(options);
      nav.go({ name: "queue", search });
    });
  const challenge = () =>
    start(async () => {
      const { code: c, duel } = await client.createChallenge(options);
      nav.go({ name: "challenge", code: c, duel });
    });
  const party = () =>
    start(async () => {
      const { code: c, duel } = await client.createParty(options);
      nav.go({ name: "party", code: c, duel });
    });
  const join = () =>
    start(async () => {
      const profile = await before();
      // A party's code leads to its lobby (its creator starts it); a challenge's straight into the duel.
      const { party: isParty } = await client.lookupCode(code);
      const duel = await client.joinChallenge(code);
      history.replaceState(null, "", "/");
      nav.go(isParty ? { name: "party", code: code.trim().toUpperCase(), duel } : { name: "duel", duel, how: { kind: "challenge" }, before: profile });
    });
  const practise = (review: boolean) =>
    start(async () => {
      const how: DuelKind = { kind: "practice", lessonId: review ? undefined : lessonId || undefined, review };
      const duel = await client.practice({ ...options, lessonId: how.lessonId, review });
      nav.go({ name: "duel", duel, how });
    });

  return (
    <div class="stack">
      <section class="card" aria-labelledby="choose-title">
        <h1 id="choose-title">{name ? t("home.hi", { name }) : t("home.ready")}</h1>
        <fieldset>
          <legend>{t("home.language")}</legend>
          <div class="chips">
            {languages.map((l) => (
              <label key={l.code} class={l.code === prefs.lang ? "chip on" : "chip"}>
                <input type="radio" name="lang" value={l.code} checked={l.code === prefs.lang} onChange={() => set({ lang: l.code })} />
                {/* Its own name too, unless the interface already says it so ("Deutsch", not "Deutsch Deutsch"). */}
                {languageLabel(languages, l.code)} {languageLabel(languages, l.code) !== l.nativeName && <span class="native" lang={l.code}>{l.nativeName}</span>}
              </label>
            ))}
          </div>
        </fieldset>
        <div class="row">
          <fieldset>
            <legend>{t("home.answerBy")}</legend>
            <div class="chips">
              {MODES.map((m) => (
                <label key={m} class={m === prefs.mode ? "chip on" : "chip"}>
                  <input type="radio" name="mode" value={m} checked={m === prefs.mode} onChange={() => set({ mode: m })} />
                  {m === "choice" ? t("home.picking") : t("home.typing")}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset>
            <legend>{t("home.translate")}</legend>
            <div class="chips">
              {DIRECTIONS.map((d) => (
                <label key={d} class={d === prefs.direction ? "chip on" : "chip"}>
                  <input type="radio" name="direction" value={d} checked={d === prefs.direction} onChange={() => set({ direction: d })} />
                  {directionLabel(languages, d, prefs.lang)}
                </label>
              ))}
            </div>
          </fieldset>
        </div>
      </section>

      <section class="card" aria-labelledby="ranked-title">
        <h2 id="ranked-title">{t("home.rankedTitle")}</h2>
        <p>{t("home.rankedBody")}</p>
        <button class="primary big" onClick={ranked} disabled={busy}>{t("home.findDuel")}</button>
      </section>

      <section class="card" aria-labelledby="friend-title">
        <h2 id="friend-title">{t("home.friendTitle")}</h2>
        <div class="row">
          <div>
            <p>{t("home.challengeBody")}</p>
            <button class="secondary" onClick={challenge} disabled={busy}>{t("home.challenge")}</button>
            <p>{t("home.partyBody", { min: 3, max: 8 })}</p>
            <button class="secondary" onClick={party} disabled={busy}>{t("home.party")}</button>
          </div>
          <form onSubmit={(e) => { e.preventDefault(); void join(); }}>
            <label for="code">{t("home.code")}</label>
            <div class="inline">
              <input id="code" value={code} maxLength={6} autoComplete="off" autoCapitalize="characters" spellcheck={false} placeholder="K7QX2M" onInput={(e) => setCode(e.currentTarget.value.toUpperCase())} />
              <button class="secondary" type="submit" disabled={busy || code.trim().length !== 6}>{t("home.join")}</button>
            </div>
          </form>
        </div>
      </section>

      <section class="card" aria-labelledby="practice-title">
        <h2 id="practice-title">{t("home.practiceTitle")}</h2>
        <label for="lesson">{t("home.lesson")}</label>
        <div class="inline">
          <select id="lesson" value={lessonId} onChange={(e) => setLessonId(e.currentTarget.value)}>
            {lessons.map((l) => (
              <option key={l.id} value={l.id}>
                {t("home.lessonOption", { title: l.title, level: l.level, count: l.wordCount })}
              </option>
            ))}
          </select>
          <button class="secondary" onClick={() => practise(false)} disabled={busy || !lessonId}>{t("home.practise")}</button>
        </div>
        <p class="due" data-testid="due">{dueHere === 0 ? t("home.noneDue") : t("home.due", { count: dueHere })}</p>
        <button class="link" onClick={() => practise(true)} disabled={busy}>{dueHere > 0 ? t("home.reviewDue") : t("home.reviewMissed")}</button>
      </section>

      <OfflineEntry nav={nav} />

      <section class="card" aria-labelledby="class-title">
        <h2 id="class-title">{t("home.classTitle")}</h2>
        <p>{t("home.classBody")}</p>
        <div class="inline">
          <button class="secondary" onClick={() => nav.go({ name: "class-setup" })} disabled={busy}>{t("home.hostClass")}</button>
          <button class="link" onClick={() => nav.go({ name: "class-join", pin: "" })}>{t("home.joinClass")}</button>
        </div>
      </section>
    </div>
  );
}
