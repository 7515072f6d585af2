import type { ComponentChildren } from "preact";

/**
 * A translated sentence with elements in it (a link, a name in bold): the catalogue's
 * sentence keeps `{{name}}` markers where they go, so each language puts them where its
 * grammar wants. Call `t` with each marker passed through as itself, then fill them here:
 * @example rich(t("party.hint", { link: "{{link}}" }), { link: <a href={url}>{url}</a> })
 */
export function rich(text: string, parts: Record<string, ComponentChildren>): ComponentChildren {
  return text.split(/\{\{(\w+)\}\}/).map((piece, i) => (i % 2 === 0 ? piece : (parts[piece] ?? piece)));
}

/** The markers to pass to `t` for `rich`: `{ link: "{{link}}" }`. */
export function markers(...names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, `{{${n}}}`]));
}
