import { useEffect, useRef, useState } from "preact/hooks";
import type { DuelSession, DuelView } from "../../../client-sdk";
import type { Nav } from "../app";
import { client, type Profile } from "../game";
import { explain } from "../errors";

/** Fewest players a party starts with (the server's PARTY_MIN_PLAYERS). */
const MIN_PLAYERS = 3;

/** A party before its start: the code and link to share, who is in, and the creator's Start. */
export function PartyLobby({ nav, code, duel }: { nav: Nav; code: string; duel: DuelSession }) {
  const [view, setView] = useState<DuelView | undefined>(duel.view);
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState("");
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
    setNotice("");
    try {
      await duel.start();
    } catch (err) {
      setNotice(explain(err));
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
      <h1 id="party-title">Party with friends</h1>
      <div class="share">
        <p>Your party code</p>
        <p class="code" data-testid="party-code" aria-label={`Code ${code.split("").join(" ")}`}>{code}</p>
        <p class="hint">Friends open <a href={link}>{link}</a> or type the code under “Play a friend”.</p>
        <button class="secondary" onClick={() => void navigator.clipboard?.writeText(link).then(() => setCopied(true), () => setCopied(false))}>
          {copied ? "Link copied" : "Copy invite link"}
        </button>
      </div>
      <h2>{players.length} of 8 in the party</h2>
      <ul class="party-players" aria-label="Players in the party" aria-live="polite">
        {players.map((p) => (
          <li key={p.sessionId}>
            {p.name}
            {p.sessionId === duel.sessionId && <span class="tag">you</span>}
            {p.sessionId === view?.creator && <span class="tag">host</span>}
          </li>
        ))}
      </ul>
      {mine ? (
        <>
          <button class="primary big" onClick={start} disabled={busy || players.length < MIN_PLAYERS}>Start</button>
          {players.length < MIN_PLAYERS && <p class="hint">A party starts with at least {MIN_PLAYERS} players.</p>}
        </>
      ) : (
        <p role="status">Waiting for {creator?.name ?? "the host"} to start…</p>
      )}
      {notice && <p class="note warn" role="alert">{notice}</p>}
      <button class="link" onClick={() => void leave()}>Leave the party</button>
    </section>
  );
}
