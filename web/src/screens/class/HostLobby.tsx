import type { ClassView } from "../../../../client-sdk";
import { useT } from "../../i18n";
import { Qr } from "../../ui/Qr";
import { markers, rich } from "../../ui/rich";

/** The lobby on the projector: the PIN, the link and its QR code, the class filling in. */
export function HostLobby({ view, pin, onStart, onRemove, onLock, onCancel }: { view: ClassView; pin: string; onStart: () => void; onRemove: (key: string) => void; onLock: (on: boolean) => void; onCancel: () => void }) {
  const t = useT();
  const link = `${location.origin}/?class=${pin}`;
  const watchLink = `${location.origin}/?watchclass=${pin}`;
  const nobody = view.playerCount === 0;
  const remove = (key: string, name: string) => {
    if (confirm(t("class:lobby.removeConfirm", { name }))) onRemove(key);
  };
  return (
    <section class="host-lobby" aria-labelledby="lobby-title">
      <div class="join-panel">
        <h1 id="lobby-title" class="host-meta">{rich(t("class:lobby.joinAt", markers("host")), { host: <strong>{location.host}</strong> })}</h1>
        <p class="pin" aria-label={t("class:lobby.pinSpelled", { pin: pin.split("").join(" ") })} data-testid="pin">{pin}</p>
        <p class="host-link">{rich(t("class:lobby.orOpen", markers("link")), { link: <a href={link}>{link}</a> })}</p>
        <p class="hint">{rich(t("class:lobby.watchAt", markers("link")), { link: <a href={watchLink}>{watchLink}</a> })}</p>
        <Qr text={link} label={t("class:lobby.qr", { link })} />
      </div>
      <div class="lobby-side">
        <p class="counts" role="status" aria-live="polite">
          {rich(t("class:lobby.counts", { ...markers("players"), count: view.watching }), { players: <strong>{t("class:players", { count: view.playerCount })}</strong> })}
        </p>
        {nobody ? (
          <p class="hint big-hint">{t("class:lobby.waitingFirst")}</p>
        ) : (
          <ul class="roster" aria-label={t("duel:players")}>
            {view.players.map((p) => (
              <li key={p.key} class={p.connected ? "" : "away"}>
                <span class="name">{p.name}</span>
                {!p.connected && <span class="tag">{t("class:lobby.away")}</span>}
                <button class="remove" aria-label={t("class:lobby.remove", { name: p.name })} title={t("class:lobby.remove", { name: p.name })} onClick={() => remove(p.key, p.name)}>×</button>
              </li>
            ))}
          </ul>
        )}
        <label class="check">
          <input type="checkbox" checked={view.locked} onChange={(e) => onLock(e.currentTarget.checked)} />
          {t("class:lobby.lock")}
        </label>
        <button class="primary big" onClick={onStart} disabled={nobody} aria-describedby={nobody ? "start-why" : undefined}>{t("class:lobby.start")}</button>
        {nobody && <p id="start-why" class="hint">{t("class:lobby.startWhy")}</p>}
        <button class="link" onClick={() => confirm(t("class:lobby.cancelConfirm")) && onCancel()}>{t("class:lobby.cancel")}</button>
        <p class="hint">{t("class:words", { count: view.totalRounds })} · {view.mode === "choice" ? t("class:lobby.modeChoice") : t("class:lobby.modeTyped")} · {view.autoAdvance ? t("class:lobby.auto") : t("class:lobby.manual")}</p>
      </div>
    </section>
  );
}
