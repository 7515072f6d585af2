import type { Nav } from "../app";
import { useT } from "../i18n";
import { useKept, useWaiting } from "./use-offline";

/** Home's way in to offline practice: how many lessons this device keeps, and what waits to be sent. */
export function OfflineEntry({ nav }: { nav: Nav }) {
  const t = useT();
  const { lessons } = useKept();
  const waiting = useWaiting();
  const count = lessons?.length ?? 0;
  return (
    <section class="card" aria-labelledby="offline-entry-title">
      <h2 id="offline-entry-title">{t("offline:entry.title")}</h2>
      <p data-testid="offline-kept">{count === 0 ? t("offline:entry.none") : t("offline:entry.kept", { count })}</p>
      {waiting > 0 && <p class="hint">{t("offline:waiting", { count: waiting })}</p>}
      <button class="secondary" onClick={() => nav.go({ name: "offline" })}>
        {t("offline:entry.open")}
      </button>
    </section>
  );
}
