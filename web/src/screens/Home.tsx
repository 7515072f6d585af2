import { useEffect, useState } from "preact/hooks";
import type { LessonSummary } from "../../../client-sdk";
import type { DuelKind, Nav } from "../app";
import { client, languageName, type Prefs } from "../game";

/** Choose a language and a mode, then a ranked duel, a friend's challenge, or practice. */
export function Home({ nav }: { nav: Nav }) {
  const { prefs, languages } = nav;
  const [lessons, setLessons] = useState<LessonSummary[]>([]);
  const [lessonId, setLessonId] = useState("");
  const [code, setCode] = useState(() => {
    const query = new URLSearchParams(location.search);
    return (query.get("challenge") ?? query.get("party") ?? "").toUpperCase();
  });
  const [busy, setBusy] = useState(false);
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

  const langName = languageName(languages, prefs.lang);
  return (
    <div class="stack">
      <section class="card" aria-labelledby="choose-title">
        <h1 id="choose-title">{name ? `Hi ${name}!` : "Ready to play?"}</h1>
        <fieldset>
          <legend>Language</legend>
          <div class="chips">
            {languages.map((l) => (
              <label key={l.code} class={l.code === prefs.lang ? "chip on" : "chip"}>
                <input type="radio" name="lang" value={l.code} checked={l.code === prefs.lang} onChange={() => set({ lang: l.code })} />
                {l.name} <span class="native" lang={l.code}>{l.nativeName}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div class="row">
          <fieldset>
            <legend>Answer by</legend>
            <div class="chips">
              {(["choice", "typed"] as const).map((m) => (
                <label key={m} class={m === prefs.mode ? "chip on" : "chip"}>
                  <input type="radio" name="mode" value={m} checked={m === prefs.mode} onChange={() => set({ mode: m })} />
                  {m === "choice" ? "Picking (4 choices)" : "Typing"}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset>
            <legend>Translate</legend>
            <div class="chips">
              {(["en-target", "target-en"] as const).map((d) => (
                <label key={d} class={d === prefs.direction ? "chip on" : "chip"}>
                  <input type="radio" name="direction" value={d} checked={d === prefs.direction} onChange={() => set({ direction: d })} />
                  {d === "en-target" ? `English → ${langName}` : `${langName} → English`}
                </label>
              ))}
            </div>
          </fieldset>
        </div>
      </section>

      <section class="card" aria-labelledby="ranked-title">
        <h2 id="ranked-title">Ranked duel</h2>
        <p>Meet a learner of about your level. If nobody is around, a bot steps in after a few seconds.</p>
        <button class="primary big" onClick={ranked} disabled={busy}>Find a duel</button>
      </section>

      <section class="card" aria-labelledby="friend-title">
        <h2 id="friend-title">Play a friend</h2>
        <div class="row">
          <div>
            <p>Get a code and send it to your friend.</p>
            <button class="secondary" onClick={challenge} disabled={busy}>Create a challenge</button>
            <p>Or a party for 3 to 8 friends: you start it.</p>
            <button class="secondary" onClick={party} disabled={busy}>Play with friends</button>
          </div>
          <form onSubmit={(e) => { e.preventDefault(); void join(); }}>
            <label for="code">Friend's code</label>
            <div class="inline">
              <input id="code" value={code} maxLength={6} autoComplete="off" autoCapitalize="characters" spellcheck={false} placeholder="K7QX2M" onInput={(e) => setCode(e.currentTarget.value.toUpperCase())} />
              <button class="secondary" type="submit" disabled={busy || code.trim().length !== 6}>Join</button>
            </div>
          </form>
        </div>
      </section>

      <section class="card" aria-labelledby="practice-title">
        <h2 id="practice-title">Practise alone</h2>
        <label for="lesson">Lesson</label>
        <div class="inline">
          <select id="lesson" value={lessonId} onChange={(e) => setLessonId(e.currentTarget.value)}>
            {lessons.map((l) => (
              <option key={l.id} value={l.id}>
                {l.title} ({l.level}, {l.wordCount} words)
              </option>
            ))}
          </select>
          <button class="secondary" onClick={() => practise(false)} disabled={busy || !lessonId}>Practise</button>
        </div>
        <p class="due" data-testid="due">{dueHere === 0 ? "No words due for review" : `${dueHere} ${dueHere === 1 ? "word" : "words"} due for review`}</p>
        <button class="link" onClick={() => practise(true)} disabled={busy}>{dueHere > 0 ? "Review my due words" : "Review the words I miss most"}</button>
      </section>

      <section class="card" aria-labelledby="class-title">
        <h2 id="class-title">Class game</h2>
        <p>Teachers: put the game on the projector; the class joins on their phones with a PIN.</p>
        <div class="inline">
          <button class="secondary" onClick={() => nav.go({ name: "class-setup" })} disabled={busy}>Host a class game</button>
          <button class="link" onClick={() => nav.go({ name: "class-join", pin: "" })}>Join a class game</button>
        </div>
      </section>
    </div>
  );
}
