import { useEffect, useState } from "preact/hooks";
import { LinguaLeapClient, type ClassSession } from "../../../../client-sdk";
import type { Nav } from "../../app";
import { explain, needsSignIn } from "../../errors";
import { client, signOut, timeZone } from "../../game";
import { useT } from "../../i18n";
import { markers, rich } from "../../ui/rich";
import { rememberSeat } from "./class-seat";
import "./class.css";

/** Nickname bounds (rooms/class-game/class.rules.ts NAME_MIN/NAME_MAX; that file brings a filter the page does not need). */
const NAME_MIN = 2;
const NAME_MAX = 20;
const PIN = /^[1-9][0-9]{5}$/;

/** A phone joins a class game: the PIN (from the link or typed) and a nickname, unless signed in. */
export function ClassJoin({ nav, pin: given }: { nav: Nav; pin: string }) {
  const t = useT();
  const [pin, setPin] = useState(given);
  const [name, setName] = useState("");
  const [me, setMe] = useState(client.user?.name ?? "");
  /** Signed in but joining under a nickname instead (a fresh guest, the account untouched). */
  const [nickname, setNickname] = useState(!client.token);
  /** Why the join failed, explained at each render. */
  const [error, setError] = useState<{ err: unknown }>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (client.token && !me) client.me().then((p) => setMe(p.user.name), () => undefined);
  }, []);

  const nameLength = [...name.trim()].length;
  const ready = PIN.test(pin) && (!nickname || (nameLength >= NAME_MIN && nameLength <= NAME_MAX));

  async function join(e: Event) {
    e.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(undefined);
    const signedOut = !client.token;
    try {
      const { game, shared } = await enter(pin, nickname ? name.trim() : undefined);
      // A reload takes this seat again (ClassRejoin) when it is the page's own sign-in that holds it.
      if (shared) rememberSeat({ roomId: game.roomId, pin, role: "player" });
      history.replaceState(null, "", `/?class=${pin}`);
      nav.go({ name: "class-play", game });
    } catch (err) {
      // A failed first join leaves a guest made for a name that did not get in: forget it.
      if (signedOut && client.token) signOut();
      if (needsSignIn(err)) return nav.fail(err);
      setError({ err });
      setBusy(false);
    }
  }

  return (
    <form class="card narrow class-join" aria-labelledby="join-title" onSubmit={join} noValidate>
      <h1 id="join-title">{t("class:join.title")}</h1>
      <label for="class-pin">{t("class:join.pin")}</label>
      <input id="class-pin" class="pin-input" value={pin} inputMode="numeric" autoComplete="off" maxLength={6} placeholder={t("class:join.pinPlaceholder")} aria-describedby="pin-hint" onInput={(e) => setPin(e.currentTarget.value.replace(/\D/g, "").slice(0, 6))} />
      <p id="pin-hint" class="hint">{t("class:join.pinHint")}</p>
      {nickname ? (
        <>
          <label for="class-name">{t("class:join.nickname")}</label>
          <input id="class-name" value={name} maxLength={NAME_MAX} autoComplete="nickname" aria-describedby="name-hint" onInput={(e) => setName(e.currentTarget.value)} />
          <p id="name-hint" class="hint">{t("class:join.nicknameHint", { min: NAME_MIN, max: NAME_MAX })}</p>
        </>
      ) : (
        <p class="playing-as">
          {rich(t("class:join.playingAs", markers("name")), { name: <strong>{me || t("class:join.yourself")}</strong> })}{" "}
          <button type="button" class="link" onClick={() => setNickname(true)}>{t("class:join.useNickname")}</button>
        </p>
      )}
      {error && <p class="note warn" role="alert">{explain(error.err)}</p>}
      <button class="primary big" type="submit" disabled={busy || !ready}>{busy ? t("class:join.joining") : t("class:join.join")}</button>
    </form>
  );
}

/** Into the game: as the learner signed in, or (signed out, or by choice) as a guest under `nickname`. */
async function enter(pin: string, nickname?: string): Promise<{ game: ClassSession; shared: boolean }> {
  if (!nickname) return { game: await client.joinClassGame(pin), shared: true };
  // Signed in yet choosing a nickname: a client of its own, so the account stays signed in.
  const ll = client.token ? new LinguaLeapClient(location.origin) : client;
  return { game: await ll.joinClassGame(pin, { name: nickname, timeZone: timeZone() }), shared: ll === client };
}
