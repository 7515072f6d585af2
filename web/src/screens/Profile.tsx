import { useEffect, useState } from "preact/hooks";
import type { Nav } from "../app";
import { client, languageLabel, languageName, rememberToken, signOut, timeZone, type Profile } from "../game";
import { formatNumber, uiLanguage, useT } from "../i18n";
import { LanguagePicker } from "../ui/LanguagePicker";

/** XP, level, streak, ratings, words to review; a guest can keep it all by creating an account. */
export function ProfileScreen({ nav }: { nav: Nav }) {
  const t = useT();
  const [profile, setProfile] = useState<Profile>();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");

  useEffect(() => {
    client.me().then(setProfile, nav.fail);
  }, []);

  async function upgrade(e: Event) {
    e.preventDefault();
    try {
      await client.register(username, password, { timeZone: timeZone(), uiLang: uiLanguage() });
      rememberToken();
      setProfile(await client.me());
    } catch (err) {
      nav.fail(err);
    }
  }

  async function review() {
    try {
      const duel = await client.practice({ lang: nav.prefs.lang, mode: nav.prefs.mode, review: true });
      nav.go({ name: "duel", duel, how: { kind: "practice", review: true } });
    } catch (err) {
      nav.fail(err);
    }
  }

  if (!profile) return <p class="card center" role="status">{t("profile.loading")}</p>;
  const ratings = Object.entries(profile.ratings);
  const words = profile.review.filter((w) => w.lang === nav.prefs.lang).slice(0, 10);
  return (
    <div class="stack">
      <section class="card" aria-labelledby="profile-title">
        <h1 id="profile-title">{profile.user.name}</h1>
        <dl class="stats">
          <div><dt>{t("profile.xp")}</dt><dd>{formatNumber(profile.xp)}</dd></div>
          <div><dt>{t("profile.level")}</dt><dd>{formatNumber(profile.level)}</dd></div>
          <div><dt>{t("profile.streak")}</dt><dd>{t("profile.days", { count: profile.streak })}</dd></div>
          <div><dt>{t("profile.duelsWon")}</dt><dd>{t("profile.winsOf", { wins: profile.wins, duels: profile.duels })}</dd></div>
        </dl>
        {profile.pendingXp > 0 && <p class="hint">{t("profile.pendingXp", { count: profile.pendingXp })}</p>}
        <h2>{t("profile.ratings")}</h2>
        {ratings.length === 0 ? (
          <p class="hint">{t("profile.noRating")}</p>
        ) : (
          <ul class="ratings">
            {ratings.map(([lang, r]) => <li key={lang}><span>{languageLabel(nav.languages, lang)}</span> <strong>{r}</strong></li>)}
          </ul>
        )}
      </section>
      <section class="card" aria-labelledby="review-title">
        <h2 id="review-title">{t("profile.reviewTitle", { language: languageName(nav.languages, nav.prefs.lang) })}</h2>
        {words.length === 0 ? (
          <p class="hint">{t("profile.noMissed")}</p>
        ) : (
          <>
            <ul class="review">
              {words.map((w) => <li key={w.prompt}><span>{w.prompt}</span> <span class="hint">{t("profile.missed", { missed: w.missed, seen: w.seen })}</span></li>)}
            </ul>
            <button class="secondary" onClick={review}>{t("profile.practise")}</button>
          </>
        )}
      </section>
      <section class="card" aria-label={t("uiLanguage")}>
        <LanguagePicker />
      </section>
      {profile.user.guest && (
        <section class="card" aria-labelledby="keep-title">
          <h2 id="keep-title">{t("profile.keepTitle")}</h2>
          <p>{t("profile.keepBody")}</p>
          <form onSubmit={upgrade}>
            <label for="new-username">{t("start.username")}</label>
            <input id="new-username" value={username} required minLength={3} maxLength={24} pattern="[A-Za-z0-9_]{3,24}" autoComplete="username" onInput={(e) => setUsername(e.currentTarget.value)} />
            <label for="new-password">{t("start.password")}</label>
            <input id="new-password" type="password" value={password} required minLength={8} maxLength={128} autoComplete="new-password" onInput={(e) => setPassword(e.currentTarget.value)} />
            <button class="primary" type="submit">{t("start.createAccount")}</button>
          </form>
        </section>
      )}
      <button class="link" onClick={() => { signOut(); nav.go({ name: "start" }); }}>{t("profile.signOut")}</button>
    </div>
  );
}
