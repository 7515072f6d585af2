import type { ArraySchema } from "@colyseus/schema";

/**
 * Makes `list` hold `items`: entry by entry when the length is the same (an unchanged list
 * costs no patch bytes), else cleared and refilled (schema 3.0's `splice` can lose a delete).
 * @example replaceAll(state.choices, question.choices)
 */
export function replaceAll<T>(list: ArraySchema<T>, items: readonly T[]): void {
  if (list.length !== items.length) {
    if (list.length > 0) list.clear();
    if (items.length > 0) list.push(...items);
    return;
  }
  items.forEach((item, i) => {
    if (list[i] !== item) list[i] = item;
  });
}
