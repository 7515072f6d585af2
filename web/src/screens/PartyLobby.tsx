import { useEffect, useRef, useState } from "preact/hooks";
import type { DuelSession, DuelView } from "../../../client-sdk";
import type { Nav } from "../app";
import { client, type Profile } from "../game";
import { explain } from "../errors";
import { useT } from "../i18n";
import { markers, rich } from "../ui/rich";

/** Fewest players a party starts with (the server's PARTY_MIN_PLAYERS), and most. */
const MIN_PLAYERS = 3;
const MAX_PLAYERS = 8;

/** A party before its start: the code and link to share, who is in, and the creator's Start. */
export function PartyLobby({ nav, code, duel }: { nav: Nav; code: string; duel: DuelSession }) {
  const t = useT();
  const [view, setView] = useState<DuelView | undefined>(duel.view);
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  /** A refused start, explained at each render. */
  const [notice, setNotice] = useState<{ err: unknown }>();
  const before = useRef<Promise<Profile | undefined>>(client.me().catch(() => undefined));
  const gone = useRef(false);

  useEffect(() => {
    const started = async () => nav.go({ name: "duel", duel, how: { kind: "party" }, before: await before.current });
    const offs = [
      duel.on("state", setView),
      duel.on("phase", ({ phase }) => phase !== "waiting" && void started()),
      duel.on("closed", ({ error }) => {
        if (gone.current) return;
        if (error) nav.fail(error);
        nav.go({ name: "home" });
      }),
    ];
    if (duel.view && duel.view.phase !== "waiting") void started();
    return () => offs.forEach((off) => off());
  }, [duel]);

  async function start() {
    setBusy(true);
    setNotice(undefined);
    try {
      await duel.start();
    } catch (err) {
      setNotice({ err });
    } finally {
      setBusy(false);
    }
  }

  async function leave() {
    gone.current = true;
    await duel.leave();
    nav.go({ name: "home" });
  }

  const link = `${location.origin}/?party=${code}`;
  const players = view?.players.filter((p) => p.connected) ?? [];
  const creator = view?.players.find((p) => p.sessionId === view.creator);
  const mine = view?.creator === duel.sessionId;
  return (
    <section class="card narrow center" aria-labelledby="party-title">
      <h1 id="party-title">{t("party.title")}</h1>
      <div class="share">
        <p>{t("party.yourCode")}</p>
        <p class="code" data-testid="party-code" aria-label={t("codeSpelled", { code: code.split("").join(" ") })}>{code}</p>
        <p class="hint">{rich(t("party.howToJoin", { ...markers("link"), section: t("home.friendTitle") }), { link: <a href={link}>{link}</a> })}</p>
        <button class="secondary" onClick={() => void navigator.clipboard?.writeText(link).then(() => setCopied(true), () => setCopied(false))}>
          {copied ? t("linkCopied") : t("copyLink")}
        </button>
      </div>
      <h2>{t("party.count", { n: players.length, max: MAX_PLAYERS })}</h2>
      <ul class="party-players" aria-label={t("party.players")} aria-live="polite">
        {players.map((p) => (
          <li key={p.sessionId}>
            {p.name}
            {p.sessionId === duel.sessionId && <span class="tag">{t("tagYou")}</span>}
            {p.sessionId === view?.creator && <span class="tag">{t("party.tagHost")}</span>}
          </li>
        ))}
      </ul>
      {mine ? (
        <>
          <button class="primary big" onClick={start} disabled={busy || players.length < MIN_PLAYERS}>{t("party.start")}</button>
          {players.length < MIN_PLAYERS && <p class="hint">{t("party.atLeast", { count: MIN_PLAYERS })}</p>}
        </>
      ) : (
        <p role="status">{creator ? t("party.waitingFor", { name: creator.name }) : t("party.waitingForHost")}</p>
      )}
      {notice && <p class="note warn" role="alert">{explain(notice.err)}</p>}
      <button class="link" onClick={() => void leave()}>{t("party.leave")}</button>
    </section>
  );
}
