import type { ComponentChildren } from "preact";

/** A message across the top: errors (role=alert, read out at once) or status notes. */
export function Banner({ kind, children, onClose }: { kind: "error" | "info"; children: ComponentChildren; onClose?: () => void }) {
  return (
    <div class={`banner ${kind}`} role={kind === "error" ? "alert" : "status"}>
      <span>{children}</span>
      {onClose && (
        <button class="link" onClick={onClose} aria-label="Dismiss">
          ✕
        </button>
      )}
    </div>
  );
}
