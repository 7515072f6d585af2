import type { ComponentChildren } from "preact";
import type { Nav } from "../app";
import { useT } from "../i18n";
import type { NeedsNetwork } from "./offline-keys";
import { useOnline } from "./use-online";
import "./offline.css";

/**
 * "You are offline", said plainly where a screen needs the network (nothing when online),
 * with a way to the lessons kept on this device when `nav` is given.
 */
export function OfflineNotice({ what, nav }: { what: NeedsNetwork; nav?: Nav }) {
  const t = useT();
  if (useOnline()) return null;
  return (
    <div class="banner info offline-notice" role="status" data-testid="offline-notice">
      <span>
        <strong>{t("offline:notice.title")}</strong> {t(`offline:notice.${what}`)}
      </span>
      {nav && (
        <button class="secondary" onClick={() => nav.go({ name: "offline" })}>
          {t("offline:notice.practise")}
        </button>
      )}
    </div>
  );
}

/**
 * A screen drawn only while online (Boards, Leagues): offline, a notice instead; when the
 * network comes back the screen is drawn afresh, so it loads its data again by itself.
 */
export function OnlineOnly({ what, nav, children }: { what: NeedsNetwork; nav: Nav; children: ComponentChildren }) {
  const t = useT();
  if (useOnline()) return <>{children}</>;
  return (
    <section class="card narrow center offline-card" aria-labelledby="offline-card-title" data-testid="offline-notice">
      <h1 id="offline-card-title">{t("offline:notice.title")}</h1>
      <p>{t(`offline:notice.${what}`)}</p>
      <button class="primary" onClick={() => nav.go({ name: "offline" })}>
        {t("offline:notice.practise")}
      </button>
    </section>
  );
}
