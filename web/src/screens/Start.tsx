import { useState } from "preact/hooks";
import type { Nav } from "../app";
import { client, timeZone } from "../game";

type Tab = "guest" | "login" | "register";

/** Sign-in: a guest in one click, or an account. */
export function Start({ nav }: { nav: Nav }) {
  const [tab, setTab] = useState<Tab>("guest");
  const [name, setName] = useState(() => `Learner ${Math.floor(100 + Math.random() * 900)}`);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    try {
      await action();
      nav.go({ name: "home" });
    } catch (err) {
      nav.fail(err);
    } finally {
      setBusy(false);
    }
  }

  const tabs: [Tab, string][] = [["guest", "Play as guest"], ["login", "Sign in"], ["register", "Create account"]];
  return (
    <section class="card narrow" aria-labelledby="start-title">
      <h1 id="start-title">Word duels for language learners</h1>
      <p class="lead">Race a friend — or a learner anywhere — to translate ten words. Fast and right wins.</p>
      <div class="tabs" role="tablist" aria-label="How to start">
        {tabs.map(([id, label]) => (
          <button key={id} role="tab" id={`tab-${id}`} aria-selected={tab === id} aria-controls={`panel-${id}`} class={tab === id ? "tab active" : "tab"} onClick={() => setTab(id)}>
            {label}
          </button>
        ))}
      </div>
      {tab === "guest" && (
        <form id="panel-guest" role="tabpanel" aria-labelledby="tab-guest" onSubmit={(e) => { e.preventDefault(); void run(() => client.signInAsGuest(name.trim() || "Learner", { timeZone: timeZone() })); }}>
          <label for="guest-name">Your name</label>
          <input id="guest-name" value={name} maxLength={24} autoComplete="nickname" onInput={(e) => setName(e.currentTarget.value)} />
          <button class="primary big" type="submit" disabled={busy}>Play now</button>
          <p class="hint">No account needed. You can create one later and keep your progress.</p>
        </form>
      )}
      {tab !== "guest" && (
        <form
          id={`panel-${tab}`}
          role="tabpanel"
          aria-labelledby={`tab-${tab}`}
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => (tab === "login" ? client.login(username, password) : client.register(username, password, { timeZone: timeZone() })));
          }}
        >
          <label for="username">Username</label>
          <input id="username" value={username} required minLength={3} maxLength={24} pattern="[A-Za-z0-9_]{3,24}" autoComplete="username" onInput={(e) => setUsername(e.currentTarget.value)} />
          <label for="password">Password</label>
          <input id="password" type="password" value={password} required minLength={8} maxLength={128} autoComplete={tab === "login" ? "current-password" : "new-password"} onInput={(e) => setPassword(e.currentTarget.value)} />
          {tab === "register" && <p class="hint">3–24 letters, digits or _; a password of at least 8 characters.</p>}
          <button class="primary big" type="submit" disabled={busy}>{tab === "login" ? "Sign in" : "Create account"}</button>
        </form>
      )}
      <p class="hint">In class? <button class="link" onClick={() => nav.go({ name: "class-join", pin: "" })}>Join a class game with its PIN</button></p>
    </section>
  );
}
