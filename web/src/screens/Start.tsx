import { useState } from "preact/hooks";
import type { Nav } from "../app";
import { client, timeZone } from "../game";
import { uiLanguage, useT } from "../i18n";
import { followAccount } from "../ui-language";
import { LanguagePicker } from "../ui/LanguagePicker";

type Tab = "guest" | "login" | "register";

/** Sign-in: a guest in one click, or an account. */
export function Start({ nav }: { nav: Nav }) {
  const t = useT();
  const [tab, setTab] = useState<Tab>("guest");
  const [number] = useState(() => Math.floor(100 + Math.random() * 900));
  /** What the learner typed; until then a suggested name, in the language on show. */
  const [typed, setName] = useState<string>();
  const name = typed ?? t("start.suggestedName", { n: number });
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    try {
      await action();
      // A signed-in account may keep another interface language: it follows the learner.
      void client.me().then(followAccount, () => undefined);
      nav.go({ name: "home" });
    } catch (err) {
      nav.fail(err);
    } finally {
      setBusy(false);
    }
  }

  const tabs: [Tab, string][] = [["guest", t("start.tabGuest")], ["login", t("start.signIn")], ["register", t("start.createAccount")]];
  const options = () => ({ timeZone: timeZone(), uiLang: uiLanguage() });
  return (
    <section class="card narrow" aria-labelledby="start-title">
      <h1 id="start-title">{t("start.title")}</h1>
      <p class="lead">{t("start.lead")}</p>
      <div class="tabs" role="tablist" aria-label={t("start.how")}>
        {tabs.map(([id, label]) => (
          <button key={id} role="tab" id={`tab-${id}`} aria-selected={tab === id} aria-controls={`panel-${id}`} class={tab === id ? "tab active" : "tab"} onClick={() => setTab(id)}>
            {label}
          </button>
        ))}
      </div>
      {tab === "guest" && (
        <form id="panel-guest" role="tabpanel" aria-labelledby="tab-guest" onSubmit={(e) => { e.preventDefault(); void run(() => client.signInAsGuest(name.trim() || t("start.fallbackName"), options())); }}>
          <label for="guest-name">{t("start.yourName")}</label>
          <input id="guest-name" value={name} maxLength={24} autoComplete="nickname" onInput={(e) => setName(e.currentTarget.value)} />
          <button class="primary big" type="submit" disabled={busy}>{t("start.playNow")}</button>
          <p class="hint">{t("start.guestHint")}</p>
        </form>
      )}
      {tab !== "guest" && (
        <form
          id={`panel-${tab}`}
          role="tabpanel"
          aria-labelledby={`tab-${tab}`}
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => (tab === "login" ? client.login(username, password) : client.register(username, password, options())));
          }}
        >
          <label for="username">{t("start.username")}</label>
          <input id="username" value={username} required minLength={3} maxLength={24} pattern="[A-Za-z0-9_]{3,24}" autoComplete="username" onInput={(e) => setUsername(e.currentTarget.value)} />
          <label for="password">{t("start.password")}</label>
          <input id="password" type="password" value={password} required minLength={8} maxLength={128} autoComplete={tab === "login" ? "current-password" : "new-password"} onInput={(e) => setPassword(e.currentTarget.value)} />
          {tab === "register" && <p class="hint">{t("start.registerHint")}</p>}
          <button class="primary big" type="submit" disabled={busy}>{tab === "login" ? t("start.signIn") : t("start.createAccount")}</button>
        </form>
      )}
      <p class="hint">{t("start.inClass")} <button class="link" onClick={() => nav.go({ name: "class-join", pin: "" })}>{t("start.joinClass")}</button></p>
      <LanguagePicker />
    </section>
  );
}
