import { useEffect, useState } from "preact/hooks";
import type { Nav } from "../app";
import { client, languageName, rememberToken, signOut, timeZone, type Profile } from "../game";

/** XP, level, streak, ratings, words to review; a guest can keep it all by creating an account. */
export function ProfileScreen({ nav }: { nav: Nav }) {
  const [profile, setProfile] = useState<Profile>();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");

  useEffect(() => {
    client.me().then(setProfile, nav.fail);
  }, []);

  async function upgrade(e: Event) {
    e.preventDefault();
    try {
      await client.register(username, password, { timeZone: timeZone() });
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

  if (!profile) return <p class="card center" role="status">Loading your profile…</p>;
  const ratings = Object.entries(profile.ratings);
  const words = profile.review.filter((w) => w.lang === nav.prefs.lang).slice(0, 10);
  return (
    <div class="stack">
      <section class="card" aria-labelledby="profile-title">
        <h1 id="profile-title">{profile.user.name}</h1>
        <dl class="stats">
          <div><dt>XP</dt><dd>{profile.xp}</dd></div>
          <div><dt>Level</dt><dd>{profile.level}</dd></div>
          <div><dt>Daily streak</dt><dd>{profile.streak} {profile.streak === 1 ? "day" : "days"}</dd></div>
          <div><dt>Duels won</dt><dd>{profile.wins} of {profile.duels}</dd></div>
        </dl>
        {profile.pendingXp > 0 && <p class="hint">{profile.pendingXp} XP are still being saved.</p>}
        <h2>Ratings</h2>
        {ratings.length === 0 ? (
          <p class="hint">Play a duel against another learner to get a rating.</p>
        ) : (
          <ul class="ratings">
            {ratings.map(([lang, r]) => <li key={lang}><span>{languageName(nav.languages, lang)}</span> <strong>{r}</strong></li>)}
          </ul>
        )}
      </section>
      <section class="card" aria-labelledby="review-title">
        <h2 id="review-title">Words to review ({languageName(nav.languages, nav.prefs.lang)})</h2>
        {words.length === 0 ? (
          <p class="hint">No missed words yet in this language.</p>
        ) : (
          <>
            <ul class="review">
              {words.map((w) => <li key={w.prompt}><span>{w.prompt}</span> <span class="hint">missed {w.missed} of {w.seen}</span></li>)}
            </ul>
            <button class="secondary" onClick={review}>Practise these words</button>
          </>
        )}
      </section>
      {profile.user.guest && (
        <section class="card" aria-labelledby="keep-title">
          <h2 id="keep-title">Keep your progress</h2>
          <p>You are playing as a guest. Create an account to sign in from anywhere; your XP and ratings come with you.</p>
          <form onSubmit={upgrade}>
            <label for="new-username">Username</label>
            <input id="new-username" value={username} required minLength={3} maxLength={24} pattern="[A-Za-z0-9_]{3,24}" autoComplete="username" onInput={(e) => setUsername(e.currentTarget.value)} />
            <label for="new-password">Password</label>
            <input id="new-password" type="password" value={password} required minLength={8} maxLength={128} autoComplete="new-password" onInput={(e) => setPassword(e.currentTarget.value)} />
            <button class="primary" type="submit">Create account</button>
          </form>
        </section>
      )}
      <button class="link" onClick={() => { signOut(); nav.go({ name: "start" }); }}>Sign out</button>
    </div>
  );
}
