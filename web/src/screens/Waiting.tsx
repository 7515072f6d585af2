import { useEffect, useRef, useState } from "preact/hooks";
import type { DuelSession, LinguaLeapError, RankedSearch } from "../../../client-sdk";
import type { Nav } from "../app";
import { client, type Profile } from "../game";
import { useT } from "../i18n";

interface Props {
  nav: Nav;
  /** A ranked search in progress… */
  search?: RankedSearch;
  /** …or a challenge waiting for the friend. */
  challenge?: { code: string; duel: DuelSession };
}

/** The wait before a duel: elapsed time and Cancel (Escape); the challenge code to share. */
export function Waiting({ nav, search, challenge }: Props) {
  const t = useT();
  const startedAt = useRef(Date.now());
  const [now, setNow] = useState(Date.now());
  /** The latest news of the search: drawn at each render, so in the language on show. */
  const [note, setNote] = useState<{ matched: string } | "requeueing" | "">("");
  const [copied, setCopied] = useState(false);
  const before = useRef<Promise<Profile | undefined>>(client.me().catch(() => undefined));

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && void cancel();
    window.addEventListener("keydown", onKey);
    const offs: (() => void)[] = [];
    if (search) {
      offs.push(search.on("matched", (o) => setNote({ matched: o.name })));
      offs.push(search.on("requeueing", () => setNote("requeueing")));
      offs.push(search.on("queued", () => setNote("")));
      search.duel.then(
        async (duel) => nav.go({ name: "duel", duel, how: { kind: "ranked" }, before: await before.current }),
        (err: LinguaLeapError) => {
          if (err.code !== "QUEUE_CANCELLED") nav.fail(err);
        },
      );
    }
    if (challenge) {
      const { duel } = challenge;
      const started = async () => nav.go({ name: "duel", duel, how: { kind: "challenge" }, before: await before.current });
      offs.push(duel.on("phase", ({ phase }) => phase !== "waiting" && void started()));
      offs.push(duel.on("closed", ({ error }) => { if (error) nav.fail(error); nav.go({ name: "home" }); }));
    }
    return () => {
      clearInterval(timer);
      window.removeEventListener("keydown", onKey);
      offs.forEach((off) => off());
    };
  }, []);

  async function cancel() {
    if (search) await search.cancel();
    if (challenge) await challenge.duel.leave();
    nav.go({ name: "home" });
  }

  const seconds = Math.floor((now - startedAt.current) / 1000);
  const elapsed = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  const link = challenge ? `${location.origin}/?challenge=${challenge.code}` : "";
  return (
    <section class="card narrow center" aria-labelledby="wait-title">
      <h1 id="wait-title">{search ? t("waiting.finding") : t("waiting.friend")}</h1>
      <p class="elapsed" role="timer" aria-label={t("waiting.elapsed", { count: seconds })}>
        {elapsed}
      </p>
      {search && search.status.botAfterMs > 0 && <p class="hint">{t("waiting.bot", { count: Math.round(search.status.botAfterMs / 1000) })}</p>}
      {challenge && (
        <div class="share">
          <p>{t("waiting.yourCode")}</p>
          <p class="code" aria-label={t("codeSpelled", { code: challenge.code.split("").join(" ") })}>{challenge.code}</p>
          <button
            class="secondary"
            onClick={() => {
              void navigator.clipboard?.writeText(link).then(() => setCopied(true), () => setCopied(false));
            }}
          >
            {copied ? t("linkCopied") : t("copyLink")}
          </button>
        </div>
      )}
      <p role="status" aria-live="polite" class="note">{note === "requeueing" ? t("waiting.requeueing") : note ? t("waiting.matched", { name: note.matched }) : ""}</p>
      <button class="secondary" onClick={cancel}>{t("waiting.cancel")}</button>
    </section>
  );
}
