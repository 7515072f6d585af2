import { useEffect, useState } from "preact/hooks";
import { useT } from "../i18n";
import { Banner } from "../ui/Banner";
import { appUpdates } from "./app-updates";

/**
 * "A new version is ready — Reload" while a new version waits (hidden during a game, so a
 * duel is never reloaded away by a stray tap), and once, after the first install, that the
 * game now opens offline. Registers the service worker when first drawn.
 */
export function UpdateBanner({ hidden }: { hidden?: boolean }) {
  const t = useT();
  const [state, setState] = useState(appUpdates.state);
  useEffect(() => {
    const off = appUpdates.subscribe(setState);
    appUpdates.start();
    return off;
  }, []);
  if (hidden) return null;
  if (state.waiting) {
    return (
      <div class="banner info update-banner" role="status" data-testid="update-banner">
        <span>{t("offline:update.ready")}</span>
        <button class="secondary" disabled={state.reloading} onClick={() => void appUpdates.reload()}>
          {t("offline:update.reload")}
        </button>
      </div>
    );
  }
  if (state.offlineReady) {
    return (
      <Banner kind="info" onClose={() => appUpdates.dismissOfflineReady()}>
        {t("offline:update.offlineReady")}
      </Banner>
    );
  }
  return null;
}
