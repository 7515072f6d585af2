import type { ComponentChildren } from "preact";
import { useT } from "../i18n";

/** A message across the top: errors (role=alert, read out at once) or status notes. */
export function Banner({ kind, children, onClose }: { kind: "error" | "info"; children: ComponentChildren; onClose?: () => void }) {
  const t = useT();
  return (
    <div class={`banner ${kind}`} role={kind === "error" ? "alert" : "status"}>
      <span>{children}</span>
      {onClose && (
        <button class="link" onClick={onClose} aria-label={t("dismiss")}>
          ✕
        </button>
      )}
    </div>
  );
}
