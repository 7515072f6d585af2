import type { ClassView } from "../../../../client-sdk";
import { Qr } from "../../ui/Qr";
import { count } from "./use-class";

/** The lobby on the projector: the PIN, the link and its QR code, the class filling in. */
export function HostLobby({ view, pin, onStart, onRemove, onLock, onCancel }: { view: ClassView; pin: string; onStart: () => void; onRemove: (key: string) => void; onLock: (on: boolean) => void; onCancel: () => void }) {
  const link = `${location.origin}/?class=${pin}`;
  const nobody = view.playerCount === 0;
  const remove = (key: string, name: string) => {
    if (confirm(`Remove ${name} from this game? They cannot come back in.`)) onRemove(key);
  };
  return (
    <section class="host-lobby" aria-labelledby="lobby-title">
      <div class="join-panel">
        <h1 id="lobby-title" class="host-meta">Join at <strong>{location.host}</strong> with the PIN</h1>
        <p class="pin" aria-label={`PIN ${pin.split("").join(" ")}`} data-testid="pin">{pin}</p>
        <p class="host-link">or open <a href={link}>{link}</a></p>
        <p class="hint">Parents and guests can watch at <a href={`${location.origin}/?watchclass=${pin}`}>{`${location.origin}/?watchclass=${pin}`}</a></p>
        <Qr text={link} label={`QR code of the join link ${link}`} />
      </div>
      <div class="lobby-side">
        <p class="counts" role="status" aria-live="polite">
          <strong>{count(view.playerCount, "player")}</strong> in · {view.watching} watching
        </p>
        {nobody ? (
          <p class="hint big-hint">Waiting for the first player…</p>
        ) : (
          <ul class="roster" aria-label="Players">
            {view.players.map((p) => (
              <li key={p.key} class={p.connected ? "" : "away"}>
                <span class="name">{p.name}</span>
                {!p.connected && <span class="tag">away</span>}
                <button class="remove" aria-label={`Remove ${p.name}`} title={`Remove ${p.name}`} onClick={() => remove(p.key, p.name)}>×</button>
              </li>
            ))}
          </ul>
        )}
        <label class="check">
          <input type="checkbox" checked={view.locked} onChange={(e) => onLock(e.currentTarget.checked)} />
          Lock the game: nobody new can join (players already in can still come back)
        </label>
        <button class="primary big" onClick={onStart} disabled={nobody} aria-describedby={nobody ? "start-why" : undefined}>Start the game</button>
        {nobody && <p id="start-why" class="hint">Start is ready once at least one player has joined.</p>}
        <button class="link" onClick={() => confirm("Cancel this class game? The players' phones are told it is closed.") && onCancel()}>Cancel the game</button>
        <p class="hint">{view.totalRounds} words · {view.mode === "choice" ? "picking from 4 choices" : "typing the answer"} · {view.autoAdvance ? "goes on by itself" : "you press Next after each word"}</p>
      </div>
    </section>
  );
}
